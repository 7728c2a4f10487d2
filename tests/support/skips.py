"""How a test steps aside, and the rule that nothing may step aside for a missing part in CI.

Two kinds of skip exist. A *logical* skip says the test has nothing to check here (no CUDA
device, an extract with no bridge over water); it is allowed everywhere and its reason starts
with :data:`NOT_APPLICABLE`. A *missing* skip says a part is absent (a data file, a program);
on a user's machine it skips with a reason the user can act on, but where the full setup is
expected (``../shared`` beside the clone, as in CI, or ``ORTHOGRAPH_TESTS_STRICT=1``) it fails
the test instead, and the root conftest fails the run on any other skip: a test that silently
skips in CI is a test that does not exist.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

from tests.support.locations import shared_data_root

NOT_APPLICABLE = "not applicable: "
"""Prefix of the reason of every logical skip; the strict run allows only these."""


def strict() -> bool:
    """Whether every part must be there: ``ORTHOGRAPH_TESTS_STRICT``, else ``../shared`` exists."""
    setting = os.environ.get("ORTHOGRAPH_TESTS_STRICT", "").strip().lower()
    if setting in {"1", "true", "yes"}:
        return True
    if setting in {"0", "false", "no"}:
        return False
    return shared_data_root().is_dir()


def not_applicable(reason: str) -> NoReturn:
    """Skip because this test has nothing to check here (allowed in every run)."""
    pytest.skip(NOT_APPLICABLE + reason)


def missing(what: str, fix: str) -> NoReturn:
    """Skip (user's machine) or fail (strict run) because ``what`` is absent; ``fix`` says how."""
    message = f"missing {what}: {fix}"
    if strict():
        pytest.fail(f"{message} (a strict run, where ../shared is present, may not skip for it)")
    pytest.skip(message)


def is_logical(reason: str) -> bool:
    """Whether a skip reason (as pytest reports it, maybe after ``Skipped: ``) is a logical one."""
    return reason.removeprefix("Skipped: ").startswith(NOT_APPLICABLE)
