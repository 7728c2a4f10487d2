// One selected object: its relations drawn as arcs to the related objects with the predicate as
// an HTML label (no glyph files; nearby / distant ones only when the panel's box asks, as there
// are many), its part_of / consists_of chain across scales highlighted, and the side panel
// (class, scale, name, every relation).

import { Marker } from "../../vendor/maplibre-gl.mjs";
import { item } from "./dom.js";
import { anchorOf, arc, bboxOf, kindOf } from "./geometry.js";
import { empty } from "./objects.js";
import { scaleLabel } from "./scale.js";

const OBJECT = "id class scale name geometry";
const SELECTED = `query Selected($id: ID!, $first: Int) {
  object(id: $id) {
    id key class scale name areaM2 lengthM geometry
    relations(first: $first) { predicate crossScale subject { ${OBJECT} } object { ${OBJECT} } }
    partOf(depth: 8) { depth object { ${OBJECT} } }
    consistsOf(depth: 8, first: $first) { depth object { ${OBJECT} } }
  }
}`;

const SOURCE = "selection";
const PROXIMITY = new Set(["nearby", "distant"]); // drawn only on request: they are many
const CHAIN_COLOUR = "#ffb300";
const role = (...roles) => ["in", ["get", "role"], ["literal", roles]];
const kind = (k) => ["==", ["get", "kind"], k];

export const SELECTION_LAYERS = ["chain-fill", "chain-line", "related-line", "arcs", "selected-line", "selection-point"];

export class Selection {
  constructor(map, api, legend, onPick) {
    this.map = map;
    this.api = api;
    this.onPick = onPick;
    this.classes = Object.fromEntries(legend.classes.map((c) => [c.id, c]));
    this.predicates = Object.fromEntries(legend.predicates.map((p) => [p.id, p]));
    this.markers = [];
    this.current = null;
    this.links = [];
    this.proximity = document.getElementById("proximity-toggle");
    this.proximity.addEventListener("change", () => this.current && this.draw());
    map.addSource(SOURCE, { type: "geojson", data: empty(), tolerance: 0 });
    map.addLayer({ id: "chain-fill", type: "fill", source: SOURCE, filter: ["all", role("chain"), kind("polygon")],
      paint: { "fill-color": CHAIN_COLOUR, "fill-opacity": 0.1 } });
    map.addLayer({ id: "chain-line", type: "line", source: SOURCE, filter: role("chain"),
      paint: { "line-color": CHAIN_COLOUR, "line-width": 3, "line-dasharray": [2, 1] } });
    map.addLayer({ id: "related-line", type: "line", source: SOURCE, filter: role("related"),
      paint: { "line-color": "#00838f", "line-width": 2.5 } });
    map.addLayer({ id: "arcs", type: "line", source: SOURCE, filter: role("arc"),
      layout: { "line-cap": "round" }, paint: { "line-color": ["get", "colour"], "line-width": 2 } });
    map.addLayer({ id: "selected-line", type: "line", source: SOURCE, filter: role("selected"),
      paint: { "line-color": "#00e5ff", "line-width": 4 } });
    map.addLayer({ id: "selection-point", type: "circle", source: SOURCE,
      filter: ["all", role("selected", "related", "chain"), kind("point")],
      paint: { "circle-radius": 8, "circle-opacity": 0, "circle-stroke-width": 3,
        "circle-stroke-color": ["match", ["get", "role"], "selected", "#00e5ff", "chain", CHAIN_COLOUR, "#00838f"] } });
    document.getElementById("relations").addEventListener("click", (e) => this.follow(e));
    document.getElementById("chain").addEventListener("click", (e) => this.follow(e));
  }

  follow(event) {
    const item = event.target.closest("li[data-id]");
    if (item) this.onPick(item.dataset.id);
  }

  /** Select the object `id` (read through GraphQL) and draw its relations and chain. */
  async select(id, pageSize) {
    const { object } = await this.api.gql(SELECTED, { id, first: pageSize });
    this.clear();
    if (!object) throw new Error(`no object ${id} in a committed state`);
    this.current = object;
    this.links = object.relations.map((t) => this.reading(object, t));
    this.draw();
    this.panel(object, this.links);
    return object;
  }

