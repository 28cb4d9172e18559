from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "tiptracker.workforce"

    def ready(self) -> None:
        from tiptracker.partnerships import signals
        from tiptracker.workforce import receivers

        signals.member_added_unlinked.connect(receivers.member_added_unlinked)
