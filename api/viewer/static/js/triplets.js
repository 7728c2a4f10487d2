// The triplet query box: subject class, predicate, object class (each may be "any" but the
// predicate), answered by GraphQL `triplets` at the scale shown; matches are highlighted, the
// subjects in red and the objects in yellow.

import { fillSelect, item } from "./dom.js";
import { kindOf } from "./geometry.js";
import { empty } from "./objects.js";

const OBJECT = "id class scale name geometry";
const TRIPLETS = `query Triplets($state: String!, $predicate: Predicate!, $subject: ObjectClass,
    $object: ObjectClass, $scale: Int, $first: Int, $after: String) {
  triplets(state: $state, predicate: $predicate, subject: $subject, object: $object,
           scale: $scale, first: $first, after: $after) {
    edges { node { subject { ${OBJECT} } object { ${OBJECT} } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const SOURCE = "matches";
const COLOUR = ["match", ["get", "role"], "subject", "#ff1744", "#ffea00"];
export const MATCH_LAYERS = ["matches-fill", "matches-line", "matches-point"];
const LISTED = 50;

export class TripletQuery {
  constructor(map, api, legend) {
    this.map = map;
    this.api = api;
    this.active = null;
    this.matches = [];
    const classes = [["", "any class"], ...legend.classes.map((c) => [c.enum, c.label])];
    fillSelect(document.getElementById("q-subject"), classes);
    fillSelect(document.getElementById("q-object"), classes);
    fillSelect(document.getElementById("q-predicate"), legend.predicates.map((p) => [p.enum, p.id.replaceAll("_", " ")]));
    map.addSource(SOURCE, { type: "geojson", data: empty(), tolerance: 0 });
    const kind = (k) => ["==", ["get", "kind"], k];
    map.addLayer({ id: "matches-fill", type: "fill", source: SOURCE, filter: kind("polygon"),
      paint: { "fill-color": COLOUR, "fill-opacity": 0.45 } });
    map.addLayer({ id: "matches-line", type: "line", source: SOURCE, filter: ["!=", ["get", "kind"], "point"],
      layout: { "line-cap": "round" }, paint: { "line-color": COLOUR, "line-width": 7, "line-opacity": 0.9 } });
    map.addLayer({ id: "matches-point", type: "circle", source: SOURCE, filter: kind("point"),
      paint: { "circle-color": COLOUR, "circle-radius": 7 } });
  }

  /** The form's question as GraphQL enum names (null: any class). */
  question() {
    const value = (id) => document.getElementById(id).value || null;
    return { subject: value("q-subject"), predicate: value("q-predicate"), object: value("q-object") };
  }

  /** Run `question` on `state` at `scale` and highlight the matches. */
  async run(question, state, scale, config) {
    this.active = question;
    const { nodes, complete } = await this.api.all(
      TRIPLETS, { state, scale, ...question }, "triplets", config.pageSize, config.maxObjects,
    );
    this.matches = nodes;
    const features = new Map();
    for (const { subject, object } of nodes) {
      features.set(`s${subject.id}`, feature(subject, "subject"));
      if (!features.has(`s${object.id}`)) features.set(`o${object.id}`, feature(object, "object"));
    }
    this.map.getSource(SOURCE).setData({ type: "FeatureCollection", features: [...features.values()] });
    const result = document.getElementById("q-result");
    result.textContent = `${nodes.length}${complete ? "" : "+"} match${nodes.length === 1 ? "" : "es"} at 1:${scale.toLocaleString("en-US")}`;
    result.dataset.count = nodes.length;
    const name = (o) => `${o.class.toLowerCase().replaceAll("_", " ")}${o.name ? ` "${o.name}"` : ""}`;
    document.getElementById("q-matches").replaceChildren(
      ...nodes.slice(0, LISTED).map((t) => item(t.subject.id, `${name(t.subject)} → ${name(t.object)}`)),
    );
    return nodes;
  }

  clear() {
    this.active = null;
    this.matches = [];
    this.map.getSource(SOURCE).setData(empty());
    document.getElementById("q-result").textContent = "";
    delete document.getElementById("q-result").dataset.count;
    document.getElementById("q-matches").replaceChildren();
  }

  /** Ids of the highlighted subjects and objects. */
  highlighted() {
    return {
      subjects: [...new Set(this.matches.map((t) => t.subject.id))],
      objects: [...new Set(this.matches.map((t) => t.object.id))],
    };
  }
}

function feature(object, role) {
  return { type: "Feature", geometry: object.geometry, properties: { id: object.id, role, kind: kindOf(object.geometry) } };
}
