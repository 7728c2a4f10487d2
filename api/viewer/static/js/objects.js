// The objects of one state at one scale as MapLibre layers styled by class: polygons filled
// with an outline, lines, points. Objects come from GraphQL `objects`, page by page, and are
// kept per state and scale so switching scales back is instant.

import { bboxOf, kindOf } from "./geometry.js";

const OBJECTS = `query Objects($state: String!, $scale: Int!, $first: Int, $after: String) {
  objects(filter: {state: $state, scale: $scale}, first: $first, after: $after) {
    edges { node { id class scale name geometry } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const SOURCE = "objects";
export const LAYERS = {
  polygon: ["objects-fill", "objects-outline"],
  line: ["objects-line"],
  point: ["objects-point"],
};
export const OBJECT_LAYERS = Object.values(LAYERS).flat();

/** A MapLibre `match` expression giving each class its legend colour. */
export function classColour(legend) {
  return ["match", ["get", "class"], ...legend.classes.flatMap((c) => [c.id, c.colour]), "#888888"];
}

export function toFeature(node) {
  return {
    type: "Feature",
    id: node.id,
    geometry: node.geometry,
    properties: {
      id: node.id,
      class: node.class.toLowerCase(),
      scale: node.scale,
      name: node.name ?? "",
      kind: kindOf(node.geometry),
    },
  };
}

export class ObjectLayers {
  constructor(map, api, legend, config) {
    this.map = map;
    this.api = api;
    this.config = config;
    this.cache = new Map(); // "state|scale" -> promise of {features, complete}
    this.wanted = null;
    this.current = { features: [], complete: true };
    this.hidden = new Set();
    const colour = classColour(legend);
    const kind = (k) => ["==", ["get", "kind"], k];
    map.addSource(SOURCE, { type: "geojson", data: empty(), promoteId: "id", tolerance: 0 });
    map.addLayer({ id: "objects-fill", type: "fill", source: SOURCE, filter: kind("polygon"),
      paint: { "fill-color": colour, "fill-opacity": 0.35 } });
    map.addLayer({ id: "objects-outline", type: "line", source: SOURCE, filter: kind("polygon"),
      paint: { "line-color": colour, "line-width": 1.2 } });
    map.addLayer({ id: "objects-line", type: "line", source: SOURCE, filter: kind("line"),
      layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": colour, "line-width": ["interpolate", ["linear"], ["zoom"], 10, 1.5, 18, 5] } });
    map.addLayer({ id: "objects-point", type: "circle", source: SOURCE, filter: kind("point"),
      paint: { "circle-color": colour, "circle-radius": 5, "circle-stroke-color": "#fff", "circle-stroke-width": 1 } });
  }

  /** Load (or take from the cache) the objects of `state` at `scale` and draw them. */
  async show(state, scale) {
    const key = `${state}|${scale}`;
    this.wanted = key;
    if (!this.cache.has(key)) {
      const loading = this.api
        .all(OBJECTS, { state, scale }, "objects", this.config.pageSize, this.config.maxObjects)
        .then(({ nodes, complete }) => ({ features: nodes.map(toFeature), complete }));
      this.cache.set(key, loading);
      loading.catch(() => this.cache.delete(key));
    }
    const found = await this.cache.get(key);
    if (this.wanted === key) {
      this.current = found;
      this.map.getSource(SOURCE).setData({ type: "FeatureCollection", features: found.features });
    }
    return found;
  }

  /** Show only classes not in `hidden` (a set of class ids). */
  setHidden(hidden) {
    this.hidden = hidden;
    const visible = ["!", ["in", ["get", "class"], ["literal", [...hidden]]]];
    for (const [kind, layers] of Object.entries(LAYERS)) {
      for (const layer of layers) this.map.setFilter(layer, ["all", ["==", ["get", "kind"], kind], visible]);
    }
  }

  /** Dim the objects (while a diff is shown) or bring them back. */
  dim(on) {
    this.map.setPaintProperty("objects-fill", "fill-opacity", on ? 0.08 : 0.35);
    for (const layer of ["objects-outline", "objects-line", "objects-point"]) {
      const property = layer === "objects-point" ? "circle-opacity" : "line-opacity";
      this.map.setPaintProperty(layer, property, on ? 0.25 : 1);
    }
  }

  bbox() {
    return this.current.features.length ? bboxOf(this.current.features.map((f) => f.geometry)) : null;
  }

  /** Loaded objects by class and by kind. */
  loaded() {
    return countBy(this.current.features.map((f) => f.properties));
  }

  /** Objects drawn in the view (distinct ids), by class, by kind and by layer. */
  rendered() {
    const features = this.map.queryRenderedFeatures({ layers: OBJECT_LAYERS });
    const byLayer = {};
    const unique = new Map();
    for (const feature of features) {
      (byLayer[feature.layer.id] ??= new Set()).add(feature.properties.id);
      unique.set(feature.properties.id, feature.properties);
    }
    const counts = countBy([...unique.values()]);
    counts.byLayer = Object.fromEntries(Object.entries(byLayer).map(([k, v]) => [k, v.size]));
    return counts;
  }
}

function countBy(properties) {
  const byClass = {};
  const byKind = {};
  for (const p of properties) {
    byClass[p.class] = (byClass[p.class] ?? 0) + 1;
    byKind[p.kind] = (byKind[p.kind] ?? 0) + 1;
  }
  return { total: properties.length, byClass, byKind };
}

export function empty() {
  return { type: "FeatureCollection", features: [] };
}
