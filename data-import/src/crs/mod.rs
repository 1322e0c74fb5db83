//! The coordinate systems survey data arrives in, and their transformation to the store's
//! WGS84/CGCS2000 lon/lat (EPSG:4326/4490, degrees; the two agree to centimetres, below survey
//! accuracy, and are treated as one).

pub mod chinese;
pub mod proj;
pub mod tmerc;

use std::fmt;
use tmerc::{TransverseMercator, CGCS2000};

/// A source coordinate system.
#[derive(Debug, Clone, PartialEq)]
pub enum Crs {
    /// WGS84 lon/lat degrees (EPSG:4326).
    Wgs84,
    /// CGCS2000 lon/lat degrees (EPSG:4490).
    Cgcs2000,
    /// GCJ-02 lon/lat degrees (AMap, Tencent, Google China).
    Gcj02,
    /// BD-09 lon/lat degrees (Baidu).
    Bd09,
    /// Web Mercator metres (EPSG:3857).
    WebMercator,
    /// CGCS2000 Gauss–Krüger metres.
    GaussKruger(GkZone),
    /// Anything else proj4rs can run: a `.prj`'s WKT, or another EPSG code it knows.
    Proj(proj::ProjCrs),
}

/// One CGCS2000 Gauss–Krüger zone as the EPSG registry defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GkZone {
    pub epsg: u16,
    /// Central meridian, degrees east.
    pub central_meridian: u16,
    /// Zone width: 3 or 6 degrees.
    pub width: u8,
    /// Zone number, whose millions prefix the easting when `prefixed`.
    pub zone: u16,
    pub prefixed: bool,
}

impl GkZone {
    /// The zone of an EPSG code in 4491–4554 (CGCS2000 / Gauss–Kruger, 6° 4491–4512 and 3° 4513–4554).
    pub fn from_epsg(code: u16) -> Option<GkZone> {
        let z = |central_meridian: u16, width: u8, zone: u16, prefixed: bool| GkZone {
            epsg: code,
            central_meridian,
            width,
            zone,
            prefixed,
        };
        match code {
            // 6° zones 13–23 (CM 75°E–135°E), easting prefixed by the zone number.
            4491..=4501 => Some(z(75 + (code - 4491) * 6, 6, 13 + (code - 4491), true)),
            // The same zones named by central meridian, without the prefix.
            4502..=4512 => Some(z(75 + (code - 4502) * 6, 6, 13 + (code - 4502), false)),
            // 3° zones 25–45 (CM 75°E–135°E), prefixed.
            4513..=4533 => Some(z(75 + (code - 4513) * 3, 3, 25 + (code - 4513), true)),
            // The same by central meridian, not prefixed.
            4534..=4554 => Some(z(75 + (code - 4534) * 3, 3, 25 + (code - 4534), false)),
            _ => None,
        }
    }

    /// The prefixed zone whose number begins an easting (e.g. 38,500,000 → 3° zone 38), if any.
    pub fn from_prefixed_easting(easting: f64) -> Option<GkZone> {
        let zone = (easting / 1_000_000.0).floor();
        if !(13.0..=45.0).contains(&zone) {
            return None;
        }
        let zone = zone as u16;
        match zone {
            13..=23 => GkZone::from_epsg(4491 + zone - 13),
            25..=45 => GkZone::from_epsg(4513 + zone - 25),
            _ => None,
        }
    }

    fn projection(self) -> TransverseMercator {
        let prefix = if self.prefixed { f64::from(self.zone) * 1_000_000.0 } else { 0.0 };
        TransverseMercator {
            ellipsoid: CGCS2000,
            lon0: f64::from(self.central_meridian),
            k0: 1.0,
            false_easting: prefix + 500_000.0,
            false_northing: 0.0,
        }
    }
}

/// Why a CRS name was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown coordinate system `{0}`: use EPSG:4326, EPSG:4490, GCJ02, BD09, EPSG:3857, a CGCS2000 Gauss-Kruger code EPSG:4491-4554, or another EPSG code")]
pub struct UnknownCrs(pub String);

