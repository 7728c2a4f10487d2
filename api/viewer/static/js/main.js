// The map viewer: wires the map, the state and scale choosers, the legend, the selection panel,
// the triplet query and the diff view. `window.orthograph` exposes read-only hooks (what is
// drawn, when the page has settled) for tests and for poking around in the console.

import { AttributionControl, Map as MapLibreMap, NavigationControl, ScaleControl } from "../../vendor/maplibre-gl.mjs";
import { Api } from "./api.js";
import { DiffView } from "./diff.js";
import { fillSelect, say } from "./dom.js";
import { bboxOf } from "./geometry.js";
import { Imagery } from "./imagery.js";
import { glyphsUrl } from "./labels.js";
import { Legend } from "./legend.js";
import { OBJECT_LAYERS, ObjectLayers } from "./objects.js";
import { scaleAtZoom, scaleLabel, viewDenominator, zoomsOf } from "./scale.js";
import { Selection } from "./selection.js";
import { TripletQuery } from "./triplets.js";

const STYLE = {
  version: 8,
  sources: {},
  layers: [{ id: "background", type: "background", paint: { "background-color": "#eef0ea" } }],
};
const AREAS = "query Areas { areas { name } }";
const STATES = `query States($area: String!) {
  mapStates(area: $area) { name area asOf createdAt source coverage objectCount }
}`;
const KIND_RANK = { point: 0, line: 1, polygon: 2 };
const FRAME_PADDING_PX = 80;
const MAX_FRAME_ZOOM = 18; // closer, a building fills the view and its neighbours are gone

let busy = 0;
const errors = [];

/** Run an async step, keeping the page's status ("busy"/"ready") and reporting its error. */
function track(promise) {
  busy += 1;
  document.body.dataset.status = "busy";
  return promise
    .catch((error) => {
      errors.push(error.message);
      say(error.message, { error: true });
    })
    .finally(() => {
      busy -= 1;
      if (!busy) document.body.dataset.status = "ready";
    });
}

class Viewer {
  constructor(map, api, config, legend) {
    this.map = map;
    this.api = api;
    this.config = config;
    this.states = [];
    this.state = null;
    this.shownScale = null;
    this.capped = 0;
    this.objects = new ObjectLayers(map, api, legend);
    this.imagery = new Imagery(map, api, config);
    this.diff = new DiffView(map, api, legend, (lngLat) => map.flyTo({ center: lngLat, zoom: Math.max(map.getZoom(), 16) }));
    this.triplets = new TripletQuery(map, api, legend);
    // Name labels above the highlights, the hovered relation's label above them (it wins).
    this.objects.addLabels(config.fontstack);
    this.selection = new Selection(map, api, legend, config.fontstack, (id) => track(this.select(id, { fly: true })));
    this.legend = new Legend(legend, (hidden) => this.objects.setHidden(hidden));
    const mode = document.getElementById("scale-mode");
    for (const s of legend.scales) mode.append(Object.assign(document.createElement("option"), { value: s.denominator, textContent: s.label }));
  }

  /** The scale chosen by hand in the scale box, or null (auto). */
  manualScale() {
    const mode = document.getElementById("scale-mode").value;
    return mode === "auto" ? null : Number(mode);
  }

  /** The scale shown: the manual choice, or the server's zoom table's (null before a state). */
  activeScale() {
    const table = this.objects.scales();
    return this.manualScale() ?? (table ? scaleAtZoom(this.map.getZoom(), table) : null);
  }

  async loadStates() {
    const { areas } = await this.api.gql(AREAS);
    this.states = [];
    for (const area of areas) this.states.push(...(await this.api.gql(STATES, { area: area.name })).mapStates);
    const select = document.getElementById("state");
    fillSelect(select, this.states.map((s) => [s.name, `${s.name} · ${s.area} · ${s.asOf}`]));
    if (!this.states.length) throw new Error("no committed map states yet: ingest one first");
  }

  async setState(name) {
    const state = this.states.find((s) => s.name === name);
    if (!state) throw new Error(`no committed map state ${name}`);
    this.state = state;
    document.getElementById("state").value = name;
    this.selection.clear();
    this.triplets.clear();
    this.diff.clear();
    this.objects.dim(false);
    this.diff.offer(this.states.filter((s) => s.area === state.area), state);
    const [w, s, e, n] = bboxOf([state.coverage]);
    this.map.fitBounds([[w, s], [e, n]], { padding: 20, animate: false });
    await this.objects.show(name, this.manualScale());
    await this.imagery.show(name);
    await this.refreshScale(true);
    this.remember({ state: name });
  }

