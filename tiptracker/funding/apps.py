from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "tiptracker.funding"
    label = "funding"
    verbose_name = "Funding"
