"""A pytest plugin (pyproject's addopts: `-p tiptracker.lib.tests.session_keys`) that gives
every test session a fresh field encryption key, so that nobody sets one to run the tests
and no key is written in the code.

It must run before Django reads its settings, which pytest-django does before any
conftest.py is imported: a plugin named with -p is imported earlier still. xdist's workers
inherit the environment and load the plugin too (each then has a key of its own, as each
has a database of its own)."""

import os

from cryptography.fernet import Fernet

os.environ.pop("FIELD_ENCRYPTION_KEYS_FILE", None)  # never a real key file in the tests
os.environ["FIELD_ENCRYPTION_KEYS"] = Fernet.generate_key().decode("ascii")
