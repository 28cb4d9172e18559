"""Field encryption (lib/crypto.py): what is stored is unreadable without the key, a wrong
or missing key is refused with a message saying what to set, and keys can be rotated.

The encrypted model here lives in an isolated app registry, with a table made for the
test and dropped after it (no test-only migration)."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection, models
from django.test import override_settings
from django.test.utils import isolate_apps

from tiptracker.lib import crypto
from tiptracker.lib.crypto import (
    EncryptedTextField,
    KeyProblem,
    check_keys,
    check_stored,
    decrypt,
    encrypt,
    encrypted_fields,
    rotate_model,
)

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
SECRET = "confidential-test-note: contact Sam on 07700 900123"


@pytest.fixture
def notes(transactional_db):
    """An encrypted model with a table of its own, in a registry of its own."""
    with isolate_apps("tiptracker.partnerships") as registry:

        class Note(models.Model):
            text = EncryptedTextField(blank=True)
            title = models.CharField(max_length=50, blank=True)

            class Meta:
                app_label = "partnerships"
                db_table = "crypto_test_note"

            def __str__(self) -> str:
                return self.title

        with connection.schema_editor() as editor:
            editor.create_model(Note)
        Note.registry = registry  # type: ignore[attr-defined]
        yield Note
        with connection.schema_editor() as editor:
            editor.delete_model(Note)


def stored(note_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM crypto_test_note WHERE id = %s", [note_id])
        return cursor.fetchone()[0]


def test_a_value_reads_back_as_it_was_written():
    assert decrypt(encrypt(SECRET)) == SECRET
    assert decrypt(encrypt("ünïcödé ✓")) == "ünïcödé ✓"


def test_a_saved_value_reads_back_and_the_database_never_holds_the_plaintext(notes):
    note = notes.objects.create(text=SECRET, title="plain")
    assert notes.objects.get(pk=note.pk).text == SECRET
    raw = stored(note.pk)
    assert SECRET not in raw
    assert "confidential" not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token


def test_the_same_value_is_stored_differently_each_time(notes):
    first, second = notes.objects.create(text=SECRET), notes.objects.create(text=SECRET)
    assert stored(first.pk) != stored(second.pk)  # nothing to learn from equal tokens


def test_an_empty_value_stays_empty(notes):
    note = notes.objects.create(text="")
    assert stored(note.pk) == ""
    assert notes.objects.get(pk=note.pk).text == ""


def test_no_key_is_refused_with_what_to_set():
    with override_settings(FIELD_ENCRYPTION_KEYS=""), pytest.raises(KeyProblem) as problem:
        check_keys()
    assert "No field encryption key is set" in str(problem.value)
    assert "FIELD_ENCRYPTION_KEYS_FILE" in str(problem.value)


def test_nothing_is_written_without_a_key(notes):
    with override_settings(FIELD_ENCRYPTION_KEYS=""), pytest.raises(KeyProblem):
        notes.objects.create(text=SECRET)
    assert notes.objects.count() == 0


def test_a_malformed_key_is_refused_saying_which_one():
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},not-a-key"):
        with pytest.raises(KeyProblem) as problem:
            check_keys()
    assert "key 2 of 2 is not a Fernet key" in str(problem.value)


def test_a_value_written_with_another_key_is_refused_as_a_missing_key(notes):
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        note = notes.objects.create(text=SECRET)
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW), pytest.raises(KeyProblem) as problem:
        notes.objects.get(pk=note.pk)
    assert "the key it was written with is missing" in str(problem.value)


def test_the_start_check_refuses_keys_that_cannot_read_what_is_stored(notes):
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        notes.objects.create(text=SECRET)
        check_stored(notes.registry)
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW), pytest.raises(KeyProblem) as problem:
        check_stored(notes.registry)
    assert str(problem.value).startswith("partnerships.Note.text: Stored data cannot be read")


def test_the_start_check_passes_when_nothing_is_stored(notes):
    notes.objects.create(text="")
    check_stored(notes.registry)
    check_stored()  # the real registry, on the test database


def test_every_encrypted_column_is_found_through_the_app_registry(notes):
    assert encrypted_fields(notes.registry) == {notes: ["text"]}
    for model, names in encrypted_fields().items():
        assert names
        assert all(isinstance(model._meta.get_field(name), EncryptedTextField) for name in names)


def test_with_a_new_key_first_the_old_values_still_read_and_new_ones_use_the_new_key(notes):
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        old = notes.objects.create(text="written with the old key")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        assert notes.objects.get(pk=old.pk).text == "written with the old key"
        new = notes.objects.create(text="written with the new key")
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW):
        assert notes.objects.get(pk=new.pk).text == "written with the new key"


def test_rotation_rewrites_every_value_so_that_the_old_key_can_be_dropped(notes):
    texts = [f"note {n}" for n in range(7)]
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        for text in texts:
            notes.objects.create(text=text, title=text)
        empty = notes.objects.create(text="", title="empty")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        assert rotate_model(notes, ["text"], batch_size=3) == 7  # the empty one needs nothing
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW):
        assert (
            list(notes.objects.exclude(pk=empty.pk).order_by("pk").values_list("text", flat=True))
            == texts
        )
        assert list(notes.objects.order_by("pk").values_list("title", flat=True)) == [
            *texts,
            "empty",
        ]
        check_stored(notes.registry)
    assert stored(empty.pk) == ""


def test_rotation_without_the_old_key_changes_nothing(notes):
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        note = notes.objects.create(text=SECRET)
    before = stored(note.pk)
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW), pytest.raises(KeyProblem):
        rotate_model(notes, ["text"])
    assert stored(note.pk) == before


def test_the_keys_are_read_again_when_the_setting_changes():
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        token = encrypt(SECRET)
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW):
        assert crypto.fernet()._fernets[0]._signing_key != Fernet(OLD.encode())._signing_key
        with pytest.raises(KeyProblem):
            decrypt(token)
