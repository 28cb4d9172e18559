"""How the product names a person who has an account."""

from typing import Any


def user_name(user: Any) -> str:
    """A person's name as the product shows it: their full name, else their e-mail address,
    else their username."""
    return user.get_full_name() or user.email or user.get_username()
