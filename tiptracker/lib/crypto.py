"""Field encryption for the lived-experience route (issue 5): names, contact details and
every free-text note are stored encrypted (Fernet: AES-128-CBC with an HMAC), with keys
that live outside the database and the code.

The keys come from the setting FIELD_ENCRYPTION_KEYS (the environment variable of that
name, or the file FIELD_ENCRYPTION_KEYS_FILE names): Fernet keys separated by commas or
line breaks, the first one current. Every key is tried when reading (MultiFernet), so keys
are rotated by putting a new key first and re-encrypting (`tiptracker rotate-keys`), then
dropping the old one.

A missing or unusable key is a KeyProblem (ImproperlyConfigured) with a message saying
what to do: the application refuses to start rather than write plaintext.
"""

import functools
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connection, models, transaction


class KeyProblem(ImproperlyConfigured):
    """The encryption keys are missing, malformed, or cannot read what is stored."""


HOW = (
    "Set FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE, a file holding them) to one or "
    "more Fernet keys, the current one first; make one with "
    '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.'
)


def parse_keys(text: str) -> list[Fernet]:
    found = [part.strip() for part in re.split(r"[,\s]+", text or "") if part.strip()]
    if not found:
        raise KeyProblem(f"No field encryption key is set. {HOW}")
    keys = []
    for number, key in enumerate(found, start=1):
        try:
            keys.append(Fernet(key.encode()))
        except (ValueError, TypeError):
            raise KeyProblem(
                f"Field encryption key {number} of {len(found)} is not a Fernet key "
                f"(32 url-safe base64-encoded bytes). {HOW}"
            ) from None
    return keys


@functools.cache
def fernet() -> MultiFernet:
    from django.conf import settings

    return MultiFernet(parse_keys(getattr(settings, "FIELD_ENCRYPTION_KEYS", "")))


def _forget(*, setting: str, **kwargs: object) -> None:
    if setting == "FIELD_ENCRYPTION_KEYS":
        fernet.cache_clear()


setting_changed.connect(_forget)


def check_keys() -> None:
    """Raises KeyProblem unless the keys are set and work (run at start)."""
    multi = fernet()
    if multi.decrypt(multi.encrypt(b"check")) != b"check":  # pragma: no cover - Fernet's own
        raise KeyProblem(f"The field encryption keys do not work. {HOW}")


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise KeyProblem(
            "Stored data cannot be read with the field encryption keys set: the key it was "
            f"written with is missing. {HOW}"
        ) from None


def rotate(token: str) -> str:
    """The same value encrypted with the current (first) key."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise KeyProblem(
            f"Stored data cannot be read with the field encryption keys set. {HOW}"
        ) from None


class EncryptedTextField(models.TextField):
    """Text stored encrypted; Python code sees the plain text. An empty value is stored
    empty (it says nothing). It cannot be searched or sorted on in the database, by design."""

    def get_prep_value(self, value: object) -> object:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(
        self, value: str | None, expression: object, connection: object
    ) -> str | None:
        if not value:  # None or empty: stored as it is
            return value
        return decrypt(value)


# Every encrypted field, found through the app registry, so that a model that gains an
# EncryptedTextField is checked at start and re-encrypted by `tiptracker rotate-keys`
# without being listed anywhere.


def encrypted_fields(registry: Apps | None = None) -> dict[type[models.Model], list[str]]:
    """Each model with encrypted columns of its own (a proxy shares its table; a child
    table in multi-table inheritance lists only its own columns), and those columns."""
    found: dict[type[models.Model], list[str]] = {}
    for model in (registry or django_apps).get_models():
        if model._meta.proxy:
            continue
        names = [
            field.attname
            for field in model._meta.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if names:
            found[model] = names
    return found


def _stored(model: type[models.Model], name: str) -> models.QuerySet:
    return (
        model._base_manager.exclude(**{f"{name}__isnull": True})
        .exclude(**{name: ""})
        .values_list(name, flat=True)
    )


def check_stored(registry: Apps | None = None) -> None:
    """Raises KeyProblem unless the keys work and read what the database holds: the first
    and the last stored value of every encrypted column (written with the oldest and the
    newest key in use). Data written with a new key beside data nobody can read any more
    would be worse than not starting."""
    check_keys()
    tables = set(connection.introspection.table_names())
    for model, names in encrypted_fields(registry).items():
        if model._meta.db_table not in tables:
            continue  # not migrated yet: nothing stored
        for name in names:
            try:
                list(_stored(model, name).order_by("pk")[:1])
                list(_stored(model, name).order_by("-pk")[:1])
            except KeyProblem as problem:
                raise KeyProblem(f"{model._meta.label}.{name}: {problem}") from None


def rotate_model(model: type[models.Model], names: list[str], *, batch_size: int = 500) -> int:
    """Re-encrypts the model's encrypted columns with the current key, in batches, in one
    transaction (all of this model or none of it); returns the number of rows rewritten.
    Reading decrypts with whichever key works, writing always uses the first."""
    rewritten = 0
    last_pk: object = None
    with transaction.atomic():
        while True:
            rows = model._base_manager.select_for_update().only("pk", *names).order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows[:batch_size])
            if not batch:
                return rewritten
            last_pk = batch[-1].pk
            holding = [row for row in batch if any(getattr(row, name) for name in names)]
            model._base_manager.bulk_update(holding, names)
            rewritten += len(holding)
