from django.apps import AppConfig


class LivedConfig(AppConfig):
    name = "tiptracker.lived"
    label = "lived"
    verbose_name = "Lived-experience route"
