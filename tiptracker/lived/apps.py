from django.apps import AppConfig


class LivedConfig(AppConfig):
    name = "tiptracker.lived"
    label = "lived"
    verbose_name = "Lived-experience route"

    def ready(self) -> None:
        from tiptracker.accounts import announcements
        from tiptracker.lived import receivers
        from tiptracker.partnerships import signals

        signals.role_changed.connect(receivers.role_changed)
        announcements.second_factor_removed.connect(receivers.second_factor_removed)
