//! The survey importer end to end on fixtures the tests generate: an Excel sheet, a GBK CSV as
//! Excel saves it, GCJ-02 and Gauss–Krüger coordinates, a keyed re-import, and bad files that
//! must leave the store unchanged with a report naming the rows.

use onemap_import::crs::{Crs, CrsError};
use onemap_import::survey::{self, FileError, IssueKind, MappingError, MappingFile, Options, Severity};
use onemap_import::{CrsOrigin, ImportError};
use onemap_model::{LayerId, Scope};
use onemap_store::{GpkgStore, Query, Store, Writer};
use std::path::{Path, PathBuf};

struct Fixture {
    dir: tempfile::TempDir,
    store: GpkgStore,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = GpkgStore::open(dir.path().join("s.gpkg")).expect("store");
        Fixture { dir, store }
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).expect("write fixture");
        p
    }

    fn import(&self, path: &Path, o: &Options) -> survey::Report {
        survey::import(&self.store, path, o, &Writer::system("test"), &mut |_: usize, _: usize| {})
            .expect("import runs")
    }

    fn try_import(&self, path: &Path, o: &Options) -> Result<survey::Report, ImportError> {
        survey::import(&self.store, path, o, &Writer::system("test"), &mut |_: usize, _: usize| {})
    }

    fn count(&self, layer: LayerId) -> usize {
        self.store.summary(layer, &Scope::All).count
    }

    fn all(&self, layer: LayerId) -> Vec<std::sync::Arc<onemap_model::Feature>> {
        self.store.query(layer, &Query { limit: usize::MAX, ..Query::default() }, &Scope::All).expect("query").features
    }
}

fn lonlat(f: &onemap_model::Feature) -> (f64, f64) {
    match &f.geometry {
        geo::Geometry::Point(p) => (p.x(), p.y()),
        g => panic!("not a point: {g:?}"),
    }
}

const HAZARD_ROWS: &[(&str, f64, f64, &str, i64)] = &[
    ("HZ-001", 104.0612, 30.6598, "重大", 120),
    ("HZ-002", 104.0725, 30.6631, "较大", 45),
    ("HZ-003", 104.0833, 30.6702, "一般", 8),
    ("HZ-004", 104.0951, 30.6811, "低", 0),
];

fn csv_text(rows: &[(&str, f64, f64, &str, i64)]) -> String {
    let mut s = String::from("编号,隐患点名称,灾害类型,经度,纬度,风险等级,受威胁人数（人）,乡镇代码,负责人,联系电话\n");
    for (id, lon, lat, risk, people) in rows {
        s.push_str(&format!("{id},{id}号滑坡,滑坡,{lon},{lat},{risk},{people},510104001,张三,13800000000\n"));
    }
    s
}

#[test]
fn a_gbk_csv_as_excel_saves_it_imports_with_chinese_headers_and_values() {
    let fx = Fixture::new();
    let text = csv_text(HAZARD_ROWS);
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let path = fx.file("隐患点.csv", &gbk);
    let r = fx.import(&path, &Options::new(LayerId::HAZARDS));
    assert!(r.committed, "{}", r.summary(10));
    assert_eq!((r.rows_read, r.inserted), (4, 4));
    assert!(r.notes.iter().any(|n| n.contains("GBK")), "{:?}", r.notes);
    let fs = fx.all(LayerId::HAZARDS);
    let f = fs.iter().find(|f| f.properties.to_json()["name"] == "HZ-001号滑坡").expect("HZ-001");
    let p = f.properties.to_json();
    assert_eq!(
        (p["risk_level"].as_str(), p["threatened_people"].as_i64(), p["kind"].as_str()),
        (Some("major"), Some(120), Some("landslide"))
    );
    assert_eq!(p["responsible"], "张三");
    assert_eq!(lonlat(f), (104.0612, 30.6598));
}

