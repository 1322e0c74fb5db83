//! `onemap import`: the survey importer on the command line, with a progress bar and a report.

use indicatif::{ProgressBar, ProgressStyle};
use onemap_import::crs::Crs;
use onemap_import::survey::{self, Format, MappingFile, Options};
use onemap_import::{CrsOrigin, ImportError};
use onemap_model::LayerId;
use onemap_store::{Store, Writer};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Layer: hazards, risk_zones, shelters, evacuation_routes, depots, teams, admin_areas, roads.
    pub layer: String,
    /// The file: .csv, .txt, .csv.gz, .xlsx, .xls, .ods, .geojson, .json, .shp, .zip, .gpkg, .kml, .gpx
    pub file: PathBuf,
    #[arg(long, env = "ONEMAP_STORE", default_value = "data/onemap.gpkg")]
    pub store: PathBuf,
    /// Coordinate system: EPSG:4326, EPSG:4490, gcj02, bd09, EPSG:3857, EPSG:4491-4554 (Gauss-Kruger).
    #[arg(long)]
    pub crs: Option<String>,
    /// Column whose value identifies a feature (e.g. 编号): importing again updates those features.
    #[arg(long)]
    pub key: Option<String>,
    /// Check everything and print the report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid rows and report the others (default: one bad row stops the import).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Write the full report to this file (.csv opens in Excel, or .json).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// A JSON mapping file: {"columns": {"my header": "name"}, "values": {...}, "defaults": {...}}.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The spreadsheet sheet, or the table of a GeoPackage or shapefile in a zip (default: the first/only one).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Treat the file as csv, xlsx, geojson, shp, gpkg, kml or gpx whatever its name.
    #[arg(long)]
    pub format: Option<String>,
    /// Which OpenStreetMap features to take from an .osm.pbf/.osm file: amenity=hospital,emergency=*
    #[arg(long)]
    pub osm_tags: Option<String>,
    /// Reject rows outside this WGS84 box: min_lon,min_lat,max_lon,max_lat.
    #[arg(long, value_delimiter = ',', num_args = 4)]
    pub area: Option<Vec<f64>>,
    /// Who is importing (recorded in the change log).
    #[arg(long, default_value = "import")]
    pub actor: String,
}

/// The long help of `onemap import --help`, written for a township officer.
pub const LONG_HELP: &str = "Import a survey file into one layer — all rows or none.

Reads CSV (UTF-8 or GBK, as Excel saves it), Excel (.xlsx/.xls), GeoJSON, Shapefile (.shp or
.zip), GeoPackage, KML, GPX and OpenStreetMap extracts (--osm-tags). Columns are
recognised by their Chinese or English headers: 经度/纬度 (lon/lat), X/Y, 名称 (name),
风险等级 (重大/较大/一般/低), 容纳人数 (capacity), 负责人, 联系电话 and the like.

Coordinates may be WGS84 or CGCS2000 degrees, GCJ-02 (AMap, Tencent), BD-09 (Baidu), Web
Mercator, or CGCS2000 Gauss–Krüger metres (give the zone with --crs unless the easting carries
its zone number, e.g. 39512345.6).

If any row is wrong nothing is imported and every wrong row is listed with its row number,
column and reason; fix the file and run again, or add --skip-invalid to import the good rows.

Examples:
  onemap import hazards 隐患点.xlsx --dry-run
  onemap import shelters shelters.csv --crs gcj02 --report report.csv
  onemap import hazards 隐患点.csv --key 编号          (re-importing updates, never duplicates)
  onemap import hazards 测量成果.csv --crs EPSG:4527    (CGCS2000 3° zone 39, CM 117°E)";

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The options the arguments describe; the errors are those of an import of `a.file`.
pub fn options(layer: LayerId, a: &ImportArgs) -> Result<Options, ImportError> {
    let file = || a.file.display().to_string();
    let mut o = Options::new(layer);
    o.crs = a.crs.as_deref().map(str::parse::<Crs>).transpose().map_err(|e| ImportError::Crs {
        path: file(),
        origin: CrsOrigin::Given,
        source: e.into(),
    })?;
    o.format = a
        .format
        .as_deref()
        .map(str::parse::<Format>)
        .transpose()
        .map_err(|e| ImportError::UnknownFormat { path: file(), given: Some(e) })?;
    if let Some(m) = &a.mapping {
        let path = || m.display().to_string();
        let text = std::fs::read_to_string(m).map_err(|source| ImportError::Read { path: path(), source })?;
        o.mapping = MappingFile::from_json(&text).map_err(|source| ImportError::Mapping { path: path(), source })?;
    }
    o.key = a.key.clone();
    o.dry_run = a.dry_run;
    o.skip_invalid = a.skip_invalid;
    o.sheet = a.sheet.clone();
    o.osm_tags = a.osm_tags.clone();
    o.area = a.area.as_ref().map(|v| [v[0], v[1], v[2], v[3]]);
    Ok(o)
}

