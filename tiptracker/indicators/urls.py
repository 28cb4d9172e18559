from django.urls import path

from tiptracker.indicators import views

urlpatterns = [
    path("sharing/", views.indicators_sharing, name="indicators_sharing"),
]
