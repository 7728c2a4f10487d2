"""The 32 object classes: ids and order, scales, geometry kinds and lookup errors."""

import dataclasses

import pytest

from ingest.errors import UnknownClass, UnknownScale
from ingest.ontology import (
    CLASS_IDS,
    CLASSES,
    SCALE_DENOMINATORS,
    classes_at,
    get_class,
    graphql_enum_name,
)

METHOD_CLASS_IDS = (
    "building", "residential_block", "settlement", "industrial_site", "industrial_zone", "farm",
    "road", "motorway", "railway", "railway_station", "bridge", "tunnel_portal", "parking_lot",
    "airport", "runway", "port", "pier", "river", "stream", "water_body", "reservoir", "dam",
    "forest", "park", "vegetation", "cropland", "orchard", "wetland", "bare_ground", "quarry",
    "sports_ground", "cemetery",
)  # fmt: skip


def test_class_ids_are_the_32_of_method_md_in_fixed_order() -> None:
    assert CLASS_IDS == METHOD_CLASS_IDS
    assert len(CLASS_IDS) == 32
    assert tuple(CLASSES) == CLASS_IDS
    assert all(CLASSES[i].id == i for i in CLASS_IDS)


def test_every_class_is_complete() -> None:
    for cls in CLASSES.values():
        assert cls.label and cls.description, cls.id
        assert cls.geometry in {"polygon", "line", "point"}, cls.id
        assert cls.scales and cls.scales <= set(SCALE_DENOMINATORS), cls.id
        assert graphql_enum_name(cls.id) == cls.id.upper()


@pytest.mark.parametrize(
    ("denominator", "typical"),
    [
        (2000, {"building", "road", "bridge", "parking_lot", "sports_ground", "pier", "stream",
                "vegetation"}),
        (10000, {"residential_block", "industrial_site", "road", "railway", "river", "park",
                 "cemetery", "water_body"}),
        (50000, {"settlement", "industrial_zone", "airport", "river", "water_body", "forest",
                 "cropland"}),
    ],
)  # fmt: skip
def test_method_table_objects_appear_at_their_scale(denominator: int, typical: set[str]) -> None:
    assert typical <= set(classes_at(denominator))


@pytest.mark.parametrize(
    ("class_id", "scales"),
    [
        ("building", {2000}),
        ("residential_block", {10000}),
        ("settlement", {50000}),
        ("industrial_site", {2000, 10000}),
        ("industrial_zone", {50000}),
        ("bridge", {2000, 10000}),
        ("river", {2000, 10000, 50000}),
        ("stream", {2000, 10000}),
        ("airport", {10000, 50000}),
    ],
)
def test_scales_of_the_scale_linked_hierarchy(class_id: str, scales: set[int]) -> None:
    assert get_class(class_id).scales == scales


def test_classes_at_keeps_class_order() -> None:
    at_50000 = classes_at(50000)
    assert list(at_50000) == [i for i in CLASS_IDS if i in at_50000]
    assert "building" not in at_50000 and "settlement" in at_50000


def test_classes_at_unknown_scale() -> None:
    with pytest.raises(UnknownScale, match="25000"):
        classes_at(25000)


@pytest.mark.parametrize(
    ("geometry", "class_ids"),
    [
        ("line", {"road", "motorway", "railway", "bridge", "runway", "river", "stream", "dam"}),
        ("point", {"railway_station", "tunnel_portal"}),
    ],
)
def test_geometry_kinds(geometry: str, class_ids: set[str]) -> None:
    assert {c.id for c in CLASSES.values() if c.geometry == geometry} == class_ids


def test_only_derived_classes_lack_osm_tags() -> None:
    assert {c.id for c in CLASSES.values() if not c.osm} == {"industrial_zone", "tunnel_portal"}


def test_unknown_class_suggests_the_closest_id() -> None:
    with pytest.raises(UnknownClass, match="did you mean 'building'") as caught:
        get_class("buildng")
    assert "'buildng'" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_unknown_class_lists_every_valid_id() -> None:
    with pytest.raises(UnknownClass) as caught:
        get_class("volcano")
    message = str(caught.value)
    assert "'volcano'" in message and "did you mean" not in message
    assert all(class_id in message for class_id in CLASS_IDS)


def test_class_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_class("road").geometry = "polygon"  # type: ignore[misc]
    with pytest.raises(TypeError):
        CLASSES["road"] = get_class("river")  # type: ignore[index]
