from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "tiptracker.engagement"
    label = "engagement"
    verbose_name = "Engagement log"
