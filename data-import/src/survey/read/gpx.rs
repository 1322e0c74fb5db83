//! GPX 1.0/1.1: waypoints become points, each track segment and each route a line; columns are
//! the GPX fields (name, desc, type, ele, time). GPX coordinates are WGS84 degrees.

use super::xml::{parse, Node};
use super::FileError;
use crate::crs::Crs;
use crate::survey::source::{RawRecord, RawValue, Source};
use geo::{Coord, Geometry, LineString, Point};

const COLUMNS: [&str; 6] = ["name", "desc", "type", "ele", "time", "gpx_kind"];

fn position(n: &Node) -> Result<Coord<f64>, String> {
    let get = |k: &str| {
        n.attr(k)
            .ok_or(format!("<{}> has no {k} attribute", n.name))
            .and_then(|v| v.trim().parse::<f64>().map_err(|_| format!("<{}> {k}=\"{v}\" is not a number", n.name)))
    };
    Ok(Coord { x: get("lon")?, y: get("lat")? })
}

fn record(row: usize, n: &Node, kind: &str, geometry: Result<Geometry<f64>, String>) -> RawRecord {
    let text = |k: &str| n.child_text(k).map_or(RawValue::Empty, RawValue::Text);
    let (geometry, error) = match geometry {
        Ok(g) => (Some(g), None),
        Err(e) => (None, Some(e)),
    };
    RawRecord {
        row,
        values: vec![text("name"), text("desc"), text("type"), text("ele"), text("time"), RawValue::Text(kind.into())],
        geometry,
        error,
    }
}

fn line(points: &[&Node]) -> Result<Geometry<f64>, String> {
    let coords = points.iter().map(|p| position(p)).collect::<Result<Vec<_>, _>>()?;
    if coords.len() < 2 {
        return Err(format!("a track or route needs at least 2 points, this one has {}", coords.len()));
    }
    Ok(Geometry::LineString(LineString::new(coords)))
}

/// Reads a GPX document. `row` numbers count waypoints, then routes, then track segments, from 1.
pub fn read(text: &str) -> Result<Source, FileError> {
    let root = parse(text)?;
    if root.name != "gpx" {
        return Err(FileError::NotGpx(root.name));
    }
    let mut records = Vec::new();
    for w in root.children_named("wpt") {
        let g = position(w).map(|c| Geometry::Point(Point::from(c)));
        records.push(record(records.len() + 1, w, "waypoint", g));
    }
    for r in root.children_named("rte") {
        let pts: Vec<&Node> = r.children_named("rtept").collect();
        records.push(record(records.len() + 1, r, "route", line(&pts)));
    }
    let mut segments = 0;
    for t in root.children_named("trk") {
        for seg in t.children_named("trkseg") {
            let pts: Vec<&Node> = seg.children_named("trkpt").collect();
            records.push(record(records.len() + 1, t, "track", line(&pts)));
            segments += 1;
        }
    }
    let waypoints = root.children_named("wpt").count();
    Ok(Source {
        headers: COLUMNS.iter().map(|s| (*s).to_owned()).collect(),
        records,
        crs: Some(Crs::Wgs84),
        notes: vec![format!(
            "GPX: {waypoints} waypoints, {} routes, {segments} track segments",
            root.children_named("rte").count()
        )],
        area_as_point: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waypoints_and_track_segments() {
        let s = read(
            r#"<gpx version="1.1"><wpt lat="30.6" lon="104.1"><name>集合点</name></wpt>
            <trk><name>巡查</name><trkseg><trkpt lat="30.6" lon="104.1"/><trkpt lat="30.7" lon="104.2"/></trkseg>
            <trkseg><trkpt lat="30.7" lon="x"/></trkseg></trk></gpx>"#,
        )
        .expect("gpx");
        assert_eq!(s.records.len(), 3);
        assert_eq!(s.records[0].values[0], RawValue::Text("集合点".into()));
        assert!(matches!(s.records[1].geometry, Some(Geometry::LineString(_))));
        assert!(s.records[2].error.as_deref().unwrap_or("").contains("lon=\"x\""));
    }
}
