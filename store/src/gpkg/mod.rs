//! The embedded store: one GeoPackage 1.3 file (SQLite through diesel, WAL journal,
//! `synchronous=FULL`, so a write that returned survives `kill -9` and power loss).

mod accounts;
mod audit;
pub mod foreign;
pub mod schema;
mod stmt;
pub mod wkb;

use crate::indexed::{Change, IndexedStore, Persist};
use crate::{ChangeOp, ChangeRecord, DatasetInfo, Result, StoreError};
use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Binary, Double, Integer, Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use onemap_model::{format_timestamp, Feature, LayerId, Properties, Registry, SqlValue};
use std::path::{Path, PathBuf};

/// The embedded store: a GeoPackage file with the layers in memory.
pub type GpkgStore = IndexedStore<GpkgFile>;

impl GpkgStore {
    /// Opens (creating if missing) a GeoPackage with the built-in layers and loads them into memory.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, Registry::builtin())
    }

    /// Opens (creating if missing) a GeoPackage holding the layers of `registry` (a table is
    /// created for any it lacks) and loads them into memory.
    pub fn open_with(path: impl AsRef<Path>, registry: Registry) -> Result<Self> {
        let file = GpkgFile::open(path.as_ref(), &registry)?;
        IndexedStore::new("gpkg", file, registry)
    }
}

/// The durable half of [`GpkgStore`].
pub struct GpkgFile {
    path: PathBuf,
    conn: SqliteConnection,
}

type Query<'a> = BoxedSqlQuery<'a, Sqlite, diesel::query_builder::SqlQuery>;

/// Rows per multi-row `INSERT`: well under SQLite's 32,766 bound variables for the widest layer.
const INSERT_CHUNK: usize = 500;

fn bind(q: Query<'_>, v: SqlValue) -> Query<'_> {
    match v {
        SqlValue::Null => q.bind::<Nullable<BigInt>, _>(None::<i64>),
        SqlValue::Integer(i) => q.bind::<BigInt, _>(i),
        SqlValue::Real(f) => q.bind::<Double, _>(f),
        SqlValue::Text(s) => q.bind::<Text, _>(s),
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    fid: i64,
    #[diesel(sql_type = Binary)]
    geom: Vec<u8>,
    #[diesel(sql_type = Text)]
    feature_id: String,
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Text)]
    created_at: String,
    #[diesel(sql_type = Text)]
    updated_at: String,
    #[diesel(sql_type = Text)]
    props: String,
}

#[derive(QueryableByName)]
struct MetaRow {
    #[diesel(sql_type = Text)]
    value: String,
}

#[derive(QueryableByName)]
struct Seq {
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

#[derive(QueryableByName)]
struct Pragma {
    #[diesel(sql_type = Integer)]
    value: i32,
}

#[derive(QueryableByName)]
struct LogRow {
    #[diesel(sql_type = Text)]
    feature_id: String,
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Text)]
    op: String,
    #[diesel(sql_type = Text)]
    actor: String,
    #[diesel(sql_type = Text)]
    at: String,
    #[diesel(sql_type = Nullable<Text>)]
    properties: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    fid: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    before: Option<String>,
}

#[derive(QueryableByName)]
struct ColumnName {
    #[diesel(sql_type = Text)]
    name: String,
}

fn parse_time(what: &str, s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("{what}: bad timestamp `{s}`: {e}")))
}

