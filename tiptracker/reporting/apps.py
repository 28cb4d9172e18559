from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "tiptracker.reporting"
    label = "reporting"
    verbose_name = "Board reports"
