from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "tiptracker.feedback"
    label = "feedback"
    verbose_name = "Feedback and impact"
