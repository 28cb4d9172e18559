from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "tiptracker.training"

    def ready(self) -> None:
        from tiptracker.training import receivers
        from tiptracker.workforce import signals

        signals.needs_changed.connect(receivers.needs_changed)
