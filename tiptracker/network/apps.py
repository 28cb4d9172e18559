from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "tiptracker.network"
    label = "network"
