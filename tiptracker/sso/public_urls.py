"""Signing in through an organisation's identity provider: open without a login (listed in
middleware.PUBLIC_URL_NAMES). The callback's address is the redirect URI each provider is
given."""

from django.urls import path

from tiptracker.sso import views

urlpatterns = [
    path("start/", views.SsoStartView.as_view(), name="sso_start"),
    path("callback/", views.SsoCallbackView.as_view(), name="sso_callback"),
]
