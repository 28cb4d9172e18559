from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "tiptracker.improvement"
    label = "improvement"
    verbose_name = "Improvement programme"

    def ready(self) -> None:
        from tiptracker.improvement import receivers
        from tiptracker.training import signals

        signals.coverage_changed.connect(receivers.coverage_changed)