/// Why a coordinate system cannot be used or could not be determined.
#[derive(Debug, thiserror::Error)]
pub enum CrsError {
    /// A name or code onemap does not know (the message lists the choices).
    #[error(transparent)]
    Unknown(#[from] UnknownCrs),
    /// A WKT definition (a `.prj`) that does not parse.
    #[error("cannot read the CRS WKT: {0}")]
    Wkt(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A definition proj4rs cannot run.
    #[error("unsupported CRS `{definition}`: {source}")]
    Unsupported {
        definition: String,
        #[source]
        source: proj4rs::errors::Error,
    },
    /// An EPSG code outside proj4rs's table.
    #[error("EPSG:{code} is not a CRS onemap knows: {source}")]
    UnknownEpsg {
        code: u16,
        #[source]
        source: proj4rs::errors::Error,
    },
    /// proj4rs cannot set up WGS84 itself (a bug, not the input's fault).
    #[error("WGS84: {0}")]
    Wgs84(#[source] proj4rs::errors::Error),
    /// Coordinate columns in metres that do not say which Gauss–Krüger zone (or other CRS) they are in.
    #[error(
        "coordinates in columns {x_column}/{y_column} look projected (first row {}, {}) but do not name their zone: {HINT}",
        .first.0, .first.1
    )]
    Undetermined { x_column: String, y_column: String, first: (f64, f64) },
}

/// What to tell a user whose coordinates' CRS could not be determined.
pub const HINT: &str = "pass --crs: EPSG:4326/4490 for degrees, gcj02 (AMap/Tencent), bd09 (Baidu), EPSG:3857, \
                    or the CGCS2000 Gauss-Kruger code (EPSG:4513-4533 with zone prefix, 4534-4554 by central meridian, 4491-4512 for 6° zones)";

impl std::str::FromStr for Crs {
    type Err = UnknownCrs;

    /// Accepts `EPSG:n` (or a bare number), and the names `wgs84`, `cgcs2000`, `gcj02`, `bd09`,
    /// `webmercator`, in any case, with or without `-`/`_`.
    fn from_str(s: &str) -> Result<Self, UnknownCrs> {
        let norm: String = s.trim().to_ascii_lowercase().chars().filter(|c| !matches!(c, '-' | '_' | ' ')).collect();
        let code = norm.strip_prefix("epsg:").unwrap_or(&norm);
        if let Ok(n) = code.parse::<u32>() {
            return match n {
                4326 => Ok(Crs::Wgs84),
                4490 => Ok(Crs::Cgcs2000),
                3857 | 900_913 => Ok(Crs::WebMercator),
                _ => u16::try_from(n)
                    .ok()
                    .and_then(|n| {
                        GkZone::from_epsg(n)
                            .map(Crs::GaussKruger)
                            .or_else(|| proj::ProjCrs::from_epsg(n).ok().map(Crs::Proj))
                    })
                    .ok_or_else(|| UnknownCrs(s.to_owned())),
            };
        }
        match norm.as_str() {
            "wgs84" | "crs84" => Ok(Crs::Wgs84),
            "cgcs2000" => Ok(Crs::Cgcs2000),
            "gcj02" | "gcj" | "mars" | "amap" | "gaode" => Ok(Crs::Gcj02),
            "bd09" | "bd09ll" | "baidu" => Ok(Crs::Bd09),
            "webmercator" | "pseudomercator" => Ok(Crs::WebMercator),
            _ => Err(UnknownCrs(s.to_owned())),
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::Wgs84 => write!(f, "EPSG:4326 (WGS84)"),
            Crs::Cgcs2000 => write!(f, "EPSG:4490 (CGCS2000)"),
            Crs::Gcj02 => write!(f, "GCJ-02"),
            Crs::Bd09 => write!(f, "BD-09"),
            Crs::WebMercator => write!(f, "EPSG:3857 (Web Mercator)"),
            Crs::Proj(p) => write!(f, "{} ({})", p.name, p.definition),
            Crs::GaussKruger(z) => write!(
                f,
                "EPSG:{} (CGCS2000 {}° Gauss-Kruger, CM {}°E{})",
                z.epsg,
                z.width,
                z.central_meridian,
                if z.prefixed { format!(", zone {} prefixed", z.zone) } else { String::new() }
            ),
        }
    }
}

impl Crs {
    /// Whether coordinates are lon/lat degrees (as opposed to projected metres).
    pub fn is_geographic(&self) -> bool {
        match self {
            Crs::Proj(p) => p.is_geographic(),
            c => matches!(c, Crs::Wgs84 | Crs::Cgcs2000 | Crs::Gcj02 | Crs::Bd09),
        }
    }

