// Name labels of the objects, drawn by MapLibre from the vector tiles' `name` so its collision
// handling keeps them apart: along the line for roads, rivers and other lines, beside the point
// for points, inside the shape (its pole of inaccessibility) for polygons. The glyphs are the
// SDF ranges drawn at setup (`cartography/glyphs.py`) and served beside MapLibre under
// /map/vendor/glyphs, so labels need no glyph server and work offline.

const WATER = ["river", "stream", "water_body", "reservoir"];
const TEXT_COLOUR = ["match", ["get", "class"], WATER, "#0d47a1", "#263238"];
const named = ["!=", ["get", "name"], ""];
const ofKind = (kind) => ["all", ["==", ["get", "kind"], kind], named];

/** The style's `glyphs` template: the page's own glyph folder, resolved against its URL. */
export function glyphsUrl(pageUrl) {
  return `${new URL("vendor/glyphs/", pageUrl).href}{fontstack}/{range}.pbf`;
}

/** Symbol layers (without source) labelling named objects in `fontstack`; filters per kind. */
export function labelLayers(fontstack) {
  const text = { "text-field": ["get", "name"], "text-font": [fontstack], "text-size": 12 };
  const paint = { "text-color": TEXT_COLOUR, "text-halo-color": "rgba(255,255,255,0.9)", "text-halo-width": 1.5 };
  return [
    { id: "labels-line", type: "symbol", filter: ofKind("line"), paint,
      layout: { ...text, "symbol-placement": "line", "symbol-spacing": 300, "text-max-angle": 40 } },
    { id: "labels-point", type: "symbol", filter: ofKind("point"), paint,
      layout: { ...text, "text-variable-anchor": ["left", "right", "top", "bottom"], "text-radial-offset": 0.8,
        "text-justify": "auto" } },
    { id: "labels-polygon", type: "symbol", filter: ofKind("polygon"), paint,
      layout: { ...text, "text-size": 11, "text-max-width": 8 } },
  ];
}
