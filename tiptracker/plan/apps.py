from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "tiptracker.plan"
    label = "plan"
    verbose_name = "Implementation plan"
