import factory

from tiptracker.sso.models import IdentityProvider, ProviderDomain


class IdentityProviderFactory(factory.django.DjangoModelFactory):
    """A provider row as registration leaves it, without fetching a discovery document
    (tests that need a provider that answers register one with provider_add)."""

    class Meta:
        model = IdentityProvider
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Provider {n}")
    issuer = factory.Sequence(lambda n: f"https://login{n}.example.org")
    client_id = "tiptracker"
    client_secret = "a client secret"  # noqa: S105
    authorization_endpoint = factory.LazyAttribute(lambda p: f"{p.issuer}/authorize")
    token_endpoint = factory.LazyAttribute(lambda p: f"{p.issuer}/token")
    userinfo_endpoint = factory.LazyAttribute(lambda p: f"{p.issuer}/userinfo")
    jwks_uri = factory.LazyAttribute(lambda p: f"{p.issuer}/jwks")

    @factory.post_generation
    def domains(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        for domain in extracted or []:
            ProviderDomain.objects.create(provider=self, domain=domain)
