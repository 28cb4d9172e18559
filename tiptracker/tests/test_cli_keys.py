"""The field encryption keys from the command line: the web app does not start without
keys that work, other commands do, `rotate-keys` re-encrypts, and the demo makes its own
key (tiptracker/lib/crypto.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection, models
from django.test import override_settings
from django.test.utils import isolate_apps

from tiptracker.cli import main
from tiptracker.cli.demo import demo_key_file, demo_keys
from tiptracker.cli.serving import serve
from tiptracker.lib import crypto
from tiptracker.lib.crypto import EncryptedTextField
from tiptracker.lib.user_error import UserError

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def run(tmp_path: Path, *argv: str, **environment: str) -> subprocess.CompletedProcess:
    """The installed command (or python -m) against a fresh SQLite file, with no field
    encryption key unless given."""
    script = Path(sys.executable).with_name("tiptracker")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tiptracker.cli"]
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_KEYS_FILE")
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'keys.sqlite3'}",
        "CACHE_DIR": str(tmp_path / "cache"),
        **environment,
    }
    return subprocess.run(  # noqa: S603 - our own command with our own arguments
        [*command, *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def test_serve_refuses_to_start_without_a_key_while_other_commands_work(tmp_path):
    created = run(tmp_path, "partnership", "create", "fresh", "--name", "Fresh")
    assert (created.returncode, created.stderr) == (0, "")
    served = run(tmp_path, "serve", "--port", "8799")
    assert served.returncode == 1
    assert served.stdout == ""
    assert served.stderr.startswith(
        "tiptracker: error: the web app will not start: No field encryption key is set. "
        "Set FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE"
    )
    assert "Traceback" not in served.stderr


def test_serve_refuses_a_malformed_key_from_a_key_file(tmp_path):
    key_file = tmp_path / "keys"
    key_file.write_text("not-a-fernet-key\n")
    served = run(tmp_path, "serve", "--port", "8799", FIELD_ENCRYPTION_KEYS_FILE=str(key_file))
    assert served.returncode == 1
    assert "Field encryption key 1 of 1 is not a Fernet key" in served.stderr
    assert "Traceback" not in served.stderr


def test_the_wsgi_application_does_not_load_without_a_key(tmp_path):
    loaded = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-c", "import tiptracker.wsgi"],
        cwd=tmp_path,
        env={
            name: value
            for name, value in os.environ.items()
            if not name.startswith("FIELD_ENCRYPTION_KEYS")
        }
        | {"DATABASE_URL": f"sqlite:///{tmp_path / 'keys.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode != 0
    assert "KeyProblem: No field encryption key is set" in loaded.stderr


def test_serve_refuses_keys_that_cannot_read_what_is_stored(monkeypatch, notes):
    monkeypatch.setattr(crypto, "encrypted_fields", lambda registry=None: {notes: ["text"]})
    served = []
    monkeypatch.setattr("tiptracker.server.run_server", lambda **kwargs: served.append(kwargs))
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        notes.objects.create(text="written with the old key")
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW):
        with pytest.raises(UserError) as refused:
            serve("127.0.0.1", 8799)
    assert str(refused.value).startswith(
        "the web app will not start: partnerships.Note.text: Stored data cannot be read"
    )
    assert served == []


@pytest.fixture
def notes(transactional_db):
    with isolate_apps("tiptracker.partnerships"):

        class Note(models.Model):
            text = EncryptedTextField(blank=True)

            class Meta:
                app_label = "partnerships"
                db_table = "cli_keys_test_note"

            def __str__(self) -> str:
                return str(self.pk)

        with connection.schema_editor() as editor:
            editor.create_model(Note)
        yield Note
        with connection.schema_editor() as editor:
            editor.delete_model(Note)


def test_rotate_keys_re_encrypts_so_that_the_old_key_can_be_dropped(capsys, monkeypatch, notes):
    monkeypatch.setattr(crypto, "encrypted_fields", lambda registry=None: {notes: ["text"]})
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        for n in range(3):
            notes.objects.create(text=f"note {n}")
        notes.objects.create(text="")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        assert main(["rotate-keys", "--batch-size", "2"]) == 0
    assert capsys.readouterr().out == (
        "partnerships.Note: 3 rows re-encrypted (text)\n"
        "Done: 3 rows in 1 model now encrypted with the current (first) key; "
        "the other keys can be removed\n"
    )
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW):
        assert sorted(notes.objects.values_list("text", flat=True)) == [
            "",
            "note 0",
            "note 1",
            "note 2",
        ]


def test_rotate_keys_without_the_key_the_data_was_written_with_is_a_plain_error(
    capsys, monkeypatch, notes
):
    monkeypatch.setattr(crypto, "encrypted_fields", lambda registry=None: {notes: ["text"]})
    with override_settings(FIELD_ENCRYPTION_KEYS=OLD):
        notes.objects.create(text="written with the old key")
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW):
        assert main(["rotate-keys"]) == 1
        err = capsys.readouterr().err
    assert err.startswith("tiptracker: error: Stored data cannot be read")
    assert err.rstrip().endswith("Nothing more was re-encrypted.")


def test_rotate_keys_covers_every_encrypted_model_of_the_application(capsys, db):
    assert main(["rotate-keys"]) == 0
    lines = capsys.readouterr().out.splitlines()
    found = crypto.encrypted_fields()
    assert [line.split(":")[0] for line in lines[:-1]] == [m._meta.label for m in found]
    assert lines[-1].startswith("Done: 0 rows in ")


def test_the_demo_makes_its_own_key_file_once_and_says_where(
    capsys, monkeypatch, settings, tmp_path
):
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS_FILE", "restored after the test")
    settings.FIELD_ENCRYPTION_KEYS = ""
    key_file = tmp_path / "demo.sqlite3.field-keys"
    demo_keys(key_file)
    assert f"Field encryption key for the demo: {key_file}" in capsys.readouterr().out
    key = key_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert os.environ["FIELD_ENCRYPTION_KEYS_FILE"] == str(key_file)
    token = crypto.encrypt("demo")
    assert Fernet(key.strip().encode()).decrypt(token.encode()) == b"demo"
    settings.FIELD_ENCRYPTION_KEYS = ""
    demo_keys(key_file)  # a second run keeps the key that reads the demo's data
    assert key_file.read_text() == key
    assert crypto.decrypt(token) == "demo"


def test_the_demo_uses_keys_that_are_set(capsys, settings, tmp_path):
    settings.FIELD_ENCRYPTION_KEYS = NEW
    demo_keys(tmp_path / "demo.sqlite3.field-keys")
    assert capsys.readouterr().out == "Field encryption: with the keys FIELD_ENCRYPTION_KEYS sets\n"
    assert not (tmp_path / "demo.sqlite3.field-keys").exists()


def test_the_demo_key_file_is_beside_a_sqlite_database(db):
    if connection.vendor != "sqlite":
        assert demo_key_file() == Path.cwd() / "tiptracker-demo.field-keys"
    else:
        assert demo_key_file().name.endswith(".field-keys")
