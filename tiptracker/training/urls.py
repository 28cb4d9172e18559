from django.urls import path

from tiptracker.training import views

urlpatterns = [
    path("courses/", views.courses, name="courses"),
    path("sessions/", views.sessions, name="sessions"),
    path("bookings/", views.my_bookings, name="my_bookings"),
]
