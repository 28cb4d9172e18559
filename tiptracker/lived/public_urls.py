"""The route's pages for staff, open without a login (listed in middleware.PUBLIC_URL_NAMES):
expressing interest in a partnership's group, and the person's private link. The link's
address has two parts and the interest page one, so no partnership slug can shadow it."""

from django.urls import path

from tiptracker.lived import public_views

urlpatterns = [
    path("your-record/<str:link_token>/", public_views.status, name="lived_status"),
    path(
        "your-record/<str:link_token>/withdraw/",
        public_views.withdraw,
        name="lived_person_withdraw",
    ),
    path("<slug:slug>/", public_views.interest, name="lived_interest"),
]
