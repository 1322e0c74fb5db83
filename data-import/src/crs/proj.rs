//! Any other CRS, as a PROJ string run by proj4rs (pure Rust): from the WKT of a Shapefile's
//! `.prj` (ESRI or OGC WKT 1/2, through proj4wkt) or an EPSG code proj4rs knows.

use super::CrsError;
use proj4rs::transform::{transform, Transform, TransformClosure};
use proj4rs::Proj;
use std::sync::Arc;

/// A CRS proj4rs transforms to WGS84 lon/lat.
#[derive(Clone)]
pub struct ProjCrs {
    /// The CRS's name (from the WKT) or `EPSG:n`.
    pub name: String,
    /// The PROJ string it runs.
    pub definition: String,
    src: Arc<Proj>,
    wgs84: Arc<Proj>,
}

impl std::fmt::Debug for ProjCrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProjCrs({}: {})", self.name, self.definition)
    }
}

impl PartialEq for ProjCrs {
    fn eq(&self, other: &Self) -> bool {
        self.definition == other.definition
    }
}

struct Pt(f64, f64, f64);

impl Transform for Pt {
    fn transform_coordinates<F: TransformClosure>(&mut self, f: &mut F) -> proj4rs::errors::Result<()> {
        f(self.0, self.1, self.2).map(|(x, y, z)| {
            *self = Pt(x, y, z);
        })
    }
}

fn wgs84() -> Result<Arc<Proj>, CrsError> {
    Proj::from_proj_string("+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs").map(Arc::new).map_err(CrsError::Wgs84)
}

/// The first quoted name in a WKT (`PROJCS["NAD_1983_…"` → `NAD_1983_…`).
fn wkt_name(wkt: &str) -> String {
    wkt.split('"').nth(1).unwrap_or("unnamed").to_owned()
}

impl ProjCrs {
    /// From WKT (a `.prj`).
    pub fn from_wkt(wkt: &str) -> Result<Self, CrsError> {
        let definition = proj4wkt::wkt_to_projstring(wkt.trim()).map_err(|e| CrsError::Wkt(Box::new(e)))?;
        let src = match Proj::from_proj_string(&definition) {
            Ok(src) => src,
            Err(source) => return Err(CrsError::Unsupported { definition, source }),
        };
        Ok(ProjCrs { name: wkt_name(wkt), definition, src: Arc::new(src), wgs84: wgs84()? })
    }

    /// From an EPSG code in proj4rs's table.
    pub fn from_epsg(code: u16) -> Result<Self, CrsError> {
        let src = Proj::from_epsg_code(code).map_err(|source| CrsError::UnknownEpsg { code, source })?;
        Ok(ProjCrs {
            name: format!("EPSG:{code}"),
            definition: format!("EPSG:{code}"),
            src: Arc::new(src),
            wgs84: wgs84()?,
        })
    }

    pub fn is_geographic(&self) -> bool {
        self.src.is_latlong()
    }

    /// One coordinate (degrees for a geographic CRS, else its projected units) to WGS84 lon/lat
    /// degrees; NaN when the projection fails there.
    pub fn to_lonlat(&self, x: f64, y: f64) -> (f64, f64) {
        let mut p = if self.is_geographic() { Pt(x.to_radians(), y.to_radians(), 0.0) } else { Pt(x, y, 0.0) };
        match transform(&self.src, &self.wgs84, &mut p) {
            Ok(()) => (p.0.to_degrees(), p.1.to_degrees()),
            Err(_) => (f64::NAN, f64::NAN),
        }
    }

    /// WGS84 lon/lat degrees to this CRS.
    pub fn from_lonlat(&self, lon: f64, lat: f64) -> (f64, f64) {
        let mut p = Pt(lon.to_radians(), lat.to_radians(), 0.0);
        match transform(&self.wgs84, &self.src, &mut p) {
            Ok(()) if self.is_geographic() => (p.0.to_degrees(), p.1.to_degrees()),
            Ok(()) => (p.0, p.1),
            Err(_) => (f64::NAN, f64::NAN),
        }
    }
}
