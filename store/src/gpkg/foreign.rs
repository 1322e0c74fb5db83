//! Reading the feature tables of any GeoPackage (a surveyor's, QGIS's, GDAL's) for import:
//! read-only, every non-BLOB column as JSON, the geometry as decoded, the table's CRS as its
//! `gpkg_spatial_ref_sys` row states it.
//!
//! The errors say what is wrong with the file without naming it (the caller knows the name it
//! wants shown, which need not be the path read: an upload's temporary file, say).

use super::wkb;
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
    pub geometry: Option<Result<Geometry, BadGeometry>>,
}

/// A geometry blob that does not decode.
#[derive(Debug, Clone, thiserror::Error)]
#[error("bad GeoPackage geometry: {0}")]
pub struct BadGeometry(#[source] pub std::sync::Arc<geozero::error::GeozeroError>);

/// Why a file cannot be read as a GeoPackage feature table.
#[derive(Debug, thiserror::Error)]
pub enum ForeignError {
    #[error("is not a file")]
    NotAFile,
    #[error("cannot be opened as an SQLite database: {0}")]
    Open(#[source] diesel::ConnectionError),
    #[error("is not a GeoPackage (no gpkg_contents): {0}")]
    NotGeoPackage(#[source] diesel::result::Error),
    #[error("has no feature table `{wanted}` (it has {})", .available.join(", "))]
    NoSuchTable { wanted: String, available: Vec<String> },
    #[error("has no feature table")]
    NoFeatureTable,
    #[error("has {} feature tables ({}): choose one with --sheet NAME", .tables.len(), .tables.join(", "))]
    SeveralTables { tables: Vec<String> },
    /// A query on a table the file lists failed: `context` says which.
    #[error("cannot be read ({context}): {source}")]
    Query {
        context: String,
        #[source]
        source: diesel::result::Error,
    },
}

impl ForeignError {
    fn query(context: impl Into<String>) -> impl FnOnce(diesel::result::Error) -> ForeignError {
        let context = context.into();
        move |source| ForeignError::Query { context, source }
    }
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
///
/// The file must exist (a missing one is reported as [`ForeignError::NotAFile`]; callers that
/// want the I/O error open it first).
pub fn read_table(path: &Path, table: Option<&str>) -> Result<ForeignTable, ForeignError> {
    if !path.is_file() {
        return Err(ForeignError::NotAFile);
    }
    let mut c = SqliteConnection::establish(&path.display().to_string()).map_err(ForeignError::Open)?;
    let names: Vec<Name> = diesel::sql_query(
        "SELECT table_name AS name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
    )
    .load(&mut c)
    .map_err(ForeignError::NotGeoPackage)?;
    let names: Vec<String> = names.into_iter().map(|n| n.name).collect();
    let name = match (table, names.as_slice()) {
        (Some(t), _) if names.iter().any(|n| n == t) => t.to_owned(),
        (Some(t), _) => return Err(ForeignError::NoSuchTable { wanted: t.to_owned(), available: names }),
        (None, [one]) => one.clone(),
        (None, []) => return Err(ForeignError::NoFeatureTable),
        (None, _) => return Err(ForeignError::SeveralTables { tables: names }),
    };
    let geom: Vec<GeomCol> =
        diesel::sql_query("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?")
            .bind::<Text, _>(&name)
            .load(&mut c)
            .map_err(ForeignError::query("reading gpkg_geometry_columns"))?;
    let geom = geom.into_iter().next();
    let srs = match &geom {
        Some(g) => diesel::sql_query(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
        )
        .bind::<Integer, _>(g.srs_id)
        .load::<Srs>(&mut c)
        .map_err(ForeignError::query("reading gpkg_spatial_ref_sys"))?
        .into_iter()
        .next(),
        None => None,
    };
    let cols: Vec<Col> = diesel::sql_query("SELECT name, type AS ty FROM pragma_table_info(?) ORDER BY cid")
        .bind::<Text, _>(&name)
        .load(&mut c)
        .map_err(ForeignError::query("reading the table's columns"))?;
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
    let data: Vec<DataRow> =
        diesel::sql_query(sql).load(&mut c).map_err(ForeignError::query(format!("reading table {name}")))?;
    let rows = data
        .into_iter()
        .map(|r| {
            let values = match serde_json::from_str::<serde_json::Value>(&r.j) {
                Ok(serde_json::Value::Object(m)) => m,
                _ => serde_json::Map::new(),
            };
            let geometry = r.g.map(|b| wkb::decode_geo(&b).map_err(|e| BadGeometry(std::sync::Arc::new(e))));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_is_wrong_without_the_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.gpkg");
        assert!(matches!(read_table(&missing, None), Err(ForeignError::NotAFile)));
        let junk = dir.path().join("junk.gpkg");
        std::fs::write(&junk, b"not a database at all, just some bytes").expect("write");
        let e = read_table(&junk, None).expect_err("junk");
        assert!(matches!(e, ForeignError::NotGeoPackage(_)), "{e:?}");
        assert!(!e.to_string().contains(&dir.path().display().to_string()), "{e}");
        let store = dir.path().join("store.gpkg");
        drop(crate::GpkgStore::open(&store).expect("store"));
        let e = read_table(&store, None).expect_err("a store has a table per layer");
        assert!(matches!(&e, ForeignError::SeveralTables { tables } if tables.len() > 1), "{e:?}");
        let e = read_table(&store, Some("volcanoes")).expect_err("no such table");
        let ForeignError::NoSuchTable { wanted, available } = &e else { panic!("{e:?}") };
        assert_eq!(wanted, "volcanoes");
        assert!(available.iter().any(|t| t == "hazards"), "{e}");
        let t = read_table(&store, Some("hazards")).expect("an empty layer table");
        assert!(t.rows.is_empty() && t.columns.iter().any(|c| c == "name"), "{:?}", t.columns);
    }
}
