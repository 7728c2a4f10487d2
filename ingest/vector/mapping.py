"""User class mappings for vector layers that are not OpenStreetMap.

A mapping file is YAML that names the attribute column holding each feature's category and
maps category values to ontology class ids::

    column: Niveau_3          # required: the attribute to read
    values:                   # required: category value -> ontology class id
      Building: building
      Forest: forest
      Hydro: water_body
    name_column: nom          # optional: attribute giving the object's name
    layer: BakerLake_2017     # optional: the layer to read from a multi-layer file

Values are compared as text after stripping spaces (``4`` and ``"4"`` are the same value);
features whose value is not listed are counted as unmapped and skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from ingest.errors import InvalidMapping
from ingest.ontology import CLASS_IDS

_KNOWN_FIELDS = frozenset({"column", "values", "name_column", "layer"})


@dataclass(frozen=True, slots=True)
class ClassMapping:
    """A validated mapping: ``values`` maps stripped category text to ontology class ids."""

    column: str
    values: Mapping[str, str]
    name_column: str | None = None
    layer: str | None = None

    def classify(self, attributes: Mapping[str, str]) -> str | None:
        """The class of a feature with these attributes, or None when its value is unmapped."""
        value = attributes.get(self.column)
        return None if value is None else self.values.get(value.strip())

    def unmapped_label(self, attributes: Mapping[str, str]) -> str:
        """How an unmapped feature is reported: ``column=value`` (or ``column=<missing>``)."""
        return f"{self.column}={attributes.get(self.column, '<missing>')}"

    def name_of(self, attributes: Mapping[str, str]) -> str | None:
        """The feature's name from ``name_column``, if there is one."""
        return None if self.name_column is None else attributes.get(self.name_column)

    def check_columns(self, columns: Iterable[str], source: str) -> None:
        """Raise :class:`InvalidMapping` when ``column``/``name_column`` is not in ``columns``."""
        present = set(columns)
        for field_name, wanted in (("column", self.column), ("name_column", self.name_column)):
            if wanted is not None and wanted not in present:
                raise InvalidMapping(
                    f"mapping {field_name} {wanted!r} is not an attribute of {source}; "
                    f"its attributes are: {', '.join(sorted(present)) or '(none)'}."
                )


def parse_mapping(document: object, origin: str = "mapping") -> ClassMapping:
    """Validate a parsed YAML document (see the module docstring) into a :class:`ClassMapping`.

    Every problem is an :class:`InvalidMapping` naming the field and what is allowed.
    """
    if not isinstance(document, dict):
        raise InvalidMapping(f"{origin}: expected a YAML mapping with 'column' and 'values'.")
    extra = set(document) - _KNOWN_FIELDS
    if extra:
        raise InvalidMapping(
            f"{origin}: unknown field(s) {', '.join(sorted(map(str, extra)))}; "
            f"allowed: {', '.join(sorted(_KNOWN_FIELDS))}."
        )
    column = document.get("column")
    if not isinstance(column, str) or not column:
        raise InvalidMapping(f"{origin}: 'column' must name the attribute holding the category.")
    values = document.get("values")
    if not isinstance(values, dict) or not values:
        raise InvalidMapping(f"{origin}: 'values' must map category values to class ids.")
    table: dict[str, str] = {}
    for raw, cls in values.items():
        if cls not in CLASS_IDS:
            raise InvalidMapping(
                f"{origin}: value {raw!r} maps to {cls!r}, which is not an ontology class; "
                f"use one of: {', '.join(sorted(CLASS_IDS))}."
            )
        table[str(raw).strip()] = cls
    name_column = document.get("name_column")
    layer = document.get("layer")
    for field_name, given in (("name_column", name_column), ("layer", layer)):
        if given is not None and not isinstance(given, str):
            raise InvalidMapping(f"{origin}: '{field_name}' must be text, got {given!r}.")
    return ClassMapping(column, table, name_column, layer)


def load_mapping(path: Path | str) -> ClassMapping:
    """Read and validate a mapping YAML file; malformed YAML is an :class:`InvalidMapping`."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidMapping(f"{path}: cannot read the mapping file ({exc}).") from exc
    return parse_mapping(document, str(path))
