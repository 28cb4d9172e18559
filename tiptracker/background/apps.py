from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "tiptracker.background"
    verbose_name = "Background work"
