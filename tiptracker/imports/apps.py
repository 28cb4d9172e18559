from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tiptracker.imports"