#[test]
fn an_excel_sheet_imports_with_numbers_dates_and_booleans() {
    let fx = Fixture::new();
    let path = fx.dir.path().join("shelters.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("避难场所").expect("name");
    for (c, h) in ["名称", "类型", "容纳人数", "已开放", "经度", "纬度", "乡镇"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    let rows = [
        ("人民公园", "park", 3000.0, "是", 104.0551, 30.6627),
        ("七中操场", "school", 1200.0, "否", 104.0410, 30.6512),
    ];
    for (i, (name, kind, cap, open, lon, lat)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *name).expect("cell");
        sheet.write_string(r, 1, *kind).expect("cell");
        sheet.write_number(r, 2, *cap).expect("cell");
        sheet.write_string(r, 3, *open).expect("cell");
        sheet.write_number(r, 4, *lon).expect("cell");
        sheet.write_number(r, 5, *lat).expect("cell");
        sheet.write_string(r, 6, "510104001").expect("cell");
    }
    book.save(&path).expect("save xlsx");
    let r = fx.import(&path, &Options::new(LayerId::SHELTERS));
    assert!(r.committed, "{}", r.summary(10));
    let fs = fx.all(LayerId::SHELTERS);
    let park = fs.iter().find(|f| f.properties.to_json()["name"] == "人民公园").expect("park").properties.to_json();
    assert_eq!((park["capacity"].as_i64(), park["open"].as_bool()), (Some(3000), Some(true)));
    assert!(r.notes.iter().any(|n| n.contains("避难场所")), "{:?}", r.notes);
}

#[test]
fn gcj02_and_gauss_kruger_inputs_land_on_the_wgs84_position() {
    let fx = Fixture::new();
    // The same four points written in GCJ-02 (as copied from AMap).
    let gcj: Vec<_> = HAZARD_ROWS
        .iter()
        .map(|(id, lon, lat, risk, n)| {
            let (x, y) = Crs::Gcj02.from_lonlat(*lon, *lat);
            (*id, x, y, *risk, *n)
        })
        .collect();
    let path = fx.file("gcj.csv", csv_text(&gcj).as_bytes());
    let mut o = Options::new(LayerId::HAZARDS);
    o.crs = Some(Crs::Gcj02);
    let r = fx.import(&path, &o);
    assert!(r.committed, "{}", r.summary(10));
    // Gauss–Krüger 3° zone 35 (CM 105°E) with the zone prefix, X = northing as surveyors write it.
    let gk: Crs = "EPSG:4523".parse().expect("crs");
    let mut s = String::from("编号,名称,类型,X,Y,风险等级,乡镇代码\n");
    for (id, lon, lat, risk, _) in HAZARD_ROWS {
        let (e, n) = gk.from_lonlat(*lon, *lat);
        s.push_str(&format!("GK-{id},{id},崩塌,{n:.4},{e:.4},{risk},510104001\n"));
    }
    let path = fx.file("gk.csv", s.as_bytes());
    let r = fx.import(&path, &Options::new(LayerId::HAZARDS));
    assert!(r.committed, "{}", r.summary(10));
    assert!(r.crs.contains("4523"), "{}", r.crs);
    assert!(r.notes.iter().any(|n| n.contains("northing")), "{:?}", r.notes);
    let fs = fx.all(LayerId::HAZARDS);
    assert_eq!(fs.len(), 8);
    for (id, lon, lat, _, _) in HAZARD_ROWS {
        for name in [format!("{id}号滑坡"), (*id).to_owned()] {
            let f = fs.iter().find(|f| f.properties.to_json()["name"] == name.as_str()).expect("imported");
            let (x, y) = lonlat(f);
            // 1e-8° ≈ 1 mm.
            assert!((x - lon).abs() < 1e-8 && (y - lat).abs() < 1e-8, "{name}: {x} {y} vs {lon} {lat}");
        }
    }
}

#[test]
fn bad_rows_are_reported_by_row_and_column_and_nothing_is_written() {
    let fx = Fixture::new();
    let text = "编号,名称,类型,经度,纬度,风险等级,受威胁人数,乡镇代码\n\
                A1,好的,滑坡,104.06,30.66,重大,10,510104001\n\
                A2,坏的人数,滑坡,104.06,30.66,重大,很多,510104001\n\
                A3,坏的等级,滑坡,104.06,30.66,红色,10,510104001\n\
                A4,坏的坐标,滑坡,NaN,30.66,重大,10,510104001\n\
                A5,没有乡镇,滑坡,104.06,30.66,重大,10,\n\
                A1,重复编号,滑坡,104.06,30.66,重大,10,510104001\n";
    let path = fx.file("bad.csv", text.as_bytes());
    let mut o = Options::new(LayerId::HAZARDS);
    o.key = Some("编号".into());
    let r = fx.import(&path, &o);
    assert!(!r.committed);
    assert_eq!(fx.count(LayerId::HAZARDS), 0, "an all-or-nothing import with bad rows writes nothing");
    let rejected: Vec<(usize, Option<&str>)> = r.rejected().map(|i| (i.row, i.column.as_deref())).collect();
    assert_eq!(
        rejected,
        [(3, Some("受威胁人数")), (4, Some("风险等级")), (5, Some("经度")), (6, Some("乡镇代码")), (7, Some("编号"))],
        "{}",
        r.summary(10)
    );
    // What each is about, for a program: a value, a coordinate, a missing property, the key.
    let kinds: Vec<IssueKind> = r.rejected().map(|i| i.kind).collect();
    use IssueKind::{Coordinate, Key, Property, Value};
    assert_eq!(kinds, [Value, Value, Coordinate, Property, Key], "{}", r.summary(10));
    assert!(r.to_json().contains(r#""kind": "coordinate""#));
    let csv = r.to_csv();
    assert!(csv.starts_with('\u{feff}') && csv.contains("duplicate key: row 2 has it too"), "{csv}");
    // Skipping the invalid rows imports the one good row.
    o.skip_invalid = true;
    let r = fx.import(&path, &o);
    assert!(r.committed);
    assert_eq!((r.inserted, fx.count(LayerId::HAZARDS)), (1, 1));
}

#[test]
fn a_keyed_reimport_updates_instead_of_duplicating() {
    let fx = Fixture::new();
    let path = fx.file("v1.csv", csv_text(HAZARD_ROWS).as_bytes());
    let mut o = Options::new(LayerId::HAZARDS);
    o.key = Some("编号".into());
    assert_eq!(fx.import(&path, &o).inserted, 4);
    let mut rows = HAZARD_ROWS.to_vec();
    rows[0].3 = "低";
    rows.push(("HZ-005", 104.1, 30.7, "一般", 3));
    let path = fx.file("v2.csv", csv_text(&rows).as_bytes());
    let r = fx.import(&path, &o);
    assert_eq!((r.inserted, r.updated), (1, 4), "{}", r.summary(10));
    assert_eq!(fx.count(LayerId::HAZARDS), 5);
    let hz1 = fx.store.get(LayerId::HAZARDS, "HZ-001", &Scope::All).expect("HZ-001");
    assert_eq!((hz1.version, hz1.properties.to_json()["risk_level"].as_str()), (2, Some("low")));
    // The same file again changes nothing but versions.
    assert_eq!(fx.import(&path, &o).inserted, 0);
    assert_eq!(fx.count(LayerId::HAZARDS), 5);
}

#[test]
fn swapped_columns_dry_runs_and_unreadable_files() {
    let fx = Fixture::new();
    let text = "名称,类型,经度,纬度,风险等级,乡镇代码\n甲,滑坡,30.66,104.06,重大,510104001\n乙,滑坡,30.67,104.07,一般,510104001\n";
    let path = fx.file("swapped.csv", text.as_bytes());
    let mut o = Options::new(LayerId::HAZARDS);
    o.dry_run = true;
    let r = fx.import(&path, &o);
    assert!(r.notes.iter().any(|n| n.contains("swapped")), "{:?}", r.notes);
    assert_eq!((r.rows_valid, r.committed, fx.count(LayerId::HAZARDS)), (2, false, 0));
    o.dry_run = false;
    let r = fx.import(&path, &o);
    assert!(r.committed);
    let (x, y) = lonlat(&fx.all(LayerId::HAZARDS)[0]);
    assert!(x > 100.0 && y < 40.0);
    // Not a CSV at all (random bytes), a truncated spreadsheet, no coordinate columns.
    let e = survey::import(
        &fx.store,
        &fx.file("junk.csv", &[0x81, 0x20, 0xFF, 0xFF, 0x00]),
        &o,
        &Writer::system("t"),
        &mut |_: usize, _: usize| {},
    )
    .expect_err("junk");
    assert!(e.to_string().contains("neither UTF-8 nor GBK"), "{e}");
    let e = survey::import(
        &fx.store,
        &fx.file("cut.xlsx", b"PK\x03\x04 truncated"),
        &o,
        &Writer::system("t"),
        &mut |_: usize, _: usize| {},
    )
    .expect_err("truncated xlsx");
    assert!(e.to_string().contains("cut.xlsx"), "{e}");
    let e = survey::import(
        &fx.store,
        &fx.file("nocoords.csv", "名称,地址\n甲,某街\n".as_bytes()),
        &o,
        &Writer::system("t"),
        &mut |_: usize, _: usize| {},
    )
    .expect_err("no coordinates");
    assert!(e.to_string().contains("no coordinate columns"), "{e}");
    assert_eq!(fx.count(LayerId::HAZARDS), 2);
}

#[test]
fn geojson_with_an_invalid_polygon_is_repaired_and_said_so() {
    let fx = Fixture::new();
    let fc = serde_json::json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "z1", "properties": {"名称": "蝴蝶区", "类型": "landslide", "风险等级": "重大", "乡镇代码": "510104001"},
         "geometry": {"type": "Polygon", "coordinates": [[[104.0, 30.0], [104.1, 30.1], [104.1, 30.0], [104.0, 30.1], [104.0, 30.0]]]}}
    ]});
    let path = fx.file("zones.geojson", fc.to_string().as_bytes());
    let r = fx.import(&path, &Options::new(LayerId::RISK_ZONES));
    assert!(r.committed, "{}", r.summary(10));
    assert!(
        r.issues.iter().any(|i| i.severity == Severity::Repaired && i.row == 1 && i.kind == IssueKind::Geometry),
        "{}",
        r.summary(10)
    );
    let z = fx.store.get(LayerId::RISK_ZONES, "z1", &Scope::All).expect("z1");
    assert!(geo::Validation::is_valid(&z.geometry));
}

