from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "tiptracker.feedback"
    label = "feedback"
    verbose_name = "Feedback and impact"

    def ready(self) -> None:
        from tiptracker.feedback import receivers
        from tiptracker.training import signals

        signals.completion_recorded.connect(receivers.completion_recorded)
        signals.place_given.connect(receivers.place_given)
        signals.places_withdrawn.connect(receivers.places_withdrawn)
        signals.session_moved.connect(receivers.session_moved)
