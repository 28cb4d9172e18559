from django.db import connection

from tiptracker.imports.kinds import KINDS
from tiptracker.imports.services import WRITTEN_TABLES


def test_every_kind_names_real_tables_to_refresh_after_a_large_import(db):
    existing = set(connection.introspection.table_names())
    assert set(WRITTEN_TABLES) == set(KINDS)
    for kind, tables in WRITTEN_TABLES.items():
        assert tables and set(tables) <= existing, kind
