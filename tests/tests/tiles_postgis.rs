//! Geometry oracle: PostGIS's `ST_AsMVTGeom` on the same data. Our store file is copied into a
//! fresh PostGIS database with `ogr2ogr`; over a few hundred random tiles of real data (Malta's
//! OpenStreetMap roads and shelters, China's provinces) our tile geometries must match PostGIS's:
//! points and lines within one tile unit, polygon areas within 1 %.

use geo::{Coord, Distance, Euclidean, LineString, MultiLineString, Point};
use onemap_e2e::pg::{psql, Db};
use onemap_e2e::{http, http_bytes, require_tool, run, shared_data, Server};
use onemap_tiles::coord::lonlat_to_world;
use onemap_tiles::decode::{features, DecodedFeature};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

/// Deterministic pseudo-random numbers (xorshift), so a failure can be replayed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// China's provinces as admin areas, dropping the rings of fewer than 4 points the source has.
fn provinces(path: &std::path::Path) -> Value {
    let src: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("read provinces")).expect("json");
    let feats: Vec<Value> = src["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter_map(|f| {
            let polys: Vec<Value> = f["geometry"]["coordinates"]
                .as_array()?
                .iter()
                .filter_map(|poly| {
                    let rings: Vec<&Value> =
                        poly.as_array()?.iter().filter(|r| r.as_array().is_some_and(|r| r.len() >= 4)).collect();
                    (!rings.is_empty() && poly[0].as_array().is_some_and(|r| r.len() >= 4)).then(|| json!(rings))
                })
                .collect();
            let code = f["properties"]["id"].as_str()?;
            (!polys.is_empty()).then(|| {
                json!({
                    "type": "Feature", "id": format!("cn-{code}"),
                    "geometry": {"type": "MultiPolygon", "coordinates": polys},
                    "properties": {"code": code, "name": f["properties"]["name"], "level": "district"},
                })
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": feats})
}

/// Random tiles at `zooms` that hold at least one of `points` (EPSG:4326 lon/lat).
fn tiles_around(points: &[(f64, f64)], zooms: &[u8], count: usize, rng: &mut Rng) -> Vec<(u8, u32, u32)> {
    let mut out: Vec<(u8, u32, u32)> = Vec::new();
    for _ in 0..count * 50 {
        if out.len() == count {
            break;
        }
        let (lon, lat) = points[rng.below(points.len())];
        let z = zooms[rng.below(zooms.len())];
        let (x, y) = lonlat_to_world(lon, lat);
        let n = f64::from(1u32 << z);
        let t = (z, (x * n) as u32, (y * n) as u32);
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// PostGIS's tile geometries: tile index → feature id → GeoJSON geometry in tile units (y down).
fn postgis_tiles(db: &str, table: &str, tiles: &[(u8, u32, u32)]) -> Vec<BTreeMap<String, Value>> {
    let values: Vec<String> = tiles.iter().enumerate().map(|(i, (z, x, y))| format!("({i},{z},{x},{y})")).collect();
    let sql = format!(
        "WITH t(i, z, x, y) AS (VALUES {}) \
         SELECT t.i, g.id, ST_AsGeoJSON(g.mvt) FROM t CROSS JOIN LATERAL ( \
           SELECT feature_id AS id, ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(t.z, t.x, t.y), 4096, 64, true) AS mvt \
           FROM {table} WHERE geom && ST_Transform(ST_TileEnvelope(t.z, t.x, t.y, margin => 64.0 / 4096), 4326) \
             AND ST_IsValid(geom)) g WHERE g.mvt IS NOT NULL AND NOT ST_IsEmpty(g.mvt)",
        values.join(",")
    );
    let mut out = vec![BTreeMap::new(); tiles.len()];
    for line in psql(db, &sql).lines() {
        let mut cols = line.splitn(3, '\t');
        let (Some(i), Some(id), Some(geom)) = (cols.next(), cols.next(), cols.next()) else { continue };
        out[i.parse::<usize>().expect("index")].insert(id.to_owned(), serde_json::from_str(geom).expect("geojson"));
    }
    out
}

fn our_tile(server: &Server, layer: &str, (z, x, y): (u8, u32, u32)) -> BTreeMap<String, DecodedFeature> {
    let (status, bytes) = http_bytes("GET", &format!("{}/tiles/{layer}/{z}/{x}/{y}.mvt", server.url), None);
    assert!(status == 200 || status == 204, "{layer} {z}/{x}/{y}: {status}");
    features(&bytes).expect("decode").into_iter().map(|f| (f.attrs["id"].as_str().expect("id").to_owned(), f)).collect()
}

fn coords(v: &Value) -> Vec<Coord<f64>> {
    v.as_array().map_or_else(Vec::new, |a| {
        a.iter().map(|c| Coord { x: c[0].as_f64().unwrap_or(f64::NAN), y: c[1].as_f64().unwrap_or(f64::NAN) }).collect()
    })
}

fn lines_of(g: &Value) -> MultiLineString<f64> {
    match g["type"].as_str() {
        Some("LineString") => MultiLineString(vec![LineString(coords(&g["coordinates"]))]),
        Some("MultiLineString") => MultiLineString(
            g["coordinates"].as_array().map_or_else(Vec::new, |a| a.iter().map(|l| LineString(coords(l))).collect()),
        ),
        _ => MultiLineString(vec![]),
    }
}

/// Hausdorff distance between two polylines measured from every vertex to the other line
/// (not vertex to vertex: dropping a collinear vertex changes nothing). Vertices made by clipping
/// on the buffer's edge (x or y = -64 or 4160) are left out: where a line crosses the edge at a
/// grazing angle, the crossing point slides along the edge with the last bit of rounding, outside
/// the visible tile.
fn hausdorff(a: &MultiLineString<f64>, b: &MultiLineString<f64>) -> f64 {
    let on_edge = |c: &Coord<f64>| [c.x, c.y].iter().any(|v| *v == -64.0 || *v == 4160.0);
    let one_way = |a: &MultiLineString<f64>, b: &MultiLineString<f64>| {
        a.0.iter()
            .flat_map(|l| l.0.iter())
            .filter(|c| !on_edge(c))
            .map(|c| Euclidean.distance(&Point::from(*c), b))
            .fold(0.0, f64::max)
    };
    one_way(a, b).max(one_way(b, a))
}

fn ring_area(r: &[Coord<f64>]) -> f64 {
    let n = r.len();
    (0..n).map(|i| r[i].x * r[(i + 1) % n].y - r[(i + 1) % n].x * r[i].y).sum::<f64>() / 2.0
}

/// Area of a (multi)polygon GeoJSON: exteriors minus holes, whatever their orientation.
fn polygon_area(g: &Value) -> f64 {
    let polys: Vec<&Value> = match g["type"].as_str() {
        Some("Polygon") => vec![&g["coordinates"]],
        Some("MultiPolygon") => g["coordinates"].as_array().map_or_else(Vec::new, |a| a.iter().collect()),
        _ => vec![],
    };
    polys
        .iter()
        .map(|p| {
            let rings = p.as_array().cloned().unwrap_or_default();
            rings
                .iter()
                .enumerate()
                .map(|(i, r)| if i == 0 { ring_area(&coords(r)).abs() } else { -ring_area(&coords(r)).abs() })
                .sum::<f64>()
        })
        .sum()
}

#[test]
fn our_tile_geometries_match_postgis_st_asmvtgeom() {
    let (Some(pbf), Some(china)) =
        (shared_data("osm/malta-2018.osm.pbf"), shared_data("boundaries/china/echarts4_china.geojson"))
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("malta.gpkg");
    let server =
        Server::start(&["demo", "--store", store.to_str().expect("path"), "--osm", pbf.to_str().expect("path")]);
    let (status, body) =
        http("POST", &format!("{}/collections/admin_areas/items", server.url), Some(&provinces(&china).to_string()));
    assert_eq!(status, 201, "provinces: {body}");

    let db = Db::create(&["postgis"]);
    run(
        Command::new(require_tool("ogr2ogr"))
            .args(["-f", "PostgreSQL", &format!("PG:host=127.0.0.1 user=postgres dbname={}", db.name)])
            .arg(&store)
            .args(["roads", "shelters", "admin_areas", "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST"]),
        Duration::from_secs(600),
    );
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let sample = |table: &str, n: usize| -> Vec<(f64, f64)> {
        // Points on the features (for polygons, a few random points inside each).
        let p = if table == "admin_areas" {
            "(ST_Dump(ST_GeneratePoints(ST_CollectionExtract(ST_MakeValid(geom), 3), 20, 7))).geom"
        } else {
            "ST_PointOnSurface(geom)"
        };
        psql(&db.name, &format!("SELECT ST_X(p), ST_Y(p) FROM (SELECT {p} p FROM {table} ORDER BY fid LIMIT {n}) s"))
            .lines()
            .filter_map(|l| l.split_once('\t').and_then(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?))))
            .collect()
    };
    let roads = tiles_around(&sample("roads", 30_000), &[13, 14, 15, 16], 120, &mut rng);
    let shelters = tiles_around(&sample("shelters", 1000), &[11, 13, 15], 60, &mut rng);
    let areas = tiles_around(&sample("admin_areas", 5000), &[3, 4, 5, 6, 7, 8], 120, &mut rng);

    // Points: the same features at the same tile units (±1 for rounding of .5).
    let (mut points, mut point_mismatch) = (0, Vec::new());
    for (t, theirs) in shelters.iter().zip(postgis_tiles(&db.name, "shelters", &shelters)) {
        let ours = our_tile(&server, "shelters", *t);
        for (id, g) in &theirs {
            let c = coords(&json!([g["coordinates"]]))[0];
            match ours.get(id) {
                Some(f)
                    if (f64::from(f.parts[0][0].0) - c.x).abs() <= 1.0
                        && (f64::from(f.parts[0][0].1) - c.y).abs() <= 1.0 =>
                {
                    points += 1
                }
                other => point_mismatch.push(format!("{t:?} {id}: ours {:?} theirs {g}", other.map(|f| &f.parts))),
            }
        }
        assert_eq!(
            ours.len(),
            theirs.len(),
            "shelters in {t:?}: ours {:?} theirs {:?}",
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>()
        );
    }
    assert!(
        point_mismatch.is_empty(),
        "{} point mismatches: {:?}",
        point_mismatch.len(),
        &point_mismatch[..point_mismatch.len().min(5)]
    );

    // Lines: every PostGIS line is ours within one tile unit (Hausdorff ≤ √2 allows 1 unit on each axis).
    let (mut lines, mut worst, mut missing) = (0usize, 0.0f64, Vec::new());
    for (t, theirs) in roads.iter().zip(postgis_tiles(&db.name, "roads", &roads)) {
        let ours = our_tile(&server, "roads", *t);
        for (id, g) in &theirs {
            let Some(f) = ours.get(id) else {
                missing.push(format!("{t:?} {id} {g}"));
                continue;
            };
            let mine = MultiLineString(
                f.parts
                    .iter()
                    .map(|p| LineString(p.iter().map(|&(x, y)| Coord { x: x.into(), y: y.into() }).collect()))
                    .collect(),
            );
            let d = hausdorff(&mine, &lines_of(g));
            worst = worst.max(d);
            lines += 1;
            assert!(
                d <= std::f64::consts::SQRT_2 + 1e-9,
                "road {id} in {t:?}: Hausdorff {d} tile units\nours {mine:?}\ntheirs {g}"
            );
        }
        let extra: Vec<_> =
            ours.iter().filter(|(id, _)| !theirs.contains_key(*id)).map(|(id, f)| (id, &f.parts)).collect();
        assert!(extra.len() <= 1, "roads only we draw in {t:?}: {extra:?}");
    }
    // A line that grazes the buffer edge may round into or out of it on one side only.
    assert!(
        missing.len() * 100 <= lines,
        "{} of {lines} PostGIS lines missing from ours: {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );

    // Polygons: same area within 1 % (provinces valid per GEOS; PostGIS repairs invalid ones its own way).
    let (mut polys, mut worst_area) = (0usize, 0.0f64);
    for (t, theirs) in areas.iter().zip(postgis_tiles(&db.name, "admin_areas", &areas)) {
        let ours = our_tile(&server, "admin_areas", *t);
        for (id, g) in &theirs {
            let expected = polygon_area(g);
            if expected < 1000.0 {
                continue; // slivers of a few units are all rounding
            }
            let got = ours.get(id).map_or(0.0, |f| {
                f.parts
                    .iter()
                    .map(|r| ring_area(&r.iter().map(|&(x, y)| Coord { x: x.into(), y: y.into() }).collect::<Vec<_>>()))
                    .sum()
            });
            let rel = (got - expected).abs() / expected;
            worst_area = worst_area.max(rel);
            polys += 1;
            assert!(rel <= 0.01, "{id} in {t:?}: area {got} vs PostGIS {expected} ({:.2} %)", rel * 100.0);
        }
    }
    eprintln!(
        "oracle: {points} points equal; {lines} lines, worst Hausdorff {worst:.3} units, {} missing; {polys} polygons, worst area difference {:.3} %",
        missing.len(),
        worst_area * 100.0
    );
    assert!(
        points > 50 && lines > 500 && polys > 50,
        "too little compared: {points} points, {lines} lines, {polys} polygons"
    );
}