  /** Arcs and labels of the links (proximity ones only when asked for) and the chain. */
  draw() {
    for (const marker of this.markers) marker.remove();
    this.markers = [];
    const object = this.current;
    const features = [feature(object, "selected")];
    const seen = new Map();
    for (const link of this.links.filter((l) => this.proximity.checked || !PROXIMITY.has(l.predicate))) {
      features.push(feature(link.other, "related"));
      const n = seen.get(link.other.id) ?? 0;
      seen.set(link.other.id, n + 1);
      const bend = 0.18 * (n + 1) * (n % 2 ? -1 : 1);
      const from = link.outgoing ? object : link.other;
      const to = link.outgoing ? link.other : object;
      // Labels sit nearer the other object than the selected one, so they fan out.
      const curve = arc(anchorOf(from.geometry), anchorOf(to.geometry), bend, link.outgoing ? 0.65 : 0.35);
      const colour = this.predicates[link.predicate].colour;
      features.push({ type: "Feature", geometry: { type: "LineString", coordinates: curve.line },
        properties: { role: "arc", kind: "line", colour, predicate: link.predicate } });
      this.markers.push(this.label(link, curve.label, colour));
    }
    const chain = [...object.partOf, ...object.consistsOf].map((h) => feature(h.object, "chain"));
    this.map.getSource(SOURCE).setData({ type: "FeatureCollection", features: [...chain, ...features] });
  }

  /** The relation as read from the selected object: shown predicate, arrow, the other object. */
  reading(object, triplet) {
    const predicate = triplet.predicate.toLowerCase();
    const outgoing = triplet.subject.id === object.id;
    const other = outgoing ? triplet.object : triplet.subject;
    const p = this.predicates[predicate];
    let shown = predicate.replaceAll("_", " ");
    if (!outgoing && !p.symmetric) shown = p.inverse ? p.inverse.replaceAll("_", " ") : `← ${shown}`;
    return { predicate, shown, outgoing, other, crossScale: triplet.crossScale };
  }

  label(link, lngLat, colour) {
    const element = document.createElement("div");
    element.className = "relation-label";
    element.dataset.predicate = link.predicate;
    element.dataset.other = link.other.id;
    element.style.color = colour;
    element.textContent = link.shown;
    return new Marker({ element, anchor: "center" }).setLngLat(lngLat).addTo(this.map);
  }

  describe(object) {
    const cls = this.classes[object.class.toLowerCase()];
    const name = object.name ? ` "${object.name}"` : "";
    return `${cls.label}${name} (${scaleLabel(object.scale)})`;
  }

  panel(object, links) {
    const panel = document.getElementById("panel");
    panel.hidden = false;
    panel.dataset.objectId = object.id;
    const cls = this.classes[object.class.toLowerCase()];
    const size = object.areaM2 != null ? `${Math.round(object.areaM2).toLocaleString("en-US")} m²`
      : object.lengthM != null ? `${Math.round(object.lengthM).toLocaleString("en-US")} m` : "point";
    const fields = { class: cls.label, scale: scaleLabel(object.scale), name: object.name ?? "—", key: object.key, size };
    for (const [field, value] of Object.entries(fields)) panel.querySelector(`[data-field=${field}]`).textContent = value;
    panel.querySelector("[data-field=class]").dataset.value = cls.id;
    panel.querySelector("[data-field=scale]").dataset.value = object.scale;
    const chain = document.getElementById("chain");
    chain.replaceChildren(
      ...object.partOf.map((h) => item(h.object.id, `part of ${this.describe(h.object)}`, { depth: h.depth, direction: "up" })),
      ...object.consistsOf.map((h) => item(h.object.id, `consists of ${this.describe(h.object)}`, { depth: h.depth, direction: "down" })),
    );
    if (!chain.children.length) chain.append(item(null, "no part_of links"));
    const relations = document.getElementById("relations");
    relations.replaceChildren(...links.map((l) => item(l.other.id, `${l.shown} ${this.describe(l.other)}`, { predicate: l.predicate, reading: l.shown })));
    if (!relations.children.length) relations.append(item(null, "no relations"));
  }

  clear() {
    for (const marker of this.markers) marker.remove();
    this.markers = [];
    this.current = null;
    this.links = [];
    this.map.getSource(SOURCE).setData(empty());
    const panel = document.getElementById("panel");
    panel.hidden = true;
    delete panel.dataset.objectId;
  }

  bbox() {
    return this.current ? bboxOf([this.current.geometry]) : null;
  }
}

function feature(object, role) {
  return { type: "Feature", geometry: object.geometry,
    properties: { id: object.id, role, kind: kindOf(object.geometry), class: object.class.toLowerCase() } };
}
