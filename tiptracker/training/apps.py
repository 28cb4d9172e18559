from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "tiptracker.training"
