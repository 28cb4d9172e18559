from django.urls import path

from tiptracker.feedback import editor, impact_views, views

urlpatterns = [
    path("surveys/", views.surveys, name="feedback_surveys"),
    path("results/", views.results, name="feedback_results"),
    path("impact/", impact_views.impact, name="feedback_impact"),
    path("results/results.csv", views.results_export, {"kind": "csv"}, name="feedback_results_csv"),
    path(
        "results/results.xlsx", views.results_export, {"kind": "xlsx"}, name="feedback_results_xlsx"
    ),
    path("results/answers.csv", views.answers_export, {"kind": "csv"}, name="feedback_answers_csv"),
    path(
        "results/answers.xlsx", views.answers_export, {"kind": "xlsx"}, name="feedback_answers_xlsx"
    ),
    path("surveys/starter-set/", views.starter_set, name="feedback_starter_set"),
    path("surveys/<int:survey_pk>/", views.survey, name="feedback_survey"),
    path("surveys/new/", editor.survey_create, name="feedback_survey_create"),
    path("surveys/<int:survey_pk>/edit/", editor.survey_edit, name="feedback_survey_edit"),
    path("surveys/<int:survey_pk>/close/", editor.survey_close, name="feedback_survey_close"),
    path("surveys/<int:survey_pk>/reopen/", editor.survey_reopen, name="feedback_survey_reopen"),
    path(
        "surveys/courses/<int:course_pk>/",
        views.course_surveys_edit,
        name="feedback_course_surveys",
    ),
]
