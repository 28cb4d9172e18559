"""The demo partnership, loaded once for each test module that asks for it (about 5,000
staff, in a few seconds), at full size, inside a transaction that is rolled back when the module
ends."""

import io
import time

import pytest
from django.db import transaction
from django.test import override_settings

from tiptracker.demo.loader import demo_load
from tiptracker.demo.tests.demo_helpers import FAST_HASHER, Loaded
from tiptracker.partnerships.models import Partnership


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        out = io.StringIO()
        started = time.perf_counter()
        logins = demo_load(out=out)
        seconds = time.perf_counter() - started
        yield Loaded(logins, Partnership.objects.get(slug="dundee"), out.getvalue(), seconds)
        transaction.set_rollback(True)


@pytest.fixture
def dundee(demo, db):
    return demo.partnership