#[test]
fn kml_placemarks_import_with_their_extended_data() {
    let fx = Fixture::new();
    let kml = r#"<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
      <Placemark><name>北坡滑坡</name><ExtendedData><Data name="风险等级"><value>较大</value></Data>
        <Data name="类型"><value>滑坡</value></Data><Data name="乡镇代码"><value>510104001</value></Data></ExtendedData>
        <Point><coordinates>104.061,30.659,512</coordinates></Point></Placemark>
      <Placemark><name>断面</name><LineString><coordinates>104.0,30.0 104.1,30.1</coordinates></LineString></Placemark>
    </Document></kml>"#;
    let path = fx.file("points.kml", kml.as_bytes());
    let r = fx.import(&path, &Options::new(LayerId::HAZARDS));
    assert!(!r.committed);
    assert_eq!(r.rejected().map(|i| i.row).collect::<Vec<_>>(), [2], "{}", r.summary(10));
    let mut o = Options::new(LayerId::HAZARDS);
    o.skip_invalid = true;
    let r = fx.import(&path, &o);
    assert_eq!(r.inserted, 1);
    let f = &fx.all(LayerId::HAZARDS)[0];
    assert_eq!(f.properties.to_json()["risk_level"], "large");
    assert_eq!(lonlat(f), (104.061, 30.659));
}

