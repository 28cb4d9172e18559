from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "tiptracker.resources"
    label = "resources"
