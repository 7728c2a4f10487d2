package org.orthograph.functions;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiLineString;
import org.locationtech.jts.geom.MultiPoint;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * A JTS geometry as an RFC 7946 GeoJSON geometry object, 2D.
 *
 * <p>jts-core has no GeoJSON writer (jts-io-common's needs a JSON library as well), and the
 * geometry object alone is a few lines of recursion. Coordinates keep Java's shortest exact
 * {@code double} text, so the GeoJSON reads back to the stored values.
 */
final class GeoJson {

    private GeoJson() {}

    static String write(Geometry geometry) {
        StringBuilder out = new StringBuilder();
        geometry(geometry, out);
        return out.toString();
    }

    private static void geometry(Geometry g, StringBuilder out) {
        out.append("{\"type\":\"").append(g.getGeometryType()).append('"');
        boolean multi =
                g instanceof MultiPoint || g instanceof MultiLineString || g instanceof MultiPolygon;
        if (g instanceof GeometryCollection c && !multi) {
            out.append(",\"geometries\":[");
            for (int i = 0; i < c.getNumGeometries(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                geometry(c.getGeometryN(i), out);
            }
            out.append("]}");
            return;
        }
        out.append(",\"coordinates\":");
        coordinates(g, out);
        out.append('}');
    }

    private static void coordinates(Geometry g, StringBuilder out) {
        if (g instanceof Point p) {
            if (p.isEmpty()) {
                out.append("[]");
            } else {
                position(p.getCoordinate(), out);
            }
        } else if (g instanceof LineString line) {
            positions(line.getCoordinates(), out);
        } else if (g instanceof Polygon polygon) {
            out.append('[');
            if (!polygon.isEmpty()) {
                positions(polygon.getExteriorRing().getCoordinates(), out);
                for (int i = 0; i < polygon.getNumInteriorRing(); i++) {
                    out.append(',');
                    positions(polygon.getInteriorRingN(i).getCoordinates(), out);
                }
            }
            out.append(']');
        } else {
            out.append('[');
            for (int i = 0; i < g.getNumGeometries(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                coordinates(g.getGeometryN(i), out);
            }
            out.append(']');
        }
    }

    private static void positions(Coordinate[] coordinates, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < coordinates.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            position(coordinates[i], out);
        }
        out.append(']');
    }

    private static void position(Coordinate c, StringBuilder out) {
        out.append('[').append(c.getX()).append(',').append(c.getY()).append(']');
    }
}
