// Imagery under the objects: the rasters the shown state was made from, as XYZ tiles of the
// API (`/tiles/states/{name}.json` lists them as TileJSON), and an external basemap when the
// server is configured with one (off by default: the page works offline). For a state without
// rasters the imagery box is unticked and disabled; it comes back as the user left it.

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
    this.toggle = document.getElementById("imagery-toggle");
    this.wanted = this.toggle.checked; // the user's choice, kept across states without imagery
    this.toggle.addEventListener("change", () => {
      this.wanted = this.toggle.checked;
      this.applyVisibility();
    });
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
    const available = rasters.length > 0;
    this.toggle.disabled = !available;
    this.toggle.checked = available && this.wanted;
    this.toggle.parentElement.classList.toggle("unavailable", !available);
    this.toggle.parentElement.title = available ? "" : `no imagery for ${state}`;
    this.applyVisibility();
    return rasters;
  }

  applyVisibility() {
    for (const id of this.layers) this.map.setLayoutProperty(id, "visibility", this.toggle.checked ? "visible" : "none");
  }
}
