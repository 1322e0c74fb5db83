//! GeoPackage 1.3 tables: the required metadata tables, one feature table per layer, and the change log.

use onemap_model::{ColumnType, LayerId};

/// `PRAGMA application_id` of a GeoPackage ("GPKG").
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version` of GeoPackage 1.3.0.
pub const USER_VERSION: i32 = 10300;
/// The SRS of every layer: WGS84 lon/lat degrees.
pub const SRS_ID: i32 = 4326;

const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;
const CGCS2000_WKT: &str = r#"GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4490"]]"#;

/// Statements that make an empty file a GeoPackage with the core tables.
pub fn core_tables() -> Vec<String> {
    vec![
        format!("PRAGMA application_id = {APPLICATION_ID}"),
        format!("PRAGMA user_version = {USER_VERSION}"),
        "CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, \
         organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)"
            .into(),
        "CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, \
         identifier TEXT UNIQUE, description TEXT DEFAULT '', \
         last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), \
         min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, \
         CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))"
            .into(),
        "CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, \
         geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, \
         CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name), \
         CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), \
         CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))"
            .into(),
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES \
         ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'), \
         ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system')"
            .into(),
        format!(
            "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES \
             ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{WGS84_WKT}', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'), \
             ('China Geodetic Coordinate System 2000', 4490, 'EPSG', 4490, '{CGCS2000_WKT}', 'CGCS2000 longitude/latitude in decimal degrees')"
        ),
        "CREATE TABLE IF NOT EXISTS onemap_accounts (name TEXT PRIMARY KEY NOT NULL, role TEXT NOT NULL, \
         township TEXT, password_hash TEXT, disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, \
         last_used_at TEXT)"
            .into(),
        "CREATE TABLE IF NOT EXISTS onemap_keys (id TEXT PRIMARY KEY NOT NULL, \
         account TEXT NOT NULL REFERENCES onemap_accounts(name), hash TEXT NOT NULL, created_at TEXT NOT NULL, \
         last_used_at TEXT)"
            .into(),
        "CREATE TABLE IF NOT EXISTS onemap_sessions (id TEXT PRIMARY KEY NOT NULL, \
         account TEXT NOT NULL REFERENCES onemap_accounts(name), hash TEXT NOT NULL, created_at TEXT NOT NULL, \
         expires_at TEXT NOT NULL)"
            .into(),
        "CREATE TABLE IF NOT EXISTS onemap_audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, \
         account TEXT, kind TEXT NOT NULL, address TEXT, target TEXT NOT NULL, detail TEXT NOT NULL)"
            .into(),
        "CREATE INDEX IF NOT EXISTS onemap_audit_at ON onemap_audit (at)".into(),
        "CREATE TABLE IF NOT EXISTS onemap_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL, \
         feature_id TEXT NOT NULL, version INTEGER NOT NULL, op TEXT NOT NULL, actor TEXT NOT NULL, \
         at DATETIME NOT NULL, properties TEXT, fid INTEGER, last_fid INTEGER, before TEXT)"
            .into(),
        "CREATE TABLE IF NOT EXISTS onemap_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)".into(),
        "CREATE INDEX IF NOT EXISTS onemap_changes_feature ON onemap_changes (layer, feature_id)".into(),
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) VALUES \
         ('onemap_changes', 'attributes', 'onemap_changes', 'change log: who changed what, when (变更记录)'), \
         ('onemap_meta', 'attributes', 'onemap_meta', 'onemap data set description')"
            .into(),
    ]
}

/// Columns the change log gained after its first release, added to older files on open:
/// `fid` (the feature's row; the first row of a batch), `last_fid` (the last row of a batch of
/// inserts logged as one line, `feature_id` = [`BATCH`]), `before` (the properties an update or
/// delete replaced).
pub const CHANGE_LOG_ADDED: [(&str, &str); 3] = [("fid", "INTEGER"), ("last_fid", "INTEGER"), ("before", "TEXT")];

/// `feature_id` of a change-log line that records a run of inserts, rows `fid..=last_fid`.
pub const BATCH: &str = "*";

/// An SQL string literal (a title declared at run time may hold a quote).
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Quotes an SQL identifier.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The fixed columns every feature table starts with, after `fid` and `geom`.
pub const META_COLUMNS: [&str; 4] = ["feature_id", "version", "created_at", "updated_at"];

/// Statements that create a layer's feature table and register it.
pub fn layer_table(layer: LayerId) -> Vec<String> {
    let t = layer.as_str();
    let mut cols = vec![
        "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_owned(),
        format!("geom {} NOT NULL", layer.geometry_kind().sf_name()),
        "feature_id TEXT NOT NULL UNIQUE".into(),
        "version INTEGER NOT NULL".into(),
        "created_at DATETIME NOT NULL".into(),
        "updated_at DATETIME NOT NULL".into(),
    ];
    for c in layer.columns() {
        let not_null = if c.required { " NOT NULL" } else { "" };
        cols.push(format!("{} {}{not_null}", ident(c.name), c.ty.gpkg_type()));
    }
    vec![
        format!("CREATE TABLE IF NOT EXISTS {} ({})", ident(t), cols.join(", ")),
        format!(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) \
             VALUES ('{t}', 'features', '{t}', {}, {SRS_ID})",
            literal(&format!("{} {}", layer.title(), layer.title_zh()))
        ),
        format!(
            "INSERT OR IGNORE INTO gpkg_geometry_columns VALUES ('{t}', 'geom', '{}', {SRS_ID}, 0, 0)",
            layer.geometry_kind().sf_name()
        ),
    ]
}

/// The SELECT that reads a layer back, with the properties assembled as one JSON object.
pub fn select_layer(layer: LayerId) -> String {
    let props: Vec<String> = layer
        .columns()
        .iter()
        .map(|c| {
            let col = ident(c.name);
            let value = match c.ty {
                ColumnType::Boolean => {
                    format!("json(CASE WHEN {col} IS NULL THEN 'null' WHEN {col} THEN 'true' ELSE 'false' END)")
                }
                ColumnType::Json => format!("json(COALESCE({col}, 'null'))"),
                _ => col,
            };
            format!("{}, {value}", literal(c.name))
        })
        .collect();
    format!(
        "SELECT fid, geom, feature_id, version, created_at, updated_at, json_object({}) AS props FROM {} ORDER BY fid",
        props.join(", "),
        ident(layer.as_str())
    )
}

/// `INSERT` of `n` rows in one statement (one parse for many rows), each with explicit fid:
/// `?` placeholders for fid, geom, meta and property columns.
pub fn insert_rows(layer: LayerId, n: usize) -> String {
    let mut names = vec!["fid".to_owned(), "geom".into()];
    names.extend(META_COLUMNS.iter().map(|s| (*s).to_owned()));
    names.extend(layer.columns().iter().map(|c| ident(c.name)));
    let one = format!("({})", vec!["?"; names.len()].join(", "));
    format!("INSERT INTO {} ({}) VALUES {}", ident(layer.as_str()), names.join(", "), vec![one; n].join(", "))
}

/// Bound values per inserted row of `layer`.
pub fn insert_width(layer: LayerId) -> usize {
    2 + META_COLUMNS.len() + layer.columns().len()
}

/// `UPDATE` of one row by fid: geom, version, updated_at, then the property columns, then fid.
pub fn update_row(layer: LayerId) -> String {
    let mut sets = vec!["geom = ?".to_owned(), "version = ?".into(), "updated_at = ?".into()];
    sets.extend(layer.columns().iter().map(|c| format!("{} = ?", ident(c.name))));
    format!("UPDATE {} SET {} WHERE fid = ?", ident(layer.as_str()), sets.join(", "))
}