  /** The scale box changed: ask the tiles for the chosen scale (or the table's), redo the rest. */
  async chooseScale() {
    if (this.state) await this.objects.show(this.state.name, this.manualScale());
    await this.refreshScale(true);
  }

  /** When the active scale changed, redo a triplet query or diff shown (the tiles follow). */
  async refreshScale(force = false) {
    this.readout();
    const scale = this.activeScale();
    if (!this.state || (!force && scale === this.shownScale)) return;
    this.shownScale = scale;
    if (this.triplets.active) await this.triplets.run(this.triplets.active, this.state.name, scale, this.config);
    if (this.diff.active) await this.diff.show(this.diff.active.from, this.state, scale, this.config);
  }

  readout() {
    const view = viewDenominator(this.map.getZoom(), this.map.getCenter().lat);
    const scale = this.activeScale();
    const readout = document.getElementById("scale-readout");
    readout.textContent = `view ${scaleLabel(view)} · objects ${scale ? scaleLabel(scale) : "—"}`;
    readout.dataset.scale = scale ?? "";
  }

  /** Legend counts of the loaded tiles; a word when some tiles left their smallest objects out. */
  tally() {
    if (!this.state) return;
    this.legend.update(this.objects.loaded().byClass, this.activeScale());
    const capped = this.objects.truncatedTiles();
    if (capped && capped !== this.capped) say(`${capped} tile(s) here hold more objects than a tile carries: the smallest are left out; zoom in to see them`);
    this.capped = capped;
  }

  /**
   * Select the object `id`. `fly`: bring it into view if it is out of it, keeping the zoom;
   * `frame`: zoom to it (a deep link's `select`).
   */
  async select(id, { fly = false, frame = false } = {}) {
    const object = await this.selection.select(id, this.config.pageSize);
    const [w, s, e, n] = this.selection.bbox();
    if (frame) this.frame([[w, s], [e, n]], object.scale);
    else if (fly && !this.map.getBounds().contains([(w + e) / 2, (s + n) / 2])) {
      this.map.fitBounds([[w, s], [e, n]], { padding: FRAME_PADDING_PX, maxZoom: this.map.getZoom() });
    }
    this.remember({ select: id });
    return object;
  }

  /**
   * Fit `bounds` in the view with padding, no closer than MAX_FRAME_ZOOM and, when the scale
   * follows zoom, within the zooms that draw `scale`, so the object framed is the one drawn.
   */
  frame(bounds, scale) {
    const camera = this.map.cameraForBounds(bounds, { padding: FRAME_PADDING_PX, maxZoom: MAX_FRAME_ZOOM });
    const zooms = !this.manualScale() && this.objects.scales() ? zoomsOf(scale, this.objects.scales()) : null;
    const zoom = zooms ? Math.min(Math.max(camera.zoom, zooms[0]), zooms[1] - 0.01) : camera.zoom;
    this.map.jumpTo({ center: camera.center, zoom });
  }

  /** The object clicked at `point`: points before lines before polygons, the smallest first. */
  pick(point) {
    const hits = this.map.queryRenderedFeatures(point, { layers: OBJECT_LAYERS });
    const size = (f) => {
      const [w, s, e, n] = bboxOf([f.geometry]);
      return (e - w) * (n - s);
    };
    hits.sort((a, b) => KIND_RANK[a.properties.kind] - KIND_RANK[b.properties.kind] || size(a) - size(b));
    return hits[0]?.properties.id ?? null;
  }

  remember(params) {
    const url = new URL(location.href);
    for (const [k, v] of Object.entries(params)) {
      if (v == null) url.searchParams.delete(k);
      else url.searchParams.set(k, v);
    }
    history.replaceState(null, "", url);
  }

  /** Distinct features drawn on `layers` in the view: [{id, ...properties}]. */
  rendered(layers) {
    const found = new Map();
    for (const f of this.map.queryRenderedFeatures({ layers })) found.set(f.properties.id ?? f.id, f.properties);
    return [...found.values()];
  }
}

