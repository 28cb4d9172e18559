from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from tiptracker.accounts import views as account_views
from tiptracker.api import views as api_views
from tiptracker.home import views as partnership_views
from tiptracker.ops import health

# The admin site sees every partnership: a password is not enough, it needs a second factor.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", partnership_views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    # The second step of signing in for those who must use a second factor.
    path("account/second-factor/", account_views.second_factor, name="second_factor"),
    path(
        "account/second-factor/set-up/",
        account_views.second_factor_set_up,
        name="second_factor_set_up",
    ),
    path(
        "account/recovery-codes/", account_views.recovery_codes_renew, name="recovery_codes_renew"
    ),
    path(
        "account/second-factor/replace/",
        account_views.second_factor_replace,
        name="second_factor_replace",
    ),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("health", account_views.health, name="health"),
    # The proxy's and the orchestrator's probes: alive, and ready for work (docs/deployment.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("account/", account_views.account, name="account"),
    path("account/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token_revoke"),
    path("p/<slug:slug>/", partnership_views.dashboard, name="dashboard"),
    path(
        "p/<slug:slug>/administration/",
        partnership_views.administration,
        name="administration",
    ),
    path("p/<slug:slug>/members/", partnership_views.members, name="members"),
    path("p/<slug:slug>/organisations/", partnership_views.organisations, name="organisations"),
    path(
        "p/<slug:slug>/members/invitations/",
        partnership_views.member_invitations,
        name="member_invitations",
    ),
    path(
        "p/<slug:slug>/members/invitations/<int:account_invitation_pk>/resend/",
        partnership_views.member_invitation_resend,
        name="member_invitation_resend",
    ),
    path(
        "p/<slug:slug>/members/invitations/<int:account_invitation_pk>/revoke/",
        partnership_views.member_invitation_revoke,
        name="member_invitation_revoke",
    ),
    path(
        "p/<slug:slug>/members/invite-staff/",
        partnership_views.members_invite_staff,
        name="members_invite_staff",
    ),
    path(
        "p/<slug:slug>/members/<int:member_id>/role/",
        partnership_views.member_role,
        name="member_role",
    ),
    path(
        "p/<slug:slug>/members/<int:member_id>/remove/",
        partnership_views.member_remove,
        name="member_remove",
    ),
    path(
        "p/<slug:slug>/members/sign-in/",
        partnership_views.members_sign_in,
        name="members_sign_in",
    ),
    path("account/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    # Public: forgetting a password, and an invitation's link (its token is the key).
    path("password-reset/", account_views.password_reset, name="password_reset"),
    path(
        "password-reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "invitations/<str:invitation_token>/",
        account_views.invitation_accept,
        name="invitation_accept",
    ),
    path("p/<slug:slug>/", include("tiptracker.workforce.urls")),
    path("p/<slug:slug>/", include("tiptracker.training.urls")),
    # A briefing guest's reply page: public, its personal link's token is the key.
    path("briefings/", include("tiptracker.training.public_urls")),
    path("survey/", include("tiptracker.feedback.public_urls")),
    path("lived-experience/", include("tiptracker.lived.public_urls")),
    # Signing in through an organisation's identity provider: public, like the login page.
    path("sso/", include("tiptracker.sso.public_urls")),
    path("installation/", include("tiptracker.sso.urls")),
    path("p/<slug:slug>/imports/", include("tiptracker.imports.urls")),
    path("p/<slug:slug>/", include("tiptracker.plan.urls")),
    path("p/<slug:slug>/feedback/", include("tiptracker.feedback.urls")),
    path("p/<slug:slug>/resources/", include("tiptracker.resources.urls")),
    path("p/<slug:slug>/network/", include("tiptracker.network.urls")),
    path("p/<slug:slug>/funding/", include("tiptracker.funding.urls")),
    path("p/<slug:slug>/improvement/", include("tiptracker.improvement.urls")),
    path("p/<slug:slug>/indicators/", include("tiptracker.indicators.urls")),
    path("p/<slug:slug>/engagement/", include("tiptracker.engagement.urls")),
    path("p/<slug:slug>/lived-experience/", include("tiptracker.lived.urls")),
    path("p/<slug:slug>/reports/", include("tiptracker.reporting.urls")),
    # formats.md: every API endpoint requires authentication, the schema included.
    path(
        "api/schema/",
        api_views.SchemaApi.as_view(),
        name="api_schema",
    ),
    path("api/docs/", api_views.api_docs, name="api_docs"),
    path("api/", include("tiptracker.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "tiptracker.errors.not_found"
handler403 = "tiptracker.errors.forbidden"
handler500 = "tiptracker.errors.server_error"
