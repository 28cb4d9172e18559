from django.urls import path

from tiptracker.imports import views

urlpatterns = [
    path("", views.imports, name="imports"),
    path("<int:import_pk>/", views.import_detail, name="import_detail"),
    path("<int:import_pk>/progress.json", views.import_progress, name="import_progress"),
    path("<int:import_pk>/problems.csv", views.import_problems_csv, name="import_problems_csv"),
    path("<int:import_pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:import_pk>/discard/", views.import_discard, name="import_discard"),
]
