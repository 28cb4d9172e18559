from django.db import transaction

from tiptracker.accounts.models import ApiToken, hash_token


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the key is returned once and only its hash is kept."""
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip() or "API token", key_hash=hash_token(key), prefix=key[4:12]
        )
    return token, key


def api_token_revoke(*, user, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, id=token_id).delete()
    return bool(deleted)