    /// The CRS a WKT names (a Shapefile's `.prj`): the CGCS2000 and WGS84 systems onemap knows by
    /// their EPSG authority or name, anything else through proj4rs.
    pub fn from_wkt(wkt: &str) -> Result<Crs, CrsError> {
        let upper = wkt.to_ascii_uppercase();
        // The outermost AUTHORITY/ID is the CRS's own: the last one in WKT1, the last ID in WKT2.
        let code = upper
            .rmatch_indices("\"EPSG\",")
            .next()
            .and_then(|(i, m)| {
                upper[i + m.len()..]
                    .trim_start_matches(['"', ' '])
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .map(str::to_owned)
            })
            .and_then(|c| c.parse::<u32>().ok());
        if let Some(c) = code {
            if let Ok(crs) = format!("EPSG:{c}").parse::<Crs>() {
                return Ok(crs);
            }
        }
        if upper.starts_with("GEOGCS") && (upper.contains("CGCS2000") || upper.contains("CHINA_2000")) {
            return Ok(Crs::Cgcs2000);
        }
        if upper.starts_with("GEOGCS") && (upper.contains("WGS_1984") || upper.contains("WGS 84")) {
            return Ok(Crs::Wgs84);
        }
        proj::ProjCrs::from_wkt(wkt).map(Crs::Proj)
    }

    /// Transforms one coordinate (x = lon or easting, y = lat or northing, in this CRS's units)
    /// to WGS84/CGCS2000 lon/lat degrees.
    pub fn to_lonlat(&self, x: f64, y: f64) -> (f64, f64) {
        match self {
            Crs::Wgs84 | Crs::Cgcs2000 => (x, y),
            Crs::Gcj02 => chinese::gcj02_to_wgs84(x, y),
            Crs::Bd09 => chinese::bd09_to_wgs84(x, y),
            Crs::WebMercator => {
                const R: f64 = 6_378_137.0;
                ((x / R).to_degrees(), (2.0 * (y / R).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees())
            }
            Crs::GaussKruger(z) => z.projection().inverse(x, y),
            Crs::Proj(p) => p.to_lonlat(x, y),
        }
    }

    /// The inverse of [`Self::to_lonlat`]: WGS84/CGCS2000 lon/lat degrees to this CRS.
    pub fn from_lonlat(&self, lon: f64, lat: f64) -> (f64, f64) {
        match self {
            Crs::Wgs84 | Crs::Cgcs2000 => (lon, lat),
            Crs::Gcj02 => chinese::wgs84_to_gcj02(lon, lat),
            Crs::Bd09 => chinese::wgs84_to_bd09(lon, lat),
            Crs::WebMercator => {
                const R: f64 = 6_378_137.0;
                (R * lon.to_radians(), R * (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0).tan().ln())
            }
            Crs::GaussKruger(z) => z.projection().forward(lon, lat),
            Crs::Proj(p) => p.from_lonlat(lon, lat),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_parse() {
        assert_eq!("EPSG:4490".parse::<Crs>(), Ok(Crs::Cgcs2000));
        assert_eq!("gcj-02".parse::<Crs>(), Ok(Crs::Gcj02));
        assert_eq!("BD09".parse::<Crs>(), Ok(Crs::Bd09));
        let Ok(Crs::GaussKruger(z)) = "epsg:4527".parse::<Crs>() else { panic!("4527") };
        assert_eq!((z.central_meridian, z.width, z.zone, z.prefixed), (117, 3, 39, true));
        let Ok(Crs::GaussKruger(z)) = "4549".parse::<Crs>() else { panic!("4549") };
        assert_eq!((z.central_meridian, z.width, z.prefixed), (120, 3, false));
        let Ok(Crs::GaussKruger(z)) = "EPSG:4499".parse::<Crs>() else { panic!("4499") };
        assert_eq!((z.central_meridian, z.width, z.zone), (123, 6, 21));
        assert!("EPSG:99999".parse::<Crs>().unwrap_err().to_string().contains("99999"));
        // What a caller can act on: which kind of CRS problem it is.
        assert!(matches!(Crs::from_wkt("PROJCS[\"broken\""), Err(CrsError::Wkt(_))));
        assert!(matches!(proj::ProjCrs::from_epsg(9), Err(CrsError::UnknownEpsg { code: 9, .. })));
        assert!(matches!("EPSG:2263".parse::<Crs>(), Ok(Crs::Proj(_))));
        assert_eq!(GkZone::from_prefixed_easting(39_512_345.0).map(|z| z.epsg), Some(4527));
        assert_eq!(GkZone::from_prefixed_easting(512_345.0), None);
    }

    #[test]
    fn every_crs_round_trips() {
        for crs in ["4326", "4490", "gcj02", "bd09", "3857", "4527", "4549", "4499", "4508"] {
            let crs: Crs = crs.parse().expect("crs");
            let (lon, lat) =
                if let Crs::GaussKruger(z) = crs { (f64::from(z.central_meridian) + 0.7, 31.2) } else { (117.3, 31.2) };
            let (x, y) = crs.from_lonlat(lon, lat);
            let (lon2, lat2) = crs.to_lonlat(x, y);
            assert!((lon - lon2).abs() < 1e-8 && (lat - lat2).abs() < 1e-8, "{crs}: {lon2} {lat2}");
        }
    }
}
