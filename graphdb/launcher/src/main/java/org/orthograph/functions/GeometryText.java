package org.orthograph.functions;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKTWriter;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.UserFunction;

/**
 * Cypher functions that show an object's stored geometry (WKB bytes, WGS84 lon/lat) as text.
 *
 * <p>Neo4j Browser shows a byte array as a list of numbers; {@code RETURN
 * orthograph.wkt(o.geometry)} or {@code orthograph.geojson(o.geometry)} shows the shape. The
 * conversion runs only when a query asks for it, so writes and the services' reads, which keep
 * WKB, pay nothing. The same jar is a plugin of the local launcher and of the production image.
 */
public final class GeometryText {

    @UserFunction("orthograph.wkt")
    @Description("orthograph.wkt(wkb) - the WKT text of WKB geometry bytes (null for null).")
    public String wkt(@Name("wkb") byte[] wkb) {
        return wkb == null ? null : new WKTWriter().write(read(wkb));
    }

    @UserFunction("orthograph.geojson")
    @Description("orthograph.geojson(wkb) - the GeoJSON geometry of WKB bytes (null for null).")
    public String geojson(@Name("wkb") byte[] wkb) {
        return wkb == null ? null : GeoJson.write(read(wkb));
    }

    private static Geometry read(byte[] wkb) {
        try {
            return new WKBReader().read(wkb);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a WKB geometry: " + e.getMessage(), e);
        }
    }
}
