//! KML (Google Earth, 奥维/Ovi exports): each Placemark is a row with its name, description and
//! ExtendedData fields as columns; Point, LineString, Polygon and MultiGeometry. KML coordinates
//! are WGS84 lon,lat[,alt].

use super::xml::{parse, Node};
use super::FileError;
use crate::crs::Crs;
use crate::survey::source::{RawRecord, RawValue, Source};
use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use std::collections::HashMap;

fn coords(n: &Node) -> Result<Vec<Coord<f64>>, String> {
    let text = n.child_text("coordinates").ok_or_else(|| format!("<{}> has no coordinates", n.name))?;
    text.split_whitespace()
        .map(|t| {
            let mut it = t.split(',').map(|v| v.trim().parse::<f64>());
            match (it.next(), it.next()) {
                (Some(Ok(x)), Some(Ok(y))) => Ok(Coord { x, y }),
                _ => Err(format!("`{t}` is not lon,lat")),
            }
        })
        .collect()
}

fn ring(n: Option<&Node>) -> Result<LineString<f64>, String> {
    let r = n.and_then(|b| b.child("LinearRing")).ok_or("a polygon boundary has no LinearRing")?;
    Ok(LineString::new(coords(r)?))
}

fn geometry(n: &Node) -> Result<Geometry<f64>, String> {
    match n.name.as_str() {
        "Point" => coords(n)?
            .first()
            .map(|c| Geometry::Point(Point::from(*c)))
            .ok_or_else(|| "a Point has no coordinates".into()),
        "LineString" => Ok(Geometry::LineString(LineString::new(coords(n)?))),
        "Polygon" => {
            let outer = ring(n.child("outerBoundaryIs"))?;
            let inner = n.children_named("innerBoundaryIs").map(|b| ring(Some(b))).collect::<Result<Vec<_>, _>>()?;
            Ok(Geometry::Polygon(Polygon::new(outer, inner)))
        }
        "MultiGeometry" => {
            let parts = n.children.iter().filter(|c| is_geometry(c)).map(geometry).collect::<Result<Vec<_>, _>>()?;
            if parts.iter().all(|g| matches!(g, Geometry::Point(_))) {
                Ok(Geometry::MultiPoint(MultiPoint(
                    parts.into_iter().filter_map(|g| Point::try_from(g).ok()).collect(),
                )))
            } else if parts.iter().all(|g| matches!(g, Geometry::LineString(_))) {
                Ok(Geometry::MultiLineString(MultiLineString(
                    parts.into_iter().filter_map(|g| LineString::try_from(g).ok()).collect(),
                )))
            } else if parts.iter().all(|g| matches!(g, Geometry::Polygon(_))) {
                Ok(Geometry::MultiPolygon(MultiPolygon(
                    parts.into_iter().filter_map(|g| Polygon::try_from(g).ok()).collect(),
                )))
            } else {
                Err("a MultiGeometry mixing points, lines and polygons".into())
            }
        }
        other => Err(format!("unsupported KML geometry <{other}>")),
    }
}

fn is_geometry(n: &Node) -> bool {
    matches!(n.name.as_str(), "Point" | "LineString" | "Polygon" | "MultiGeometry")
}

/// Reads a KML document; rows are the Placemarks in document order, from 1.
pub fn read(text: &str) -> Result<Source, FileError> {
    let root = parse(text)?;
    if root.name != "kml" {
        return Err(FileError::NotKml(root.name));
    }
    let mut placemarks = Vec::new();
    root.descendants("Placemark", &mut placemarks);
    let mut headers = vec!["name".to_owned(), "description".to_owned()];
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for (i, p) in placemarks.iter().enumerate() {
        let mut cells: Vec<(usize, RawValue)> = Vec::new();
        for (c, k) in ["name", "description"].iter().enumerate() {
            if let Some(t) = p.child_text(k) {
                cells.push((c, RawValue::Text(t)));
            }
        }
        let mut data = Vec::new();
        p.descendants("Data", &mut data);
        let mut simple = Vec::new();
        p.descendants("SimpleData", &mut simple);
        let fields = data
            .iter()
            .filter_map(|d| Some((d.attr("name")?.to_owned(), d.child_text("value").unwrap_or_default())))
            .chain(simple.iter().filter_map(|d| Some((d.attr("name")?.to_owned(), d.text.trim().to_owned()))));
        for (k, v) in fields {
            let c = *index.entry(k.clone()).or_insert_with(|| {
                headers.push(k.clone());
                headers.len() - 1
            });
            cells.push((c, if v.is_empty() { RawValue::Empty } else { RawValue::Text(v) }));
        }
        let g =
            p.children.iter().find(|c| is_geometry(c)).ok_or_else(|| "has no geometry".to_owned()).and_then(geometry);
        rows.push((i + 1, cells, g));
    }
    let width = headers.len();
    let records = rows
        .into_iter()
        .map(|(row, cells, g)| {
            let mut values = vec![RawValue::Empty; width];
            for (c, v) in cells {
                values[c] = v;
            }
            let (geometry, error) = match g {
                Ok(g) => (Some(g), None),
                Err(e) => (None, Some(e)),
            };
            RawRecord { row, values, geometry, error }
        })
        .collect();
    Ok(Source {
        headers,
        records,
        crs: Some(Crs::Wgs84),
        notes: vec![format!("KML: {} placemarks", placemarks.len())],
        area_as_point: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placemarks_with_extended_data() {
        let s = read(r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
            <Placemark><name>滑坡A</name><ExtendedData><Data name="风险等级"><value>重大</value></Data></ExtendedData>
              <Point><coordinates>104.1,30.6,0</coordinates></Point></Placemark>
            <Placemark><name>区</name><Polygon><outerBoundaryIs><LinearRing><coordinates>104,30 104.1,30 104.1,30.1 104,30</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
            </Folder></Document></kml>"#).expect("kml");
        assert_eq!(s.headers, ["name", "description", "风险等级"]);
        assert_eq!(s.records[0].values[2], RawValue::Text("重大".into()));
        assert!(matches!(s.records[1].geometry, Some(Geometry::Polygon(_))));
    }
}
