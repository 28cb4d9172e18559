from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "tiptracker.sso"
    verbose_name = "Single sign-on"
