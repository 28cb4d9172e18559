from django.urls import path

from tiptracker.feedback import views

urlpatterns = [
    path("surveys/", views.surveys, name="feedback_surveys"),
    path("results/", views.results, name="feedback_results"),
    path("surveys/starter-set/", views.starter_set, name="feedback_starter_set"),
    path("surveys/<int:survey_pk>/", views.survey, name="feedback_survey"),
    path(
        "surveys/courses/<int:course_pk>/",
        views.course_surveys_edit,
        name="feedback_course_surveys",
    ),
]
