from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "tiptracker.indicators"
    label = "indicators"
    verbose_name = "Quality indicators"
