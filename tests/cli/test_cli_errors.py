"""The one table of exit codes: every class it names exists, and the nearest listed class wins."""

from __future__ import annotations

import importlib

import pytest

from cli.errors import EXIT_CODES, BadInput, describe, exit_code
from graphdb.errors import GraphError, InvalidGeometry, StateNotFound
from ingest.errors import SegmenterUnavailable, UnknownCRS
from stack.errors import PortInUse


@pytest.mark.parametrize("name", sorted(EXIT_CODES))
def test_every_listed_class_exists(name: str) -> None:
    module, _, qualname = name.rpartition(".")
    found = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    assert isinstance(found, type) and issubclass(found, BaseException), name


def test_the_nearest_listed_class_decides() -> None:
    assert exit_code(BadInput("x")) == 2
    assert exit_code(UnknownCRS("x")) == 2
    assert exit_code(SegmenterUnavailable("x")) == 5
    assert exit_code(InvalidGeometry("x")) == 2
    assert exit_code(StateNotFound("x")) == 3
    assert exit_code(GraphError("x")) == 1
    assert exit_code(PortInUse("x")) == 3
    assert exit_code(ValueError("x")) is None
    assert exit_code(KeyboardInterrupt()) is None


def test_notes_join_the_message() -> None:
    error = GraphError("writing failed")
    error.add_note("deleting the state failed too")
    assert describe(error) == "writing failed deleting the state failed too"
