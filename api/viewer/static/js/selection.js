// One selected object: the side panel (class, scale, name, its part_of / consists_of chain
// across scales, every relation), the related objects outlined and the chain highlighted on the
// map. An arc to a related object, labelled with the predicate along it, is drawn only for the
// relation hovered in the panel or the related object hovered on the map: all of them at once
// pile up around a bridge or a building with many neighbours. Nearby / distant objects are many,
// so they are outlined and hovered on the map only when the panel's box asks.

import { item } from "./dom.js";
import { anchorOf, arc, bboxOf, kindOf, nearestPoint } from "./geometry.js";
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
const LABEL_INSET_PX = 60; // a relation's label stays this far inside the view's edges
const role = (...roles) => ["in", ["get", "role"], ["literal", roles]];
const kind = (k) => ["==", ["get", "kind"], k];

export const SELECTION_LAYERS = ["chain-fill", "chain-line", "related-line", "arcs", "arc-labels", "selected-line", "selection-point"];

export class Selection {
  constructor(map, api, legend, fontstack, onPick) {
    this.map = map;
    this.api = api;
    this.onPick = onPick;
    this.classes = Object.fromEntries(legend.classes.map((c) => [c.id, c]));
    this.predicates = Object.fromEntries(legend.predicates.map((p) => [p.id, p]));
    this.current = null;
    this.links = [];
    this.hovered = []; // indices into `links` whose arcs are drawn
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
      layout: { "line-cap": "round" }, paint: { "line-color": ["get", "colour"], "line-width": 2.5 } });
    // The hovered relation's label always shows, on top: the name labels it meets give way.
    map.addLayer({ id: "arc-labels", type: "symbol", source: SOURCE, filter: role("arc-label"),
      layout: { "text-field": ["get", "label"], "text-font": [fontstack], "text-size": 13, "text-anchor": "bottom",
        "text-allow-overlap": true },
      paint: { "text-color": ["get", "colour"], "text-halo-color": "#fff", "text-halo-width": 2 } });
    map.addLayer({ id: "selected-line", type: "line", source: SOURCE, filter: role("selected"),
      paint: { "line-color": "#00e5ff", "line-width": 4 } });
    map.addLayer({ id: "selection-point", type: "circle", source: SOURCE,
      filter: ["all", role("selected", "related", "chain"), kind("point")],
      paint: { "circle-radius": 8, "circle-opacity": 0, "circle-stroke-width": 3,
        "circle-stroke-color": ["match", ["get", "role"], "selected", "#00e5ff", "chain", CHAIN_COLOUR, "#00838f"] } });
    const relations = document.getElementById("relations");
    relations.addEventListener("click", (e) => this.follow(e));
    relations.addEventListener("mouseover", (e) => {
      const entry = e.target.closest("li[data-link]");
      if (entry) this.hover([Number(entry.dataset.link)]);
    });
    relations.addEventListener("mouseleave", () => this.hover([]));
    document.getElementById("chain").addEventListener("click", (e) => this.follow(e));
  }

  follow(event) {
    const item = event.target.closest("li[data-id]");
    if (item) this.onPick(item.dataset.id);
  }

  /** Select the object `id` (read through GraphQL) and draw its related objects and chain. */
  async select(id, pageSize) {
    const { object } = await this.api.gql(SELECTED, { id, first: pageSize });
    this.clear();
    if (!object) throw new Error(`no object ${id} in a committed state`);
    this.current = object;
    // What the relations say about the object first, the many nearby / distant ones last.
    const proximal = (link) => Number(PROXIMITY.has(link.predicate));
    this.links = object.relations.map((t) => this.reading(object, t)).sort((a, b) => proximal(a) - proximal(b));
    this.draw();
    this.panel(object, this.links);
    return object;
  }

  /** Links outlined and hoverable on the map: all but nearby / distant unless the box asks. */
  outlined() {
    return this.links.filter((l) => this.proximity.checked || !PROXIMITY.has(l.predicate));
  }

  /** Draw the arcs of the links at `indices` (none: []), replacing those drawn. */
  hover(indices) {
    if (!this.current || String(indices) === String(this.hovered)) return;
    this.hovered = indices;
    this.draw();
  }

  /** Draw the arcs to the object `id` hovered on the map, if it is an outlined related one. */
  hoverObject(id) {
    const outlined = new Set(this.outlined());
    this.hover(this.links.flatMap((l, i) => (l.other.id === id && outlined.has(l) ? [i] : [])));
  }

  /** The selected object, the outlined related ones, the chain and the hovered links' arcs. */
  draw() {
    const object = this.current;
    const features = [feature(object, "selected"), ...this.outlined().map((l) => feature(l.other, "related"))];
    const seen = new Map();
    for (const index of this.hovered) {
      const link = this.links[index];
      const n = seen.get(link.other.id) ?? 0;
      seen.set(link.other.id, n + 1);
      const bend = 0.18 * (n + 1) * (n % 2 ? -1 : 1);
      // From the selected object to the nearest point of the other: a river's or a road's
      // middle may be far off, the part the relation is about is near.
      const here = anchorOf(object.geometry);
      const there = nearestPoint(link.other.geometry, here);
      const curve = link.outgoing ? arc(here, there, bend) : arc(there, here, bend);
      const label = this.labelPoint(link.outgoing ? curve.line : [...curve.line].reverse(), curve.label);
      const properties = { colour: this.predicates[link.predicate].colour, predicate: link.predicate,
        other: link.other.id, label: link.shown, link: index };
      features.push(
        { type: "Feature", geometry: { type: "LineString", coordinates: curve.line }, properties: { ...properties, role: "arc", kind: "line" } },
        { type: "Feature", geometry: { type: "Point", coordinates: label }, properties: { ...properties, role: "arc-label", kind: "point" } },
      );
    }
    const chain = [...object.partOf, ...object.consistsOf].map((h) => feature(h.object, "chain"));
    this.map.getSource(SOURCE).setData({ type: "FeatureCollection", features: [...chain, ...features] });
  }

  /**
   * Where an arc's label goes: its middle when that is in view, else the last point of the arc
   * (`line`, from the selected object on) before it leaves the view, so a relation to an object
   * off screen still shows, at the edge, pointing at it.
   */
  labelPoint(line, middle) {
    const { clientWidth: width, clientHeight: height } = this.map.getCanvas();
    const inView = (position) => {
      const { x, y } = this.map.project(position);
      return x > LABEL_INSET_PX && y > LABEL_INSET_PX && x < width - LABEL_INSET_PX && y < height - LABEL_INSET_PX;
    };
    if (inView(middle) || !inView(line[0])) return middle;
    return line[line.findIndex((position) => !inView(position)) - 1];
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
    relations.replaceChildren(...links.map((l, i) => item(l.other.id, `${l.shown} ${this.describe(l.other)}`,
      { predicate: l.predicate, reading: l.shown, link: i })));
    if (!relations.children.length) relations.append(item(null, "no relations"));
  }

  clear() {
    this.current = null;
    this.links = [];
    this.hovered = [];
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
