from django.urls import path

from tiptracker.workforce import views

urlpatterns = [
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:staff_pk>/", views.staff_detail, name="staff_detail"),
    path("needs/", views.needs, name="needs"),
]
