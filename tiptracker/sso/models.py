"""The installation's OpenID Connect identity providers (formats.md: Single sign-on).

A provider is registered by its issuer URL; the endpoints come from the issuer's discovery
document and are kept here. Its client secret is stored encrypted with the field encryption
keys (tiptracker/lib/crypto.py), whose keys live outside the database.
"""

from django.db import models

from tiptracker.lib.crypto import EncryptedTextField


class IdentityProvider(models.Model):
    class TokenAuth(models.TextChoices):
        # How the client secret goes to the token endpoint: HTTP Basic (the standard's
        # default) unless the provider offers only the form field.
        BASIC = "client_secret_basic", "HTTP Basic authentication"
        POST = "client_secret_post", "In the form"

    # What people see: "Continue to sign in with NHS Tayside".
    name = models.CharField(max_length=100, unique=True)
    issuer = models.URLField(max_length=500)
    client_id = models.CharField(max_length=255)
    client_secret = EncryptedTextField()
    # From the discovery document (issuer + /.well-known/openid-configuration).
    authorization_endpoint = models.URLField(max_length=500)
    token_endpoint = models.URLField(max_length=500)
    userinfo_endpoint = models.URLField(max_length=500, blank=True)
    jwks_uri = models.URLField(max_length=500)
    token_auth = models.CharField(max_length=30, choices=TokenAuth.choices, default=TokenAuth.BASIC)
    # A disabled provider keeps its settings; its domains get the password form meanwhile.
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProviderDomain(models.Model):
    """An e-mail domain whose people sign in with the provider. Stored lower-case; a domain
    belongs to at most one provider, so an address never has two."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain
