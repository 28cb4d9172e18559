from django.urls import path

from tiptracker.improvement import consultation_views, cycle_views, driver_views, views

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
        "measures/<int:measure_pk>/delete/",
        views.improvement_measure_delete,
        name="improvement_measure_delete",
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
    # The driver diagram and its change ideas
    path("<int:project_pk>/drivers/", driver_views.improvement_drivers, name="improvement_drivers"),
    path(
        "<int:project_pk>/drivers/diagram.png",
        driver_views.improvement_drivers_png,
        name="improvement_drivers_png",
    ),
    path(
        "<int:project_pk>/drivers/add/",
        driver_views.improvement_driver_add,
        name="improvement_driver_add",
    ),
    path(
        "<int:project_pk>/drivers/starter/",
        driver_views.improvement_drivers_starter,
        name="improvement_drivers_starter",
    ),
    path(
        "drivers/<int:driver_pk>/edit/",
        driver_views.improvement_driver_edit,
        name="improvement_driver_edit",
    ),
    path(
        "drivers/<int:driver_pk>/delete/",
        driver_views.improvement_driver_delete,
        name="improvement_driver_delete",
    ),
    path(
        "<int:project_pk>/ideas/new/",
        driver_views.improvement_idea_new,
        name="improvement_idea_new",
    ),
    path("ideas/<int:idea_pk>/", driver_views.improvement_idea, name="improvement_idea"),
    path(
        "ideas/<int:idea_pk>/edit/",
        driver_views.improvement_idea_edit,
        name="improvement_idea_edit",
    ),
    path(
        "ideas/<int:idea_pk>/delete/",
        driver_views.improvement_idea_delete,
        name="improvement_idea_delete",
    ),
    # PDSA cycles
    path(
        "ideas/<int:idea_pk>/cycles/new/",
        cycle_views.improvement_cycle_new,
        name="improvement_cycle_new",
    ),
    path("cycles/<int:cycle_pk>/", cycle_views.improvement_cycle, name="improvement_cycle"),
    path(
        "cycles/<int:cycle_pk>/edit/",
        cycle_views.improvement_cycle_edit,
        name="improvement_cycle_edit",
    ),
    path(
        "cycles/<int:cycle_pk>/delete/",
        cycle_views.improvement_cycle_delete,
        name="improvement_cycle_delete",
    ),
    path(
        "cycles/<int:cycle_pk>/files/",
        cycle_views.improvement_cycle_attachment_add,
        name="improvement_cycle_attachment_add",
    ),
    path(
        "cycles/<int:cycle_pk>/rebase/",
        cycle_views.improvement_cycle_rebase,
        name="improvement_cycle_rebase",
    ),
    path(
        "files/<int:attachment_pk>/",
        cycle_views.improvement_attachment,
        name="improvement_attachment",
    ),
    path(
        "files/<int:attachment_pk>/delete/",
        cycle_views.improvement_attachment_delete,
        name="improvement_attachment_delete",
    ),
    # A project's engagement (a review's consultation activities)
    path(
        "<int:project_pk>/engagement/new/",
        consultation_views.improvement_consultation_new,
        name="improvement_consultation_new",
    ),
    path(
        "engagement/<int:activity_pk>/edit/",
        consultation_views.improvement_consultation_edit,
        name="improvement_consultation_edit",
    ),
    path(
        "engagement/<int:activity_pk>/delete/",
        consultation_views.improvement_consultation_delete,
        name="improvement_consultation_delete",
    ),
]
