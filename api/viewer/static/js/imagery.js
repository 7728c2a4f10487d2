// Imagery under the objects: the rasters the shown state was made from, as XYZ tiles of the
// API (`/tiles/states/{name}.json` lists them as TileJSON), and an external basemap when the
// server is configured with one (off by default: the page works offline).

const BEFORE = "objects-fill";

export class Imagery {
  constructor(map, api, config) {
    this.map = map;
    this.api = api;
    this.layers = [];
    this.rasters = [];
    if (config.basemap) {
      map.addSource("basemap", { type: "raster", tiles: [config.basemap.url], tileSize: 256,
        attribution: config.basemap.attribution });
      map.addLayer({ id: "basemap", type: "raster", source: "basemap", layout: { visibility: "none" } }, BEFORE);
      document.getElementById("basemap-control").hidden = false;
      document.getElementById("basemap-toggle").addEventListener("change", (e) => {
        map.setLayoutProperty("basemap", "visibility", e.target.checked ? "visible" : "none");
      });
    }
    document.getElementById("imagery-toggle").addEventListener("change", () => this.applyVisibility());
  }

  /** Replace the imagery with that of `state`; returns the TileJSON documents shown. */
  async show(state) {
    for (const id of this.layers) {
      this.map.removeLayer(id);
      this.map.removeSource(id);
    }
    this.layers = [];
    const { rasters } = await this.api.json(`tiles/states/${encodeURIComponent(state)}.json`);
    this.rasters = rasters;
    rasters.forEach((tilejson, i) => {
      const id = `imagery-${i}`;
      this.map.addSource(id, { type: "raster", tiles: tilejson.tiles, bounds: tilejson.bounds, tileSize: 256,
        minzoom: tilejson.minzoom, maxzoom: tilejson.maxzoom });
      this.map.addLayer({ id, type: "raster", source: id }, BEFORE);
      this.layers.push(id);
    });
    this.applyVisibility();
    return rasters;
  }

  applyVisibility() {
    const on = document.getElementById("imagery-toggle").checked;
    for (const id of this.layers) this.map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
  }
}