/// A sheet as township offices make them: a merged title row, then a header over two rows
/// ("坐标" merged over 经度/纬度, "名称" merged down across both), then the data. Rows are
/// reported by their sheet row numbers.
#[test]
fn an_excel_sheet_with_a_title_and_a_two_row_header_imports() {
    let fx = Fixture::new();
    let path = fx.dir.path().join("台账.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let fmt = rust_xlsxwriter::Format::new();
    sheet.merge_range(0, 0, 0, 5, "河口镇地质灾害隐患点台账（2026年）", &fmt).expect("title");
    sheet.merge_range(1, 0, 2, 0, "名称", &fmt).expect("name");
    sheet.merge_range(1, 1, 1, 2, "坐标", &fmt).expect("coords");
    sheet.write_string(2, 1, "经度").expect("lon");
    sheet.write_string(2, 2, "纬度").expect("lat");
    sheet.merge_range(1, 3, 2, 3, "风险等级", &fmt).expect("risk");
    sheet.merge_range(1, 4, 2, 4, "类型", &fmt).expect("kind");
    sheet.merge_range(1, 5, 2, 5, "乡镇代码", &fmt).expect("township");
    let rows = [
        ("后山滑坡", 104.061, 30.661, "重大"),
        ("河堤管涌", 104.071, 30.671, "较大"),
        ("老屋", 104.081, 30.681, "特大"),
    ];
    for (i, (name, lon, lat, risk)) in rows.iter().enumerate() {
        let r = i as u32 + 3;
        sheet.write_string(r, 0, *name).expect("cell");
        sheet.write_number(r, 1, *lon).expect("cell");
        sheet.write_number(r, 2, *lat).expect("cell");
        sheet.write_string(r, 3, *risk).expect("cell");
        sheet.write_string(r, 4, "滑坡").expect("cell");
        sheet.write_string(r, 5, "510104001").expect("cell");
    }
    book.save(&path).expect("save xlsx");
    // All or nothing: the third data row (sheet row 6) has an unknown risk level.
    let r = fx.import(&path, &Options::new(LayerId::HAZARDS));
    assert!(!r.committed);
    let bad: Vec<_> = r.issues.iter().filter(|i| i.severity == Severity::Rejected).collect();
    assert_eq!(bad.len(), 1, "{}", r.summary(10));
    assert_eq!(bad[0].row, 6, "{}", r.summary(10));
    assert_eq!(bad[0].column.as_deref(), Some("风险等级"));
    assert!(r.notes.iter().any(|n| n.contains("header is row 3")), "{:?}", r.notes);
    assert_eq!(fx.count(LayerId::HAZARDS), 0);
    let mut o = Options::new(LayerId::HAZARDS);
    o.skip_invalid = true;
    let r = fx.import(&path, &o);
    assert!(r.committed, "{}", r.summary(10));
    assert_eq!(fx.count(LayerId::HAZARDS), 2);
    let f =
        fx.all(LayerId::HAZARDS).into_iter().find(|f| f.properties.to_json()["name"] == "后山滑坡").expect("imported");
    assert_eq!(f.properties.to_json()["risk_level"], "major");
}

#[test]
fn a_caller_can_tell_what_kind_of_failure_an_import_is() {
    const _: () = {
        const fn sendable<T: Send + Sync + 'static>() {}
        sendable::<ImportError>();
    };
    let fx = Fixture::new();
    let o = Options::new(LayerId::HAZARDS);
    // Not there: an I/O error, whatever the format.
    for name in ["missing.csv", "missing.xlsx", "missing.gpkg", "missing.shp", "missing.osm.pbf"] {
        let e = fx.try_import(&fx.dir.path().join(name), &o).expect_err(name);
        assert!(
            matches!(&e, ImportError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
            "{name}: {e:?}"
        );
    }
    // A broken spreadsheet: the file, unreadable as its format, with calamine's error as the source.
    let e = fx.try_import(&fx.file("cut.xlsx", b"PK\x03\x04 truncated"), &o).expect_err("cut");
    assert!(matches!(&e, ImportError::File { source: FileError::Spreadsheet(_), .. }), "{e:?}");
    assert!(std::error::Error::source(&e).and_then(|s| s.source()).is_some(), "the chain goes on: {e:?}");
    // No such sheet: the sheets there are listed.
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("数据").expect("name");
    let xlsx = fx.dir.path().join("one-sheet.xlsx");
    book.save(&xlsx).expect("save");
    let e = fx.try_import(&xlsx, &Options { sheet: Some("统计".into()), ..o.clone() }).expect_err("no such sheet");
    let ImportError::File { source: FileError::NoSuchSheet { wanted, available }, .. } = &e else { panic!("{e:?}") };
    assert_eq!((wanted.as_str(), available.as_slice()), ("统计", &["数据".to_owned()][..]));
    // A broken GeoPackage: its name, not the directory it was read from (the caller names it).
    let junk = fx.file("junk.gpkg", b"not a database");
    let named = Options { name: Some("上传.gpkg".into()), ..o.clone() };
    let e = fx.try_import(&junk, &named).expect_err("junk gpkg");
    assert!(matches!(&e, ImportError::File { source: FileError::GeoPackage(_), path } if path == "上传.gpkg"), "{e:?}");
    assert!(!e.to_string().contains(&fx.dir.path().display().to_string()), "{e}");
    // Text in no known encoding.
    let e = fx.try_import(&fx.file("junk.csv", &[0x81, 0x20, 0xFF, 0xFF, 0x00]), &o).expect_err("junk csv");
    assert!(matches!(&e, ImportError::File { source: FileError::Encoding(_), .. }), "{e:?}");
    // An unknown file type.
    let e = fx.try_import(&fx.file("survey.dat", b"x"), &o).expect_err("dat");
    assert!(matches!(&e, ImportError::UnknownFormat { given: None, .. }), "{e:?}");
    // CRS problems: a mapping file's unknown code, a file's own unknown code, projected values without a zone.
    let csv =
        fx.file("ok.csv", "名称,类型,经度,纬度,风险等级,乡镇代码\n甲,滑坡,104.06,30.66,重大,510104001\n".as_bytes());
    let mapping = MappingFile { crs: Some("EPSG:99999".into()), ..MappingFile::default() };
    let e = fx.try_import(&csv, &Options { mapping, ..o.clone() }).expect_err("EPSG:99999");
    assert!(
        matches!(&e, ImportError::Crs { origin: CrsOrigin::MappingFile, source: CrsError::Unknown(u), .. } if u.0 == "EPSG:99999"),
        "{e:?}"
    );
    let fc = r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:99999"}}, "features": []}"#;
    let e = fx.try_import(&fx.file("odd.geojson", fc.as_bytes()), &o).expect_err("declared EPSG:99999");
    assert!(matches!(&e, ImportError::Crs { origin: CrsOrigin::File, source: CrsError::Unknown(_), .. }), "{e:?}");
    let metres = fx.file("metres.csv", "名称,X,Y\n甲,3395000,512000\n".as_bytes());
    let e = fx.try_import(&metres, &o).expect_err("no zone");
    assert!(
        matches!(&e, ImportError::Crs { origin: CrsOrigin::Values, source: CrsError::Undetermined { .. }, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("--crs"), "{e}");
    // Mapping problems: a mapping file naming a property the layer lacks; no coordinate columns.
    let mapping =
        MappingFile { columns: [("名称".to_owned(), "colour".to_owned())].into(), ..MappingFile::default() };
    let e = fx.try_import(&csv, &Options { mapping, ..o.clone() }).expect_err("colour");
    assert!(
        matches!(&e, ImportError::Mapping { source: MappingError::UnknownTarget { name, .. }, .. } if name == "colour"),
        "{e:?}"
    );
    let e = fx.try_import(&fx.file("nocoords.csv", "名称,地址\n甲,某街\n".as_bytes()), &o).expect_err("no coordinates");
    assert!(matches!(&e, ImportError::Mapping { source: MappingError::NoCoordinateColumns { .. }, .. }), "{e:?}");
    // The key column.
    let e = fx.try_import(&csv, &Options { key: Some("编号".into()), ..o.clone() }).expect_err("no 编号");
    assert!(matches!(&e, ImportError::Key { source, .. } if source.key == "编号"), "{e:?}");
    // And a good file still imports.
    assert!(fx.try_import(&csv, &o).expect("ok.csv").committed);
}
