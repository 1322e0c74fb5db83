//! Where a row's position comes from and in which CRS: the file's own geometries, or two
//! coordinate columns whose order (lon/lat swapped? X the northing, as Chinese surveyors write
//! it?) and CRS (degrees or metres, which Gauss–Krüger zone) are read off the values when the
//! user did not say, with a note in the report whenever something was assumed or swapped.

use super::mapping::{MappingError, Plan, Target};
use super::report::Report;
use super::source::Source;
use super::values::coordinate;
use crate::crs::{Crs, CrsError, GkZone};

/// The decided position source.
#[derive(Debug, Clone, PartialEq)]
pub enum Coords {
    /// The file's geometries, in `crs`.
    FromFile { crs: Crs },
    /// A point from column `x` (lon or easting) and column `y` (lat or northing), in `crs`.
    Columns { x: usize, y: usize, crs: Crs },
}

impl Coords {
    pub fn crs(&self) -> &Crs {
        match self {
            Coords::FromFile { crs } | Coords::Columns { crs, .. } => crs,
        }
    }
}

fn majority(pairs: &[(f64, f64)], test: impl Fn(f64, f64) -> bool) -> bool {
    !pairs.is_empty() && pairs.iter().filter(|(a, b)| test(*a, *b)).count() * 2 > pairs.len()
}

