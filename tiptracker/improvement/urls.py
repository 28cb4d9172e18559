from django.urls import path

from tiptracker.improvement import views

urlpatterns = [
    path("", views.improvement_programme, name="improvement_programme"),
    path("new/", views.improvement_project_new, name="improvement_project_new"),
    path("<int:project_pk>/", views.improvement_project, name="improvement_project"),
    path("<int:project_pk>/edit/", views.improvement_project_edit, name="improvement_project_edit"),
    path(
        "<int:project_pk>/measures/new/",
        views.improvement_measure_new,
        name="improvement_measure_new",
    ),
    path("measures/<int:measure_pk>/", views.improvement_measure, name="improvement_measure"),
    path(
        "measures/<int:measure_pk>/edit/",
        views.improvement_measure_edit,
        name="improvement_measure_edit",
    ),
    path(
        "measures/<int:measure_pk>/import/",
        views.improvement_measure_import,
        name="improvement_measure_import",
    ),
    path(
        "measures/<int:measure_pk>/chart.png",
        views.improvement_measure_png,
        name="improvement_measure_png",
    ),
    path(
        "measures/<int:measure_pk>/values.csv",
        views.improvement_measure_csv,
        name="improvement_measure_csv",
    ),
    path(
        "values/<int:value_pk>/delete/",
        views.improvement_value_delete,
        name="improvement_value_delete",
    ),
]