function wire(viewer) {
  const { map, api, config } = viewer;
  map.on("move", () => viewer.readout());
  map.on("moveend", () => track(viewer.refreshScale()));
  map.on("idle", () => viewer.tally());
  map.on("click", (event) => {
    const id = viewer.pick(event.point);
    if (id) track(viewer.select(id));
    else viewer.selection.clear();
  });
  map.on("mousemove", (event) => {
    if (viewer.selection.current) viewer.selection.hoverObject(viewer.pick(event.point));
  });
  map.on("mouseout", () => viewer.selection.hover([]));
  map.on("mouseenter", OBJECT_LAYERS, () => { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", OBJECT_LAYERS, () => { map.getCanvas().style.cursor = ""; });
  document.getElementById("state").addEventListener("change", (e) => track(viewer.setState(e.target.value)));
  document.getElementById("scale-mode").addEventListener("change", (e) => {
    viewer.remember({ scale: e.target.value === "auto" ? null : e.target.value });
    track(viewer.chooseScale());
  });
  const key = document.getElementById("api-key");
  key.value = sessionStorage.getItem("orthograph-api-key") ?? "";
  api.key = key.value;
  key.addEventListener("input", () => {
    api.key = key.value.trim();
    sessionStorage.setItem("orthograph-api-key", api.key);
  });
  document.getElementById("triplet-form").addEventListener("submit", (e) => {
    e.preventDefault();
    track(viewer.triplets.run(viewer.triplets.question(), viewer.state.name, viewer.activeScale(), config));
  });
  document.getElementById("q-clear").addEventListener("click", () => viewer.triplets.clear());
  document.getElementById("q-matches").addEventListener("click", (e) => {
    const li = e.target.closest("li[data-id]");
    if (li) track(viewer.select(li.dataset.id, { fly: true }));
  });
  document.getElementById("diff-form").addEventListener("submit", (e) => {
    e.preventDefault();
    viewer.objects.dim(true);
    track(viewer.diff.show(document.getElementById("diff-from").value, viewer.state, viewer.activeScale(), config));
  });
  document.getElementById("diff-clear").addEventListener("click", () => {
    viewer.diff.clear();
    viewer.objects.dim(false);
  });
  document.getElementById("alert-severity").addEventListener("change", () => {
    if (viewer.diff.active) track(viewer.diff.loadAlerts(config));
  });
  document.getElementById("alerts").addEventListener("click", (e) => {
    const button = e.target.closest("button.acknowledge");
    if (button) track(viewer.diff.acknowledge(button, config).then((a) => say(`alert ${a.decision.decision.toLowerCase()}ed`)));
  });
}

async function boot() {
  const api = new Api(location.href);
  const [config, legend] = await Promise.all([api.json("map/config.json"), api.json("map/legend.json")]);
  const map = new MapLibreMap({
    container: "map",
    style: { ...STYLE, glyphs: glyphsUrl(location.href) },
    center: [0, 0],
    zoom: 1,
    attributionControl: false,
    transformRequest: (url) => (api.owns(url) && api.key ? { url, headers: { "X-API-Key": api.key } } : { url }),
  });
  map.addControl(new NavigationControl({ showCompass: true, visualizePitch: false }));
  map.addControl(new ScaleControl({ unit: "metric" }), "bottom-left");
  map.addControl(new AttributionControl({ compact: true }));
  await new Promise((resolve) => map.once("load", resolve));
  const viewer = new Viewer(map, api, config, legend);
  wire(viewer);
  window.orthograph = {
    map,
    viewer,
    errors,
    activeScale: () => viewer.activeScale(),
    loaded: () => viewer.objects.loaded(),
    renderedObjects: () => viewer.objects.rendered(),
    rendered: (layers) => viewer.rendered(layers),
    highlighted: () => viewer.triplets.highlighted(),
    settled: async () => {
      while (busy) await new Promise((resolve) => setTimeout(resolve, 25));
      await new Promise((resolve) => { map.once("idle", resolve); map.triggerRepaint(); });
    },
  };
  const params = new URLSearchParams(location.search);
  if (params.get("scale")) document.getElementById("scale-mode").value = params.get("scale");
  const start = async () => {
    await viewer.loadStates();
    await viewer.setState(params.get("state") ?? viewer.states.at(-1).name);
    if (params.get("select")) await viewer.select(params.get("select"), { frame: true });
  };
  // A server that wants a key for every read shows nothing until one is typed in.
  document.getElementById("api-key").addEventListener("change", () => {
    if (!viewer.state) track(start());
  });
  if (config.keyRequired && !api.key) say("this server needs an API key: type it in above", { error: true });
  else await start();
}

track(boot());