fn write_report(path: &Path, r: &survey::Report) -> Result<(), Error> {
    let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    std::fs::write(path, if json { r.to_json() } else { r.to_csv() })?;
    Ok(())
}

/// Runs the import; an error exit when nothing could be written.
pub fn run(store: &dyn Store, layer: LayerId, a: &ImportArgs) -> Result<(), Error> {
    let o = options(layer, a)?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} rows ({per_sec}, {eta})")?.progress_chars("=> "),
    );
    bar.set_message(format!("checking {}", a.file.display()));
    let mut progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let report = survey::import(store, &a.file, &o, &Writer::system(a.actor.clone()), &mut progress);
    bar.finish_and_clear();
    let report = report?;
    if let Some(p) = &a.report {
        write_report(p, &report)?;
    }
    let summary = report.summary(20);
    if report.committed {
        println!(
            "{summary}onemap: imported {} features into {layer} ({} new, {} updated)",
            report.inserted + report.updated,
            report.inserted,
            report.updated
        );
        return Ok(());
    }
    if report.dry_run && report.rows_rejected == 0 {
        println!("{summary}onemap: dry run: all {} rows are valid", report.rows_valid);
        return Ok(());
    }
    eprint!("{summary}");
    if report.rows_read == 0 {
        return Err("the file has no data rows".into());
    }
    if report.dry_run {
        return Err(format!("dry run: {} of {} rows would be rejected", report.rows_rejected, report.rows_read).into());
    }
    Err(format!(
        "{} of {} rows rejected: nothing imported (fix them, or pass --skip-invalid to import the {} valid rows)",
        report.rows_rejected, report.rows_read, report.rows_valid
    )
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use onemap_import::crs::CrsError;
    use onemap_import::survey::MappingError;

    fn args(file: &str) -> ImportArgs {
        ImportArgs {
            layer: "hazards".into(),
            file: file.into(),
            store: "unused.gpkg".into(),
            crs: None,
            key: None,
            dry_run: false,
            skip_invalid: false,
            report: None,
            mapping: None,
            sheet: None,
            format: None,
            osm_tags: None,
            area: None,
            actor: "test".into(),
        }
    }

    #[test]
    fn bad_arguments_are_import_errors_of_their_kind() {
        let e = options(LayerId::HAZARDS, &ImportArgs { crs: Some("EPSG:99999".into()), ..args("a.csv") })
            .expect_err("EPSG:99999");
        assert!(
            matches!(&e, ImportError::Crs { origin: CrsOrigin::Given, source: CrsError::Unknown(_), path } if path == "a.csv"),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("a.csv: --crs: unknown coordinate system `EPSG:99999`"), "{e}");
        let e =
            options(LayerId::HAZARDS, &ImportArgs { format: Some("dwg".into()), ..args("a.csv") }).expect_err("dwg");
        assert!(matches!(&e, ImportError::UnknownFormat { given: Some(f), .. } if f.0 == "dwg"), "{e:?}");
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.json");
        let e = options(LayerId::HAZARDS, &ImportArgs { mapping: Some(missing), ..args("a.csv") })
            .expect_err("no mapping file");
        assert!(matches!(&e, ImportError::Read { path, .. } if path.ends_with("missing.json")), "{e:?}");
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, r#"{"colums": {}}"#).expect("write");
        let e = options(LayerId::HAZARDS, &ImportArgs { mapping: Some(bad), ..args("a.csv") }).expect_err("typo");
        assert!(matches!(&e, ImportError::Mapping { source: MappingError::Json(_), .. }), "{e:?}");
        let ok = options(LayerId::HAZARDS, &ImportArgs { crs: Some("gcj02".into()), ..args("a.csv") }).expect("gcj02");
        assert_eq!(ok.crs, Some(Crs::Gcj02));
    }
}
