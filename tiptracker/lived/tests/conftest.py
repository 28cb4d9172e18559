import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from tiptracker.lib.dates import LONDON


@pytest.fixture(autouse=True)
def field_key(settings):
    """A field encryption key of these tests' own (the suite-wide key is set up elsewhere)."""
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    return settings.FIELD_ENCRYPTION_KEYS


class Clock:
    """The time the services see, moved by hand (an edge: mocked, as the house style says)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def move_to(self, text: str) -> None:
        self.moment = dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)
