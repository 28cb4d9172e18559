"""The guest's reply page, outside any partnership and open without a login: the token in
a personal link is the key (see tokens.py). Listed in middleware.PUBLIC_URL_NAMES."""

from django.urls import path

from tiptracker.training import briefing_views

urlpatterns = [
    path("reply/<str:reply_token>/", briefing_views.briefing_reply, name="briefing_reply"),
    path(
        "reply/<str:reply_token>/calendar.ics",
        briefing_views.briefing_reply_ics,
        name="briefing_reply_ics",
    ),
]
