//! A statement with dynamic SQL and bind values that diesel may cache as a prepared statement
//! (keyed by its SQL text). diesel's `sql_query` is never cached, so every row of a bulk write
//! paid SQLite's parser; with this, a run of inserts parses its statement once.

use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Binary, Double, Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, RunQueryDsl, SqliteConnection};

/// One bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// SQL text and its binds, in order: one bind per `?` (no `?` inside string literals).
pub struct Stmt<'a> {
    pub sql: &'a str,
    pub binds: &'a [Bind],
}

impl QueryId for Stmt<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Sqlite> for Stmt<'_> {
    /// diesel writes each bind's `?` itself: the SQL is pushed in the pieces between its `?`s.
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        let mut pieces = self.sql.split('?');
        out.push_sql(pieces.next().unwrap_or(""));
        for (b, piece) in self.binds.iter().zip(pieces) {
            match b {
                Bind::Null => out.push_bind_param::<Nullable<BigInt>, Option<i64>>(&None)?,
                Bind::Int(i) => out.push_bind_param::<BigInt, _>(i)?,
                Bind::Real(r) => out.push_bind_param::<Double, _>(r)?,
                Bind::Text(s) => out.push_bind_param::<Text, _>(s)?,
                Bind::Blob(b) => out.push_bind_param::<Binary, _>(b)?,
            }
            out.push_sql(piece);
        }
        Ok(())
    }
}

impl RunQueryDsl<SqliteConnection> for Stmt<'_> {}

/// Executes `sql` with `binds` through the connection's statement cache.
pub fn execute(c: &mut SqliteConnection, sql: &str, binds: &[Bind]) -> QueryResult<usize> {
    let marks = sql.matches('?').count();
    if marks != binds.len() {
        return Err(diesel::result::Error::QueryBuilderError(
            format!("{marks} placeholders for {} values", binds.len()).into(),
        ));
    }
    Stmt { sql, binds }.execute(c)
}
