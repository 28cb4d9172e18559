from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "tiptracker.plan"
    label = "plan"
    verbose_name = "Implementation plan"

    def ready(self) -> None:
        from tiptracker.plan import receivers
        from tiptracker.resources import signals

        signals.resource_deleting.connect(receivers.resource_deleting)
