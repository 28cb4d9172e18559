from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "tiptracker.improvement"
    label = "improvement"
    verbose_name = "Improvement programme"
