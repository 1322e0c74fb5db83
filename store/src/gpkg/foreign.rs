//! Reading the feature tables of any GeoPackage (a surveyor's, QGIS's, GDAL's) for import:
//! read-only, every non-BLOB column as JSON, the geometry as decoded, the table's CRS as its
//! `gpkg_spatial_ref_sys` row states it.

use super::wkb;
use crate::{Result, StoreError};
use diesel::sql_types::{BigInt, Binary, Integer, Nullable, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use geo::Geometry;
use std::path::Path;

/// One feature table, read.
#[derive(Debug, Clone)]
pub struct ForeignTable {
    pub name: String,
    /// The attribute columns, in table order (the geometry column and BLOBs left out).
    pub columns: Vec<String>,
    /// `(organization, organization_coordsys_id)`, e.g. `("EPSG", 4490)`.
    pub srs: Option<(String, i64)>,
    /// The CRS's WKT definition.
    pub definition: Option<String>,
    pub rows: Vec<ForeignRow>,
}

/// One row: its attributes by column, and its geometry (or why it could not be decoded).
#[derive(Debug, Clone)]
pub struct ForeignRow {
    pub values: serde_json::Map<String, serde_json::Value>,
    pub geometry: Option<std::result::Result<Geometry, String>>,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct GeomCol {
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Integer)]
    srs_id: i32,
}

#[derive(QueryableByName)]
struct Srs {
    #[diesel(sql_type = Text)]
    organization: String,
    #[diesel(sql_type = BigInt)]
    organization_coordsys_id: i64,
    #[diesel(sql_type = Text)]
    definition: String,
}

#[derive(QueryableByName)]
struct Col {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    ty: String,
}

#[derive(QueryableByName)]
struct DataRow {
    #[diesel(sql_type = Text)]
    j: String,
    #[diesel(sql_type = Nullable<Binary>)]
    g: Option<Vec<u8>>,
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Reads feature table `table` of the GeoPackage at `path`, or its only feature table.
pub fn read_table(path: &Path, table: Option<&str>) -> Result<ForeignTable> {
    let p = path.display().to_string();
    if !path.is_file() {
        return Err(StoreError::Corrupt(format!("{p}: no such file")));
    }
    let mut c = SqliteConnection::establish(&p).map_err(|source| StoreError::Open { path: p.clone(), source })?;
    let db = |what: &str| StoreError::db(format!("{p}: {what}"));
    let names: Vec<Name> = diesel::sql_query(
        "SELECT table_name AS name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
    )
    .load(&mut c)
    .map_err(db("not a GeoPackage (no gpkg_contents)"))?;
    let names: Vec<String> = names.into_iter().map(|n| n.name).collect();
    let name = match (table, names.as_slice()) {
        (Some(t), _) if names.iter().any(|n| n == t) => t.to_owned(),
        (Some(t), _) => {
            return Err(StoreError::Corrupt(format!("{p} has no feature table `{t}` (it has {})", names.join(", "))))
        }
        (None, [one]) => one.clone(),
        (None, []) => return Err(StoreError::Corrupt(format!("{p} has no feature table"))),
        (None, many) => {
            return Err(StoreError::Corrupt(format!(
                "{p} has {} feature tables ({}): choose one with --sheet NAME",
                many.len(),
                many.join(", ")
            )))
        }
    };
    let geom: Vec<GeomCol> =
        diesel::sql_query("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?")
            .bind::<Text, _>(&name)
            .load(&mut c)
            .map_err(db("reading gpkg_geometry_columns"))?;
    let geom = geom.into_iter().next();
    let srs = match &geom {
        Some(g) => diesel::sql_query(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
        )
        .bind::<Integer, _>(g.srs_id)
        .load::<Srs>(&mut c)
        .map_err(db("reading gpkg_spatial_ref_sys"))?
        .into_iter()
        .next(),
        None => None,
    };
    let cols: Vec<Col> = diesel::sql_query("SELECT name, type AS ty FROM pragma_table_info(?) ORDER BY cid")
        .bind::<Text, _>(&name)
        .load(&mut c)
        .map_err(db("reading the table's columns"))?;
    let gname = geom.as_ref().map(|g| g.column_name.clone());
    let columns: Vec<String> = cols
        .into_iter()
        .filter(|col| Some(&col.name) != gname.as_ref() && !col.ty.to_ascii_uppercase().contains("BLOB"))
        .map(|col| col.name)
        .collect();
    // json_object takes at most 63 name/value pairs (SQLite's 127-argument limit).
    let used: Vec<&String> = columns.iter().take(63).collect();
    let pairs: Vec<String> = used.iter().map(|col| format!("{}, {}", literal(col), ident(col))).collect();
    let sql = format!(
        "SELECT json_object({}) AS j, {} AS g FROM {} ORDER BY rowid",
        pairs.join(", "),
        gname.as_deref().map_or("NULL".to_owned(), ident),
        ident(&name)
    );
    let data: Vec<DataRow> = diesel::sql_query(sql).load(&mut c).map_err(db(&format!("reading table {name}")))?;
    let rows = data
        .into_iter()
        .map(|r| {
            let values = match serde_json::from_str::<serde_json::Value>(&r.j) {
                Ok(serde_json::Value::Object(m)) => m,
                _ => serde_json::Map::new(),
            };
            let geometry = r.g.map(|b| wkb::decode(&b).map_err(|e| e.to_string()));
            ForeignRow { values, geometry }
        })
        .collect();
    Ok(ForeignTable {
        name,
        columns: used.into_iter().cloned().collect(),
        srs: srs.as_ref().map(|s| (s.organization.clone(), s.organization_coordsys_id)),
        definition: srs.map(|s| s.definition),
        rows,
    })
}
