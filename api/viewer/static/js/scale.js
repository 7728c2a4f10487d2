// Map scale and zoom, like a topographic series: the scale denominator of the view is its ground
// resolution over the OGC standard pixel of 0.28 mm; the scene-graph scale shown at a zoom is the
// server's table (`scales` of the objects' TileJSON, `cartography/zooms.py`), the one the vector
// tiles of that zoom are drawn at.

const EARTH_CIRCUMFERENCE_M = 40075016.686;
const TILE_PX = 512; // MapLibre's zoom is defined on 512-pixel tiles
const PIXEL_M = 0.00028;

/** Scale denominator of a Web Mercator view at `zoom`, at latitude `lat` (degrees). */
export function viewDenominator(zoom, lat) {
  const metresPerPixel =
    (EARTH_CIRCUMFERENCE_M * Math.cos((lat * Math.PI) / 180)) / (TILE_PX * 2 ** zoom);
  return metresPerPixel / PIXEL_M;
}

/**
 * The scale the vector tiles show at map zoom `zoom`: a vector source draws the tiles of the
 * zoom's floor, and `table` ([{scale, minzoom, maxzoom}], coarse to fine) gives their scale.
 */
export function scaleAtZoom(zoom, table) {
  const tileZoom = Math.max(0, Math.floor(zoom));
  return (table.find((r) => tileZoom >= r.minzoom && tileZoom <= r.maxzoom) ?? table.at(-1)).scale;
}

/** The zooms whose tiles show `scale`, [first, end) with end excluded, or null: none does. */
export function zoomsOf(scale, table) {
  const row = table.find((r) => r.scale === scale);
  return row ? [row.minzoom, row.maxzoom + 1] : null;
}

/** "1:2,000" */
export function scaleLabel(denominator) {
  return `1:${Math.round(denominator).toLocaleString("en-US")}`;
}