impl GpkgFile {
    /// Opens or creates the file, sets WAL + FULL sync, and makes sure every table exists.
    pub fn open(path: &Path, registry: &Registry) -> Result<Self> {
        let existed = path.exists();
        let url = path.to_string_lossy().into_owned();
        let mut conn =
            SqliteConnection::establish(&url).map_err(|source| StoreError::Open { path: url.clone(), source })?;
        conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY;")
            .map_err(StoreError::db("setting pragmas"))?;
        if existed {
            let app: Vec<Pragma> = diesel::sql_query("SELECT application_id AS value FROM pragma_application_id")
                .load(&mut conn)
                .map_err(StoreError::db(format!("reading {url}")))?;
            let id = app.first().map_or(0, |p| p.value);
            if id != schema::APPLICATION_ID && id != 0 {
                return Err(StoreError::Corrupt(format!("{url} is not a GeoPackage (application_id {id:#x})")));
            }
        }
        let mut file = GpkgFile { path: path.to_owned(), conn };
        file.create_tables(registry)?;
        Ok(file)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn create_tables(&mut self, registry: &Registry) -> Result<()> {
        let mut stmts = schema::core_tables();
        for &layer in registry.layers() {
            stmts.extend(schema::layer_table(layer));
        }
        self.conn
            .transaction(|c| {
                for s in &stmts {
                    c.batch_execute(s)?;
                }
                let have: Vec<ColumnName> =
                    diesel::sql_query("SELECT name FROM pragma_table_info('onemap_changes')").load(c)?;
                for (name, ty) in schema::CHANGE_LOG_ADDED {
                    if !have.iter().any(|h| h.name == name) {
                        c.batch_execute(&format!("ALTER TABLE onemap_changes ADD COLUMN {name} {ty}"))?;
                    }
                }
                Ok(())
            })
            .map_err(StoreError::db("creating the GeoPackage tables"))
    }

    fn next_fid(c: &mut SqliteConnection, layer: LayerId) -> diesel::QueryResult<i64> {
        let rows: Vec<Seq> = diesel::sql_query(format!(
            "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{0}'), (SELECT MAX(fid) FROM {1}), 0) AS seq",
            layer.as_str(),
            schema::ident(layer.as_str())
        ))
        .load(c)?;
        Ok(rows.first().map_or(0, |r| r.seq) + 1)
    }

    fn write_change(
        c: &mut SqliteConnection,
        layer: LayerId,
        change: &Change,
        row: i64,
        geom: Vec<u8>,
    ) -> diesel::QueryResult<()> {
        match change {
            Change::Insert(_) => Self::insert_many(c, layer, std::slice::from_ref(change), &[row], vec![geom])?,
            Change::Update { feature: f, .. } => {
                let mut q = diesel::sql_query(schema::update_row(layer))
                    .into_boxed()
                    .bind::<Binary, _>(geom)
                    .bind::<BigInt, _>(f.version)
                    .bind::<Text, _>(format_timestamp(f.updated));
                for v in f.properties.sql_values() {
                    q = bind(q, v);
                }
                if q.bind::<BigInt, _>(row).execute(c)? != 1 {
                    return Err(diesel::result::Error::NotFound);
                }
            }
            Change::Delete { .. } => {
                diesel::sql_query(format!("DELETE FROM {} WHERE fid = ?", schema::ident(layer.as_str())))
                    .bind::<BigInt, _>(row)
                    .execute(c)?;
            }
        }
        Ok(())
    }

    /// Inserts a run of new features in one statement (cached: full chunks share their SQL).
    fn insert_many(
        c: &mut SqliteConnection,
        layer: LayerId,
        changes: &[Change],
        rows: &[i64],
        geoms: Vec<Vec<u8>>,
    ) -> diesel::QueryResult<()> {
        let mut binds = Vec::with_capacity(changes.len() * schema::insert_width(layer));
        for ((change, row), geom) in changes.iter().zip(rows).zip(geoms) {
            let f = change.feature();
            binds.extend([
                stmt::Bind::Int(*row),
                stmt::Bind::Blob(geom),
                stmt::Bind::Text(f.id.clone()),
                stmt::Bind::Int(f.version),
                stmt::Bind::Text(format_timestamp(f.created)),
                stmt::Bind::Text(format_timestamp(f.updated)),
            ]);
            binds.extend(f.properties.sql_values().into_iter().map(|v| match v {
                SqlValue::Null => stmt::Bind::Null,
                SqlValue::Integer(i) => stmt::Bind::Int(i),
                SqlValue::Real(r) => stmt::Bind::Real(r),
                SqlValue::Text(t) => stmt::Bind::Text(t),
            }));
        }
        stmt::execute(c, &schema::insert_rows(layer, changes.len()), &binds).map(|_| ())
    }

    /// The change log of a run of inserts: one line for the whole run (rows `first..=last`,
    /// no properties: they are the rows themselves until an update or delete logs them as
    /// `before`); a single insert gets its own line with its properties.
    fn log_inserts(
        c: &mut SqliteConnection,
        layer: LayerId,
        changes: &[Change],
        rows: &[i64],
        actor: &str,
    ) -> diesel::QueryResult<()> {
        let (Some(first), Some(&start), Some(&end)) = (changes.first(), rows.first(), rows.last()) else {
            return Ok(());
        };
        if changes.len() == 1 {
            return Self::log_change(c, layer, first, start, actor);
        }
        diesel::sql_query(
            "INSERT INTO onemap_changes (layer, feature_id, version, op, actor, at, fid, last_fid) VALUES (?, ?, 1, ?, ?, ?, ?, ?)",
        )
        .bind::<Text, _>(layer.as_str())
        .bind::<Text, _>(schema::BATCH)
        .bind::<Text, _>(ChangeOp::Insert.as_str())
        .bind::<Text, _>(actor)
        .bind::<Text, _>(format_timestamp(first.feature().updated))
        .bind::<BigInt, _>(start)
        .bind::<BigInt, _>(end)
        .execute(c)?;
        Ok(())
    }

    fn log_change(
        c: &mut SqliteConnection,
        layer: LayerId,
        change: &Change,
        row: i64,
        actor: &str,
    ) -> diesel::QueryResult<()> {
        let json = |p: &Properties| serde_json::Value::Object(p.to_json()).to_string();
        let (op, after, before) = match change {
            Change::Insert(f) => (ChangeOp::Insert, Some(json(&f.properties)), None),
            Change::Update { feature, before, .. } => {
                (ChangeOp::Update, Some(json(&feature.properties)), Some(json(before)))
            }
            Change::Delete { old, .. } => (ChangeOp::Delete, None, Some(json(&old.properties))),
        };
        let f = change.feature();
        diesel::sql_query(
            "INSERT INTO onemap_changes (layer, feature_id, version, op, actor, at, properties, fid, before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind::<Text, _>(layer.as_str())
        .bind::<Text, _>(&f.id)
        .bind::<BigInt, _>(f.version)
        .bind::<Text, _>(op.as_str())
        .bind::<Text, _>(actor)
        .bind::<Text, _>(format_timestamp(f.updated))
        .bind::<Nullable<Text>, _>(after)
        .bind::<BigInt, _>(row)
        .bind::<Nullable<Text>, _>(before)
        .execute(c)?;
        Ok(())
    }

    /// Grows the layer's extent in gpkg_contents to cover the written features and stamps last_change.
    fn touch_contents(c: &mut SqliteConnection, layer: LayerId, changes: &[Change]) -> diesel::QueryResult<()> {
        let mut env: Option<[f64; 4]> = None;
        for ch in changes {
            if matches!(ch, Change::Delete { .. }) {
                continue;
            }
            if let Some(r) = crate::indexed::envelope(&ch.feature().geometry) {
                let (lo, hi) = (r.lower(), r.upper());
                env = Some(match env {
                    None => [lo[0], lo[1], hi[0], hi[1]],
                    Some(e) => [e[0].min(lo[0]), e[1].min(lo[1]), e[2].max(hi[0]), e[3].max(hi[1])],
                });
            }
        }
        let now = format_timestamp(crate::indexed::plan::now());
        let q = match env {
            Some(_) => diesel::sql_query(
                "UPDATE gpkg_contents SET last_change = ?1, \
                 min_x = MIN(COALESCE(min_x, ?2), ?2), min_y = MIN(COALESCE(min_y, ?3), ?3), \
                 max_x = MAX(COALESCE(max_x, ?4), ?4), max_y = MAX(COALESCE(max_y, ?5), ?5) WHERE table_name = ?6",
            ),
            None => diesel::sql_query("UPDATE gpkg_contents SET last_change = ?1 WHERE table_name = ?6"),
        };
        let e = env.unwrap_or_default();
        q.into_boxed()
            .bind::<Text, _>(now)
            .bind::<Double, _>(e[0])
            .bind::<Double, _>(e[1])
            .bind::<Double, _>(e[2])
            .bind::<Double, _>(e[3])
            .bind::<Text, _>(layer.as_str())
            .execute(c)?;
        Ok(())
    }
}

impl Persist for GpkgFile {
    fn load(&mut self, layer: LayerId) -> Result<Vec<(i64, Feature)>> {
        let rows: Vec<Row> = diesel::sql_query(schema::select_layer(layer))
            .load(&mut self.conn)
            .map_err(StoreError::db(format!("reading {layer}")))?;
        rows.into_iter()
            .map(|r| {
                let what = format!("{layer} fid {}", r.fid);
                let props: serde_json::Value = serde_json::from_str(&r.props)
                    .map_err(|e| StoreError::Corrupt(format!("{what}: properties: {e}")))?;
                let properties =
                    Properties::from_json(layer, props).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?;
                let feature = Feature {
                    geometry: wkb::decode(&r.geom).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?,
                    properties,
                    version: r.version,
                    created: parse_time(&what, &r.created_at)?,
                    updated: parse_time(&what, &r.updated_at)?,
                    id: r.feature_id,
                };
                Ok((r.fid, feature))
            })
            .collect()
    }

    fn apply(&mut self, layer: LayerId, changes: &[Change], actor: &str) -> Result<Vec<i64>> {
        let blobs = changes.iter().map(|c| wkb::encode(&c.feature().geometry)).collect::<Result<Vec<_>>>()?;
        self.conn
            .immediate_transaction(|c| {
                let mut next = Self::next_fid(c, layer)?;
                let rows: Vec<i64> = changes
                    .iter()
                    .map(|change| match change {
                        Change::Insert(_) => {
                            next += 1;
                            next - 1
                        }
                        Change::Update { row, .. } | Change::Delete { row, .. } => *row,
                    })
                    .collect();
                // Runs of inserts go in as multi-row statements (one row is a run too); updates
                // and deletes one by one.
                let mut i = 0;
                let mut blobs = blobs.into_iter();
                while i < changes.len() {
                    let run =
                        changes[i..].iter().take_while(|c| matches!(c, Change::Insert(_))).count().min(INSERT_CHUNK);
                    if run > 0 {
                        let geoms: Vec<Vec<u8>> = blobs.by_ref().take(run).collect();
                        Self::insert_many(c, layer, &changes[i..i + run], &rows[i..i + run], geoms)?;
                        Self::log_inserts(c, layer, &changes[i..i + run], &rows[i..i + run], actor)?;
                        i += run;
                    } else {
                        let geom = blobs.next().unwrap_or_default();
                        Self::write_change(c, layer, &changes[i], rows[i], geom)?;
                        Self::log_change(c, layer, &changes[i], rows[i], actor)?;
                        i += 1;
                    }
                }
                Self::touch_contents(c, layer, changes)?;
                Ok(rows)
            })
            .map_err(StoreError::db(format!("writing {} change(s) to {layer}", changes.len())))
    }

    fn history(&mut self, layer: LayerId, id: &str, current: Option<(i64, &Feature)>) -> Result<Vec<ChangeRecord>> {
        let what = || format!("reading the history of {layer}/{id}");
        let mut rows: Vec<LogRow> = diesel::sql_query(
            "SELECT feature_id, version, op, actor, at, properties, fid, before FROM onemap_changes \
             WHERE layer = ? AND feature_id = ? ORDER BY seq",
        )
        .bind::<Text, _>(layer.as_str())
        .bind::<Text, _>(id)
        .load(&mut self.conn)
        .map_err(StoreError::db(what()))?;
        // An insert logged with its run: its properties are the `before` of the feature's next
        // logged change, or, when there is none, the feature as it is now.
        let fid = match rows.first() {
            Some(first) if first.op == "insert" => None,
            Some(first) => first.fid,
            None => current.map(|(row, _)| row),
        };
        if let Some(fid) = fid {
            let batch: Vec<LogRow> = diesel::sql_query(
                "SELECT feature_id, version, op, actor, at, properties, fid, before FROM onemap_changes \
                 WHERE layer = ? AND feature_id = ? AND fid <= ? AND last_fid >= ? ORDER BY seq DESC LIMIT 1",
            )
            .bind::<Text, _>(layer.as_str())
            .bind::<Text, _>(schema::BATCH)
            .bind::<BigInt, _>(fid)
            .bind::<BigInt, _>(fid)
            .load(&mut self.conn)
            .map_err(StoreError::db(what()))?;
            if let Some(mut insert) = batch.into_iter().next() {
                insert.feature_id = id.to_owned();
                insert.properties = match rows.first() {
                    Some(next) => next.before.clone(),
                    None => current.map(|(_, f)| serde_json::Value::Object(f.properties.to_json()).to_string()),
                };
                rows.insert(0, insert);
            }
        }
        rows.into_iter()
            .map(|r| {
                let op = match r.op.as_str() {
                    "insert" => ChangeOp::Insert,
                    "update" => ChangeOp::Update,
                    "delete" => ChangeOp::Delete,
                    other => return Err(StoreError::Corrupt(format!("unknown change op `{other}`"))),
                };
                Ok(ChangeRecord {
                    layer,
                    at: parse_time("change log", &r.at)?,
                    properties: r.properties.and_then(|p| serde_json::from_str(&p).ok()),
                    id: r.feature_id,
                    version: r.version,
                    op,
                    actor: r.actor,
                })
            })
            .collect()
    }

    fn dataset(&mut self) -> Result<DatasetInfo> {
        let rows: Vec<MetaRow> = diesel::sql_query("SELECT value FROM onemap_meta WHERE key = 'dataset'")
            .load(&mut self.conn)
            .map_err(StoreError::db("reading the data set description"))?;
        match rows.first() {
            None => Ok(DatasetInfo::default()),
            Some(r) => {
                serde_json::from_str(&r.value).map_err(|e| StoreError::Corrupt(format!("onemap_meta.dataset: {e}")))
            }
        }
    }

    fn set_dataset(&mut self, info: &DatasetInfo) -> Result<()> {
        let value = serde_json::to_string(info).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        diesel::sql_query("INSERT INTO onemap_meta (key, value) VALUES ('dataset', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind::<Text, _>(value)
            .execute(&mut self.conn)
            .map_err(StoreError::db("writing the data set description"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file written before the change log had `fid`, `last_fid` and `before` gains them on
    /// open and keeps its old lines readable.
    #[test]
    fn old_change_log_is_migrated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("old.gpkg");
        let mut c = SqliteConnection::establish(&path.to_string_lossy()).expect("sqlite");
        c.batch_execute(
            "CREATE TABLE onemap_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL, \
             feature_id TEXT NOT NULL, version INTEGER NOT NULL, op TEXT NOT NULL, actor TEXT NOT NULL, \
             at DATETIME NOT NULL, properties TEXT); \
             INSERT INTO onemap_changes (layer, feature_id, version, op, actor, at, properties) \
             VALUES ('hazards', 'x', 1, 'insert', 'old', '2026-01-01T00:00:00.000Z', '{\"name\":\"旧\"}')",
        )
        .expect("old schema");
        drop(c);
        let mut file = GpkgFile::open(&path, &Registry::builtin()).expect("open old file");
        let cols: Vec<ColumnName> = diesel::sql_query("SELECT name FROM pragma_table_info('onemap_changes')")
            .load(&mut file.conn)
            .expect("columns");
        for (name, _) in schema::CHANGE_LOG_ADDED {
            assert!(cols.iter().any(|c| c.name == name), "{name} missing");
        }
        let h = file.history(LayerId::HAZARDS, "x", None).expect("history");
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].op, h[0].actor.as_str()), (ChangeOp::Insert, "old"));
        assert_eq!(h[0].properties, Some(serde_json::json!({"name": "旧"})));
    }
}
