from django.urls import path

from tiptracker.imports import views

urlpatterns = [
    path("", views.imports, name="imports"),
]
