from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tiptracker.accounts"

    def ready(self) -> None:
        from tiptracker.accounts import signals  # noqa: F401 - connects the sign-in receiver
