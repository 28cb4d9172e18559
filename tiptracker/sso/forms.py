"""The installation administrator's forms for sign-in providers. Each field is checked by
the same service functions as `tiptracker sso add`, so the page and the command agree."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from tiptracker.sso import services
from tiptracker.sso.models import IdentityProvider


def _sentence(error: ValidationError) -> ValidationError:
    """The services' messages start in lower case (they follow 'error:' on the command
    line); on a page each is a sentence."""
    return ValidationError([m[:1].upper() + m[1:] for m in error.messages])


class _ProviderForm(forms.Form):
    provider: IdentityProvider | None = None

    def clean_domains(self) -> list[str]:
        try:
            return services.domains_check(self.cleaned_data["domains"], provider=self.provider)
        except ValidationError as error:
            raise _sentence(error) from None


DOMAINS_HELP = (
    "The part after the @ of the e-mail addresses that sign in with this provider, separated "
    "by commas, for example nhs.scot, dundeecity.gov.uk"
)


class ProviderAddForm(_ProviderForm):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="People see it on the sign-in page, for example NHS Tayside",
    )
    issuer = forms.CharField(
        label="Issuer URL",
        max_length=500,
        help_text="The provider's OpenID Connect issuer, for example "
        "https://login.microsoftonline.com/<tenant ID>/v2.0",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )
    client_id = forms.CharField(label="Client ID", max_length=255)
    client_secret = forms.CharField(
        label="Client secret",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Stored encrypted; it is never shown again",
    )
    domains = forms.CharField(label="E-mail domains", max_length=2000, help_text=DOMAINS_HELP)

    def clean_name(self) -> str:
        try:
            return services.name_check(self.cleaned_data["name"])
        except ValidationError as error:
            raise _sentence(error) from None

    def save(self) -> IdentityProvider | None:
        """The provider, or None with the problem added to the form (the discovery document
        is fetched last, once everything else is right)."""
        data: dict[str, Any] = self.cleaned_data
        try:
            return services.provider_add(
                name=data["name"],
                issuer=data["issuer"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                domains=data["domains"],
            )
        except ValidationError as error:
            self.add_error("issuer", _sentence(error))
            return None


class ProviderEditForm(_ProviderForm):
    client_id = forms.CharField(label="Client ID", max_length=255)
    client_secret = forms.CharField(
        label="New client secret (optional)",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Leave it blank to keep the secret stored now",
    )
    domains = forms.CharField(label="E-mail domains", max_length=2000, help_text=DOMAINS_HELP)
    enabled = forms.BooleanField(
        label="Use this provider: people with these domains sign in with it",
        required=False,
    )

    def __init__(self, *args: Any, provider: IdentityProvider, **kwargs: Any) -> None:
        self.provider = provider
        kwargs.setdefault(
            "initial",
            {
                "client_id": provider.client_id,
                "domains": ", ".join(d.domain for d in provider.domains.all()),
                "enabled": provider.enabled,
            },
        )
        super().__init__(*args, **kwargs)

    def save(self) -> IdentityProvider:
        data: dict[str, Any] = self.cleaned_data
        assert self.provider is not None  # noqa: S101 - set in __init__
        return services.provider_update(
            provider=self.provider,
            client_id=data["client_id"],
            client_secret=data["client_secret"] or None,
            domains=data["domains"],
            enabled=data["enabled"],
        )
