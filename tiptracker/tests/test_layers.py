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
    assert "7 kept, 0 broken" in result.stdout


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
            "workforce/selectors.py",
            "from tiptracker.training import models",
            "the layers, top to bottom",
        ),
        (
            "resources/models.py",
            "from tiptracker.plan import models",
            "no import cycles between the apps, or between the modules of one",
        ),
        (
            "lived/audit.py",
            "from tiptracker.lived import route",
            "no import cycles between the apps, or between the modules of one",
        ),
        (
            "partnerships/access.py",
            "from tiptracker.workforce import models",
            "partnerships (tenancy and roles) imports no other app",
        ),
        (
            "plan/services.py",
            "from tiptracker.reporting import figures",
            "domain apps do not import the board reports",
        ),
        (
            "demo/__init__.py",
            "from tiptracker.cli import main",
            "the demo does not import the command line that runs it",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(copy, module, line, contract):
    path = copy / "tiptracker" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint(copy)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout, result.stdout


def _private_names_reached_from_outside() -> list[str]:
    """Every `from tiptracker.x import _name` and `module._name` (on a module of ours
    imported by name) outside tests and migrations: a module's private names are its own."""
    import ast

    package = ROOT / "tiptracker"
    modules = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in package.rglob("*.py")
    }
    found = []
    for path in package.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        tree = ast.parse(path.read_text())
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tiptracker"):
                for name in node.names:
                    if name.name.startswith("_") and not name.name.startswith("__"):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name.name}")
                    if f"{node.module}.{name.name}" in modules:
                        aliases[name.asname or name.name] = node.module
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_no_module_reaches_into_another_modules_private_names():
    assert _private_names_reached_from_outside() == []