/// Why the coordinates of a file cannot be placed: no columns for them (a mapping problem), or
/// values whose CRS cannot be told (pass one).
#[derive(Debug, thiserror::Error)]
pub enum AxesError {
    #[error(transparent)]
    Mapping(#[from] MappingError),
    #[error(transparent)]
    Crs(#[from] CrsError),
}

/// Decides the coordinates of `source`; notes what was assumed in `report`.
pub fn decide(source: &Source, plan: &Plan, forced: Option<Crs>, report: &mut Report) -> Result<Coords, AxesError> {
    if source.records.iter().any(|r| r.geometry.is_some()) {
        let how = if forced.is_some() {
            "as given"
        } else if source.crs.is_some() {
            "as the file declares"
        } else {
            "the GeoJSON default"
        };
        let crs = forced.or_else(|| source.crs.clone()).unwrap_or(Crs::Wgs84);
        report.crs = format!("{crs} ({how})");
        return Ok(Coords::FromFile { crs });
    }
    let (a, b, names) = match (
        plan.index_of(Target::Lon),
        plan.index_of(Target::Lat),
        plan.index_of(Target::X),
        plan.index_of(Target::Y),
    ) {
        (Some(a), Some(b), _, _) => (a, b, "lon/lat"),
        (_, _, Some(a), Some(b)) => (a, b, "x/y"),
        _ => return Err(MappingError::NoCoordinateColumns { headers: source.headers.clone() }.into()),
    };
    let (ha, hb) = (&source.headers[a], &source.headers[b]);
    let pairs: Vec<(f64, f64)> = source
        .records
        .iter()
        .filter_map(|r| Some((coordinate(&r.values[a]).ok()?, coordinate(&r.values[b]).ok()?)))
        .collect();
    let degrees = |x: f64, y: f64| x.abs() <= 180.0 && y.abs() <= 90.0;
    let swapped_degrees = |x: f64, y: f64| y.abs() > 90.0 && y.abs() <= 180.0 && x.abs() <= 90.0;
    // In China lon 73..136 and lat 3..54 do not overlap: a lon column holding latitudes is swapped.
    let swapped_china = |x: f64, y: f64| (3.0..=54.0).contains(&x) && (73.0..=136.0).contains(&y);
    let geographic = |crs: Crs, report: &mut Report| -> Coords {
        if majority(&pairs, |x, y| swapped_degrees(x, y) || swapped_china(x, y)) {
            report
                .notes
                .push(format!("columns {ha}/{hb} hold latitude/longitude, not longitude/latitude: read them swapped"));
            Coords::Columns { x: b, y: a, crs }
        } else {
            Coords::Columns { x: a, y: b, crs }
        }
    };
    let projected = |crs: Crs, report: &mut Report| -> Coords {
        // Chinese surveying writes X for the northing and Y for the easting. The easting is the
        // column with the zone prefix, or the one below 1,000 km while the other is above.
        let east_b = match crs {
            Crs::GaussKruger(z) if z.prefixed => majority(&pairs, |x, y| y >= 1.0e7 && x < 1.0e7),
            Crs::GaussKruger(_) => majority(&pairs, |x, y| y.abs() < 1.0e6 && x >= 1.0e6),
            _ => false,
        };
        if east_b {
            report.notes.push(format!(
                "column {hb} holds the easting and {ha} the northing (surveying convention X = north): read them so"
            ));
            Coords::Columns { x: b, y: a, crs }
        } else {
            Coords::Columns { x: a, y: b, crs }
        }
    };
    if let Some(crs) = forced {
        report.crs = format!("{crs} (as given)");
        return Ok(if crs.is_geographic() { geographic(crs, report) } else { projected(crs, report) });
    }
    if pairs.is_empty() {
        report.crs = format!("{} (assumed: no row has two readable coordinates)", Crs::Wgs84);
        return Ok(Coords::Columns { x: a, y: b, crs: Crs::Wgs84 });
    }
    if majority(&pairs, |x, y| degrees(x, y) || swapped_degrees(x, y)) {
        report.crs = format!(
            "{} (assumed from {names} values in degrees; data copied from AMap/Tencent is GCJ-02 and from Baidu BD-09: pass --crs gcj02 or bd09)",
            Crs::Wgs84
        );
        return Ok(geographic(Crs::Wgs84, report));
    }
    // Metres. A Gauss–Krüger easting with its zone prefix names the zone; Web Mercator eastings
    // in China (8.1–15.2 million) overlap the 6° prefixes 13–15, so those need --crs.
    for (col, other) in [(a, b), (b, a)] {
        let values: Vec<f64> = pairs.iter().map(|p| if col == a { p.0 } else { p.1 }).collect();
        let zones: Vec<Option<GkZone>> = values.iter().map(|v| GkZone::from_prefixed_easting(*v)).collect();
        let Some(Some(z)) = zones.first().copied() else { continue };
        if zones.iter().filter(|x| **x == Some(z)).count() * 2 > zones.len() && values[0] >= 15.5e6 {
            let crs = Crs::GaussKruger(z);
            report.crs = format!("{crs} (detected from the zone prefix {} of column {})", z.zone, source.headers[col]);
            if col != a {
                report.notes.push(format!("column {hb} holds the easting and {ha} the northing (surveying convention X = north): read them so"));
            }
            return Ok(Coords::Columns { x: col, y: other, crs });
        }
    }
    Err(CrsError::Undetermined { x_column: ha.clone(), y_column: hb.clone(), first: pairs[0] }.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::mapping::{plan, MappingFile};
    use crate::survey::source::{RawRecord, RawValue};
    use onemap_model::LayerId;

    fn source(h: [&str; 2], rows: &[(f64, f64)]) -> Source {
        Source {
            headers: h.iter().map(|s| (*s).to_owned()).collect(),
            records: rows
                .iter()
                .enumerate()
                .map(|(i, (a, b))| RawRecord {
                    row: i + 2,
                    values: vec![RawValue::Number(*a), RawValue::Number(*b)],
                    geometry: None,
                    error: None,
                })
                .collect(),
            ..Source::default()
        }
    }

    fn decide_for(s: &Source, forced: Option<Crs>) -> (Result<Coords, AxesError>, Report) {
        let p = plan(LayerId::HAZARDS, s, &MappingFile::default()).expect("plan");
        let mut r = Report::default();
        (decide(s, &p, forced, &mut r), r)
    }

    #[test]
    fn degrees_swapped_and_projected_columns_are_told_apart() {
        let (c, r) = decide_for(&source(["经度", "纬度"], &[(104.1, 30.6), (104.2, 30.7)]), None);
        assert_eq!(c.ok(), Some(Coords::Columns { x: 0, y: 1, crs: Crs::Wgs84 }));
        assert!(r.crs.contains("gcj02"));
        let (c, r) = decide_for(&source(["经度", "纬度"], &[(30.6, 104.1), (30.7, 104.2)]), None);
        assert_eq!(c.ok(), Some(Coords::Columns { x: 1, y: 0, crs: Crs::Wgs84 }));
        assert!(r.notes.iter().any(|n| n.contains("swapped")));
        // X = northing, Y = prefixed easting in 3° zone 39.
        let (c, r) = decide_for(&source(["X", "Y"], &[(3_395_000.0, 39_512_000.0), (3_396_000.0, 39_513_000.0)]), None);
        let Ok(Coords::Columns { x: 1, y: 0, crs: Crs::GaussKruger(z) }) = c else { panic!("{c:?}") };
        assert_eq!(z.epsg, 4527);
        assert!(r.crs.contains("zone prefix 39"));
        // Unprefixed metres: the zone is unknown.
        let (c, _) = decide_for(&source(["X", "Y"], &[(512_000.0, 3_395_000.0)]), None);
        let e = c.unwrap_err();
        assert!(matches!(&e, AxesError::Crs(CrsError::Undetermined { first: (512_000.0, _), .. })), "{e:?}");
        assert!(e.to_string().contains("--crs"));
        // Given a zone, X = northing is still recognised.
        let (c, _) = decide_for(&source(["X", "Y"], &[(3_395_000.0, 512_000.0)]), "EPSG:4549".parse().ok());
        assert!(matches!(c, Ok(Coords::Columns { x: 1, y: 0, .. })), "{c:?}");
        let (c, _) = decide_for(&source(["名称", "地址"], &[]), None);
        let e = c.unwrap_err();
        assert!(matches!(&e, AxesError::Mapping(MappingError::NoCoordinateColumns { headers }) if headers.len() == 2));
        assert!(e.to_string().contains("no coordinate columns"));
    }
}
