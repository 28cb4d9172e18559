"""CI must not pass by skipping: with REQUIRE_BROWSER=1 (.ci/run) a run on a machine without
Chromium or LibreOffice fails with a plain message, where a developer's run skips those tests
and says so (conftest.py).

Each case runs pytest in a subprocess on the browser tests of one file and the LibreOffice
check, on a machine made to look as if it had neither: both paths point at missing files and
PATH holds neither program.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import conftest as root_conftest

ROOT = Path(__file__).resolve().parents[1]
SELECTED = ["tests/browser/test_accounts.py", "tiptracker/reporting/tests/test_libreoffice.py"]
# Plugins these tests do not use, left out to start faster.
FAST = ["-p", "no:xdist", "-p", "no:hypothesispytest", "-p", "no:schemathesis", "-p", "no:anyio"]


def run_pytest(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REQUIRE_BROWSER", "TIPTRACKER_REQUIRE_TOOLS", "PYTEST_XDIST_WORKER")
        and not key.startswith("PYTEST_")
    }
    environment |= {
        "PATH": str(Path(sys.executable).parent),  # the virtual environment, without the tools
        "TIPTRACKER_CHROMIUM": str(tmp_path / "no-chromium" / "chromium"),
        "TIPTRACKER_SOFFICE": str(tmp_path / "no-libreoffice" / "soffice"),
        **variables,
    }
    return subprocess.run(  # noqa: S603 (this interpreter, our own tests)
        [sys.executable, "-m", "pytest", "-rs", *FAST, *SELECTED],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_run_that_requires_the_tools_fails_plainly_without_them(tmp_path):
    result = run_pytest(tmp_path, REQUIRE_BROWSER="1")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "REQUIRE_BROWSER is set, so the browser and LibreOffice tests must run" in output, output
    assert f"Chromium at {tmp_path / 'no-chromium' / 'chromium'}" in output, output
    assert f"LibreOffice at {tmp_path / 'no-libreoffice' / 'soffice'}" in output, output
    assert "Traceback" not in output, output
    assert " passed" not in output and " skipped" not in output, output


def test_the_older_name_still_requires_the_tools(tmp_path, monkeypatch):
    # The same check as above, in this process: TIPTRACKER_REQUIRE_TOOLS is REQUIRE_BROWSER's
    # older name, and scripts may still set it.
    monkeypatch.delenv("REQUIRE_BROWSER", raising=False)
    monkeypatch.setenv("TIPTRACKER_REQUIRE_TOOLS", "1")
    monkeypatch.setattr(root_conftest, "CHROMIUM", tmp_path / "chromium")
    with pytest.raises(pytest.UsageError, match="TIPTRACKER_REQUIRE_TOOLS is set"):
        root_conftest.pytest_sessionstart(None)
    monkeypatch.setenv("TIPTRACKER_REQUIRE_TOOLS", "0")
    root_conftest.pytest_sessionstart(None)  # asks for nothing


def test_a_run_that_does_not_require_the_tools_skips_and_says_so(tmp_path):
    result = run_pytest(tmp_path, REQUIRE_BROWSER="0")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert " skipped" in output and " passed" not in output and " failed" not in output, output
    assert "BROWSER TESTS DID NOT RUN" in output, output
    assert "LIBREOFFICE CHECK DID NOT RUN" in output, output
