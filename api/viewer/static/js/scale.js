// Map scale and zoom, like a topographic series: the scale denominator of the view is its ground
// resolution over the OGC standard pixel of 0.28 mm; the scene-graph scale shown is the rung of
// the ladder nearest to it on a log axis (1:2,000 zoomed in, 1:50,000 zoomed out).

const EARTH_CIRCUMFERENCE_M = 40075016.686;
const TILE_PX = 512; // MapLibre's zoom is defined on 512-pixel tiles
const PIXEL_M = 0.00028;

/** Scale denominator of a Web Mercator view at `zoom`, at latitude `lat` (degrees). */
export function viewDenominator(zoom, lat) {
  const metresPerPixel =
    (EARTH_CIRCUMFERENCE_M * Math.cos((lat * Math.PI) / 180)) / (TILE_PX * 2 ** zoom);
  return metresPerPixel / PIXEL_M;
}

/** The zoom at which a view at latitude `lat` has scale 1:`denominator`. */
export function zoomFor(denominator, lat) {
  const metresPerPixel = denominator * PIXEL_M;
  return Math.log2((EARTH_CIRCUMFERENCE_M * Math.cos((lat * Math.PI) / 180)) / (TILE_PX * metresPerPixel));
}

/** The ladder rung (a denominator of `ladder`) nearest to `denominator` on a log axis. */
export function nearestRung(denominator, ladder) {
  let best = ladder[0];
  for (const rung of ladder) {
    if (Math.abs(Math.log(rung / denominator)) < Math.abs(Math.log(best / denominator))) best = rung;
  }
  return best;
}

/** "1:2,000" */
export function scaleLabel(denominator) {
  return `1:${Math.round(denominator).toLocaleString("en-US")}`;
}
