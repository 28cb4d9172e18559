"""The layers' contracts (pyproject.toml, [tool.importlinter]) hold, and fail when a forbidden
import is added: a copy of the package with one such import is refused by lint-imports,
naming the contract it breaks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own tool, our own files)
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "tiptracker",
        tmp_path / "tiptracker",
        ignore=shutil.ignore_patterns("static", "templates", "__pycache__"),
    )
    return tmp_path


def test_the_contracts_hold_as_the_code_is(copy):
    result = lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("lib/numbers.py", "from tiptracker.training import models", "lib imports no app"),
        (
            "funding/selectors.py",
            "from tiptracker.api import views",
            "domain apps do not import the layers above them",
        ),
        (
            "plan/services.py",
            "from tiptracker.reporting import figures",
            "domain apps do not import the board reports",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(copy, module, line, contract):
    path = copy / "tiptracker" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint(copy)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout, result.stdout
