"""The installation administrator's pages (installation-wide, not a partnership's)."""

from django.urls import path

from tiptracker.sso import views

urlpatterns = [
    path("sign-in-providers/", views.providers, name="sso_providers"),
    path("sign-in-providers/new/", views.provider_new, name="sso_provider_new"),
    path("sign-in-providers/<int:provider_id>/", views.provider_edit, name="sso_provider_edit"),
    path(
        "sign-in-providers/<int:provider_id>/remove/",
        views.provider_remove_view,
        name="sso_provider_remove",
    ),
]
