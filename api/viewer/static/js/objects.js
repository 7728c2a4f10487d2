// The objects of the shown state as MapLibre layers styled by class: polygons filled with an
// outline, lines, points, and their name labels. They come as the API's vector tiles (`objects`
// layer of `/tiles/states/{name}/{z}/{x}/{y}.mvt`, described by its TileJSON), so only what is
// in view is loaded, at the scale the server's zoom table gives each zoom, or at a scale chosen
// by hand.

import { labelLayers } from "./labels.js";

export const SOURCE = "objects";
const SOURCE_LAYER = "objects";
const TRUNCATED_LAYER = "truncated";
export const OBJECT_LAYERS = ["objects-fill", "objects-outline", "objects-line", "objects-point"];
const DIMMED = { line: "line", circle: "circle", symbol: "text" }; // layer type -> its opacity's prefix

/** A MapLibre `match` expression giving each class its legend colour. */
export function classColour(legend) {
  return ["match", ["get", "class"], ...legend.classes.flatMap((c) => [c.id, c.colour]), "#888888"];
}

export class ObjectLayers {
  constructor(map, api, legend) {
    this.map = map;
    this.api = api;
    this.tilejson = null;
    this.hidden = new Set();
    this.filters = new Map(); // layer id -> its own filter, before hidden classes are taken out
    const colour = classColour(legend);
    const kind = (k) => ["==", ["get", "kind"], k];
    // No tiles until a state is shown (hidden layers load none); `show` points it at the state.
    map.addSource(SOURCE, { type: "vector" });
    this.addLayer({ id: "objects-fill", type: "fill", filter: kind("polygon"),
      paint: { "fill-color": colour, "fill-opacity": 0.35 } });
    this.addLayer({ id: "objects-outline", type: "line", filter: kind("polygon"),
      paint: { "line-color": colour, "line-width": 1.2 } });
    this.addLayer({ id: "objects-line", type: "line", filter: kind("line"),
      layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": colour, "line-width": ["interpolate", ["linear"], ["zoom"], 10, 1.5, 18, 5] } });
    this.addLayer({ id: "objects-point", type: "circle", filter: kind("point"),
      paint: { "circle-color": colour, "circle-radius": 5, "circle-stroke-color": "#fff", "circle-stroke-width": 1 } });
  }

  /** Name labels in `fontstack`, on top of the layers added so far (a symbol layer higher up
   * wins the collisions, so layers that must keep their labels come later). */
  addLabels(fontstack) {
    for (const spec of labelLayers(fontstack)) this.addLayer(spec);
  }

  addLayer(spec) {
    this.filters.set(spec.id, spec.filter);
    this.map.addLayer({ source: SOURCE, "source-layer": SOURCE_LAYER, ...spec,
      layout: { ...spec.layout, visibility: "none" } });
  }

  /** Draw the tiles of `state`, at the zoom table's scales or, given, at `scale` everywhere. */
  async show(state, scale = null) {
    const query = scale ? `?scale=${scale}` : "";
    const path = `tiles/states/${encodeURIComponent(state)}/tilejson.json${query}`;
    this.tilejson = await this.api.json(path);
    const described = new Promise((resolve) => {
      const once = (e) => {
        if (e.sourceId !== SOURCE || e.sourceDataType !== "metadata") return;
        this.map.off("sourcedata", once);
        resolve();
      };
      this.map.on("sourcedata", once);
    });
    this.map.getSource(SOURCE).setUrl(new URL(path, this.api.root).href);
    await described; // the source has its tile links: now the layers may ask for tiles
    for (const id of this.filters.keys()) this.map.setLayoutProperty(id, "visibility", "visible");
    return this.tilejson;
  }

  /** The zoom -> scale table of the shown state's tiles ([{scale, minzoom, maxzoom}]), or null. */
  scales() {
    return this.tilejson?.scales ?? null;
  }

  /** Show (and label) only classes not in `hidden` (a set of class ids). */
  setHidden(hidden) {
    this.hidden = hidden;
    const visible = ["!", ["in", ["get", "class"], ["literal", [...hidden]]]];
    for (const [layer, filter] of this.filters) this.map.setFilter(layer, ["all", filter, visible]);
  }

  /** Dim the objects and their labels (while a diff is shown) or bring them back. */
  dim(on) {
    this.map.setPaintProperty("objects-fill", "fill-opacity", on ? 0.08 : 0.35);
    for (const layer of this.filters.keys()) {
      const type = this.map.getLayer(layer).type;
      if (type !== "fill") this.map.setPaintProperty(layer, `${DIMMED[type]}-opacity`, on ? 0.25 : 1);
    }
  }

  /** Objects of the loaded tiles (distinct ids, hidden classes too), by class and by kind. */
  loaded() {
    const unique = new Map();
    if (this.tilejson) {
      for (const f of this.map.querySourceFeatures(SOURCE, { sourceLayer: SOURCE_LAYER })) unique.set(f.properties.id, f.properties);
    }
    return countBy([...unique.values()]);
  }

  /** Objects left out of the loaded tiles for their size: how many tiles were capped. */
  truncatedTiles() {
    return this.tilejson ? this.map.querySourceFeatures(SOURCE, { sourceLayer: TRUNCATED_LAYER }).length : 0;
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
