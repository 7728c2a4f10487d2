"""An import-contract checker: every ``import`` of every module, held against layers and rules.

Modules are read with ``ast``, never imported, so the check needs no optional dependency and
sees every import: at module level, under ``TYPE_CHECKING``, and inside functions (the CLI
imports its services inside its commands). A name given as a string to ``importlib`` is not an
import; that is how ``ingest`` loads a segmenter without importing ``model``.

A :class:`Contract` names components (module prefixes such as ``graphdb`` or
``ingest.ontology``; a module belongs to the longest prefix that matches it) in layers, top
first. A component may import its own modules and those of lower layers, never a higher layer
or another component of its own layer. On top of that, ``guarded`` components are imported only
by the modules ``exceptions`` names, and ``never`` lists what a component must not import even
where the layers allow it (a third-party package or a lower component).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Contract:
    """The import rules of a source tree; see the module docstring."""

    layers: tuple[tuple[str, ...], ...]
    guarded: frozenset[str] = frozenset()
    exceptions: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """``(importing module, guarded or higher component)`` -> why that import is allowed."""
    never: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def components(self) -> tuple[str, ...]:
        return tuple(c for layer in self.layers for c in layer)

    @property
    def packages(self) -> tuple[str, ...]:
        """The top-level folders whose modules the contract covers."""
        return tuple(dict.fromkeys(c.split(".")[0] for c in self.components))

    def component_of(self, module: str) -> str | None:
        """The longest component that ``module`` is or lies under; None for a module of
        another project (the standard library, third-party packages, ``tests``)."""
        found = [c for c in self.components if module == c or module.startswith(c + ".")]
        return max(found, key=len, default=None)

    def layer_of(self, component: str) -> int:
        """0 for the top layer."""
        return next(i for i, layer in enumerate(self.layers) if component in layer)


@dataclass(frozen=True, order=True)
class Import:
    """One imported module, where it is imported."""

    path: str
    line: int
    importer: str
    imported: str


@dataclass(frozen=True, order=True)
class Violation:
    """An import the contract forbids, with the rule it breaks."""

    found: Import
    rule: str

    def __str__(self) -> str:
        f = self.found
        return f"{f.path}:{f.line}: {f.importer} imports {f.imported}: {self.rule}"


def check(root: Path, contract: Contract) -> list[Violation]:
    """Every import of a module under ``root`` that breaks ``contract``, in file order."""
    return sorted(
        v
        for package in contract.packages
        for path in sorted((root / package).rglob("*.py"))
        for found in imports_of(root, path)
        if (v := _violation(found, contract)) is not None
    )


def imports_of(root: Path, path: Path) -> Iterator[Import]:
    """The modules that the file ``path`` (under ``root``) imports, relative imports resolved.

    ``from package import name`` counts as importing ``package.name`` where that is a module
    or package under ``root``, else as importing ``package``.
    """
    relative = path.relative_to(root)
    parts = relative.with_suffix("").parts
    module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    package = module if parts[-1] == "__init__" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(package, node.module, node.level)
            names = [_submodule(root, base, alias.name) for alias in node.names]
        else:
            continue
        for name in names:
            yield Import(str(relative), node.lineno, module, name)


def _absolute(package: str, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    base = package.split(".")[: len(package.split(".")) - (level - 1)]
    return ".".join([*base, *([name] if name else [])])


def _submodule(root: Path, base: str, name: str) -> str:
    if not base:
        return name
    candidate = root.joinpath(*base.split("."), name)
    if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
        return f"{base}.{name}"
    return base


def _violation(found: Import, contract: Contract) -> Violation | None:
    source = contract.component_of(found.importer)
    if source is None:
        return Violation(found, "the module is in no layer of the contract")
    for banned in contract.never.get(source, ()):
        if found.imported == banned or found.imported.startswith(banned + "."):
            return Violation(found, f"{source} never imports {banned}")
    target = contract.component_of(found.imported)
    if target is None or target == source:
        return None
    if (found.importer, target) in contract.exceptions:
        return None
    if target in contract.guarded:
        return Violation(found, f"only the contract's named exceptions may import {target}")
    above, below = contract.layer_of(source), contract.layer_of(target)
    if below == above:
        return Violation(found, f"{source} and {target} share a layer and stay independent")
    if below < above:
        return Violation(found, f"{target} is in a higher layer than {source}")
    return None
