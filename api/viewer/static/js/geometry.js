// Small geometry helpers on GeoJSON in WGS84: kinds, bounding boxes, anchor points and arcs.

/** "polygon", "line" or "point" for a GeoJSON geometry. */
export function kindOf(geometry) {
  const type = geometry.type.replace("Multi", "");
  return type === "Polygon" ? "polygon" : type === "LineString" ? "line" : "point";
}

const NESTING = { Point: -1, MultiPoint: 0, LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };

function positions(geometry) {
  if (geometry.type === "GeometryCollection") return geometry.geometries.flatMap(positions);
  const depth = NESTING[geometry.type];
  return depth < 0 ? [geometry.coordinates] : geometry.coordinates.flat(depth);
}

/** [west, south, east, north] of geometries. */
export function bboxOf(geometries) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const geometry of geometries) {
    for (const [x, y] of positions(geometry)) {
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
    }
  }
  return box;
}

/** A point to attach arcs and labels to: a line's middle vertex, else the bbox centre. */
export function anchorOf(geometry) {
  if (geometry.type === "Point") return geometry.coordinates;
  if (geometry.type === "LineString") return geometry.coordinates[Math.floor(geometry.coordinates.length / 2)];
  const [w, s, e, n] = bboxOf([geometry]);
  return [(w + e) / 2, (s + n) / 2];
}

/**
 * The point of `geometry` nearest to `to` ([lon, lat]): on a polygon's rings or a line's
 * segments, measured with longitude scaled by cos(latitude), plenty at a relation's distances.
 */
export function nearestPoint(geometry, to) {
  const k = Math.cos((to[1] * Math.PI) / 180);
  const distance2 = ([x, y]) => ((x - to[0]) * k) ** 2 + (y - to[1]) ** 2;
  if (geometry.type.endsWith("Point")) return positions(geometry).reduce((a, b) => (distance2(a) <= distance2(b) ? a : b));
  let best = null;
  let bestD = Infinity;
  for (const path of paths(geometry)) {
    for (let i = 1; i < path.length; i++) {
      const [ax, ay] = path[i - 1];
      const [bx, by] = path[i];
      const dx = (bx - ax) * k;
      const dy = by - ay;
      const length2 = dx * dx + dy * dy;
      const t = length2 ? Math.min(1, Math.max(0, (((to[0] - ax) * k) * dx + (to[1] - ay) * dy) / length2)) : 0;
      const p = [ax + (bx - ax) * t, ay + dy * t];
      if (distance2(p) < bestD) [best, bestD] = [p, distance2(p)];
    }
  }
  return best ?? anchorOf(geometry);
}

/** The lines of a geometry: a line's vertices, each ring of a polygon, of every part. */
function paths(geometry) {
  if (geometry.type === "GeometryCollection") return geometry.geometries.flatMap(paths);
  const depth = { LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 }[geometry.type];
  return depth === 0 ? [geometry.coordinates] : geometry.coordinates.flat(depth - 1);
}

/**
 * A curved line from `a` to `b` ([lon, lat]) bowing sideways by `bend` times its length (the
 * sign picks the side), as a quadratic Bezier in Web Mercator, and its middle point for a label.
 */
export function arc(a, b, bend, steps = 24) {
  const toXY = ([lon, lat]) => [lon, Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) * (180 / Math.PI)];
  const toLngLat = ([x, y]) => [x, (360 / Math.PI) * Math.atan(Math.exp((y * Math.PI) / 180)) - 90];
  const [ax, ay] = toXY(a);
  const [bx, by] = toXY(b);
  const control = [(ax + bx) / 2 - (by - ay) * bend, (ay + by) / 2 + (bx - ax) * bend];
  const at = (t) => [
    (1 - t) ** 2 * ax + 2 * (1 - t) * t * control[0] + t ** 2 * bx,
    (1 - t) ** 2 * ay + 2 * (1 - t) * t * control[1] + t ** 2 * by,
  ];
  const line = Array.from({ length: steps + 1 }, (_, i) => toLngLat(at(i / steps)));
  return { line, label: toLngLat(at(0.5)) };
}
