//! The audit trail in the GeoPackage: `onemap_audit`.

use super::GpkgFile;
use crate::audit::{AuditBook, AuditEntry, AuditQuery, NewAuditEntry};
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl};
use onemap_model::format_timestamp;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Text)]
    at: String,
    #[diesel(sql_type = Nullable<Text>)]
    account: Option<String>,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<Text>)]
    address: Option<String>,
    #[diesel(sql_type = Text)]
    target: String,
    #[diesel(sql_type = Text)]
    detail: String,
}

impl AuditBook for GpkgFile {
    fn insert_audit(&mut self, at: DateTime<Utc>, e: &NewAuditEntry) -> Result<()> {
        diesel::sql_query(
            "INSERT INTO onemap_audit (at, account, kind, address, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind::<Text, _>(format_timestamp(at))
        .bind::<Nullable<Text>, _>(e.account.clone())
        .bind::<Text, _>(e.kind.as_str())
        .bind::<Nullable<Text>, _>(e.address.clone())
        .bind::<Text, _>(e.target.clone())
        .bind::<Text, _>(e.detail.clone())
        .execute(&mut self.conn)
        .map(|_| ())
        .map_err(StoreError::db("recording an audit entry"))
    }

    fn load_audit(&mut self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let rows: Vec<Row> = diesel::sql_query(
            "SELECT seq, at, account, kind, address, target, detail FROM onemap_audit \
             WHERE (? IS NULL OR at >= ?) AND (? IS NULL OR account = ?) AND (? IS NULL OR kind = ?) \
             ORDER BY seq DESC LIMIT ?",
        )
        .bind::<Nullable<Text>, _>(q.since.map(format_timestamp))
        .bind::<Nullable<Text>, _>(q.since.map(format_timestamp))
        .bind::<Nullable<Text>, _>(q.account.clone())
        .bind::<Nullable<Text>, _>(q.account.clone())
        .bind::<Nullable<Text>, _>(q.kind.map(|k| k.as_str()))
        .bind::<Nullable<Text>, _>(q.kind.map(|k| k.as_str()))
        .bind::<BigInt, _>(i64::try_from(q.limit).unwrap_or(i64::MAX))
        .load(&mut self.conn)
        .map_err(StoreError::db("reading the audit trail"))?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    seq: r.seq,
                    at: super::parse_time("audit entry", &r.at)?,
                    account: r.account,
                    kind: r.kind,
                    address: r.address,
                    target: r.target,
                    detail: r.detail,
                })
            })
            .collect()
    }
}
