"""The strict run (CI) fails on a skip for a missing part; a user's run only skips; logical skips
pass everywhere. Each case runs pytest in a subprocess on a one-test file with the plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.connections import PROJECT_ROOT

CASES = {
    "missing": "from tests.support.skips import missing\n\n"
    "def test_it():\n    missing('a file', 'get it')\n",
    "sample": "from tests.support.sample_data import sample\n\n"
    "def test_it():\n    sample('imagery/nowhere/never.tif')\n",
    "plain": "import pytest\n\ndef test_it():\n    pytest.skip('no reason given')\n",
    "logical": "from tests.support.skips import not_applicable\n\n"
    "def test_it():\n    not_applicable('nothing to check here')\n",
}


def run_case(tmp_path: Path, case: str, *, strict: bool) -> subprocess.CompletedProcess[str]:
    test = tmp_path / f"test_{case}.py"
    test.write_text(CASES[case])
    env = dict(os.environ, ORTHOGRAPH_TESTS_STRICT="1" if strict else "0")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.support.strict_skips", "-q", "-rs",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(test)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize("case", ["missing", "sample", "plain"])
def test_a_strict_run_fails_on_a_skip_for_a_missing_part(tmp_path: Path, case: str) -> None:
    result = run_case(tmp_path, case, strict=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "strict run" in result.stdout


@pytest.mark.parametrize("case", ["missing", "sample", "plain"])
def test_a_users_run_skips_with_the_reason(tmp_path: Path, case: str) -> None:
    result = run_case(tmp_path, case, strict=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    if case == "sample":
        assert "imagery/nowhere/never.tif" in result.stdout


@pytest.mark.parametrize("strict", [True, False])
def test_a_logical_skip_passes_everywhere(tmp_path: Path, strict: bool) -> None:
    result = run_case(tmp_path, "logical", strict=strict)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not applicable: nothing to check here" in result.stdout
