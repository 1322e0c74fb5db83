//! Accounts in the GeoPackage: `onemap_accounts` and `onemap_keys` (hashes only).

use super::GpkgFile;
use crate::accounts::AccountBook;
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl};
use onemap_model::{format_timestamp, Account, Role};

#[derive(QueryableByName)]
struct AccountRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Nullable<Text>)]
    township: Option<String>,
    #[diesel(sql_type = BigInt)]
    disabled: i64,
    #[diesel(sql_type = Text)]
    created_at: String,
    #[diesel(sql_type = Nullable<Text>)]
    last_used_at: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    secret: Option<String>,
}

const COLUMNS: &str = "a.name, a.role, a.township, a.disabled, a.created_at, a.last_used_at";

fn account(r: AccountRow) -> Result<(Account, Option<String>)> {
    let bad = |what: &str| StoreError::Corrupt(format!("account `{}`: {what}", r.name));
    let role = Role::parse(&r.role).ok_or_else(|| bad("unknown role"))?;
    let created = super::parse_time("account", &r.created_at)?;
    let last_used = r.last_used_at.as_deref().map(|t| super::parse_time("account", t)).transpose()?;
    let a = Account { name: r.name.clone(), role, township: r.township, disabled: r.disabled != 0, created, last_used };
    Ok((a, r.secret))
}

impl GpkgFile {
    fn changed(
        &mut self,
        what: &str,
        q: diesel::query_builder::BoxedSqlQuery<'_, diesel::sqlite::Sqlite, diesel::query_builder::SqlQuery>,
    ) -> Result<bool> {
        q.execute(&mut self.conn).map(|n| n > 0).map_err(StoreError::db(what.to_owned()))
    }
}

impl AccountBook for GpkgFile {
    fn insert_account(&mut self, a: &Account, password_hash: Option<&str>) -> Result<bool> {
        let q = diesel::sql_query(
            "INSERT OR IGNORE INTO onemap_accounts (name, role, township, password_hash, disabled, created_at) \
             VALUES (?, ?, ?, ?, 0, ?)",
        )
        .into_boxed()
        .bind::<Text, _>(a.name.clone())
        .bind::<Text, _>(a.role.as_str())
        .bind::<Nullable<Text>, _>(a.township.clone())
        .bind::<Nullable<Text>, _>(password_hash.map(str::to_owned))
        .bind::<Text, _>(format_timestamp(a.created));
        self.changed("adding an account", q)
    }

    fn load_accounts(&mut self) -> Result<Vec<Account>> {
        let rows: Vec<AccountRow> =
            diesel::sql_query(format!("SELECT {COLUMNS}, NULL AS secret FROM onemap_accounts a ORDER BY a.name"))
                .load(&mut self.conn)
                .map_err(StoreError::db("reading accounts"))?;
        rows.into_iter().map(|r| account(r).map(|(a, _)| a)).collect()
    }

    fn any_account(&mut self) -> Result<bool> {
        #[derive(QueryableByName)]
        struct Any {
            #[diesel(sql_type = BigInt)]
            any: i64,
        }
        let rows: Vec<Any> = diesel::sql_query("SELECT EXISTS (SELECT 1 FROM onemap_accounts) AS any")
            .load(&mut self.conn)
            .map_err(StoreError::db("counting accounts"))?;
        Ok(rows.first().is_some_and(|r| r.any != 0))
    }

    fn account_with_password(&mut self, name: &str) -> Result<Option<(Account, Option<String>)>> {
        let rows: Vec<AccountRow> = diesel::sql_query(format!(
            "SELECT {COLUMNS}, a.password_hash AS secret FROM onemap_accounts a WHERE a.name = ?"
        ))
        .bind::<Text, _>(name)
        .load(&mut self.conn)
        .map_err(StoreError::db("reading an account"))?;
        rows.into_iter().next().map(account).transpose()
    }

    fn set_password_hash(&mut self, name: &str, hash: &str) -> Result<bool> {
        let q = diesel::sql_query("UPDATE onemap_accounts SET password_hash = ? WHERE name = ?")
            .into_boxed()
            .bind::<Text, _>(hash.to_owned())
            .bind::<Text, _>(name.to_owned());
        self.changed("setting a password", q)
    }

    fn insert_key(&mut self, name: &str, id: &str, hash: &str) -> Result<bool> {
        let q = diesel::sql_query(
            "INSERT INTO onemap_keys (id, account, hash, created_at) \
             SELECT ?, name, ?, ? FROM onemap_accounts WHERE name = ?",
        )
        .into_boxed()
        .bind::<Text, _>(id.to_owned())
        .bind::<Text, _>(hash.to_owned())
        .bind::<Text, _>(format_timestamp(crate::indexed::plan::now()))
        .bind::<Text, _>(name.to_owned());
        self.changed("issuing a key", q)
    }

    fn account_with_key(&mut self, id: &str) -> Result<Option<(Account, String)>> {
        let rows: Vec<AccountRow> = diesel::sql_query(format!(
            "SELECT {COLUMNS}, k.hash AS secret FROM onemap_keys k JOIN onemap_accounts a ON a.name = k.account \
             WHERE k.id = ?"
        ))
        .bind::<Text, _>(id)
        .load(&mut self.conn)
        .map_err(StoreError::db("reading a key"))?;
        let Some(found) = rows.into_iter().next().map(account).transpose()? else { return Ok(None) };
        Ok(found.1.clone().map(|h| (found.0, h)))
    }

    fn set_disabled(&mut self, name: &str) -> Result<bool> {
        let q = diesel::sql_query("UPDATE onemap_accounts SET disabled = 1 WHERE name = ?")
            .into_boxed()
            .bind::<Text, _>(name.to_owned());
        self.changed("disabling an account", q)
    }

    fn touch(&mut self, name: &str, key_id: Option<&str>) -> Result<()> {
        let now = format_timestamp(crate::indexed::plan::now());
        let q = diesel::sql_query("UPDATE onemap_accounts SET last_used_at = ? WHERE name = ?")
            .into_boxed()
            .bind::<Text, _>(now.clone())
            .bind::<Text, _>(name.to_owned());
        self.changed("stamping an account", q)?;
        if let Some(id) = key_id {
            let q = diesel::sql_query("UPDATE onemap_keys SET last_used_at = ? WHERE id = ?")
                .into_boxed()
                .bind::<Text, _>(now)
                .bind::<Text, _>(id.to_owned());
            self.changed("stamping a key", q)?;
        }
        Ok(())
    }

    fn insert_session(&mut self, name: &str, id: &str, hash: &str, expires: DateTime<Utc>) -> Result<bool> {
        let q = diesel::sql_query(
            "INSERT INTO onemap_sessions (id, account, hash, created_at, expires_at) \
             SELECT ?, name, ?, ?, ? FROM onemap_accounts WHERE name = ?",
        )
        .into_boxed()
        .bind::<Text, _>(id.to_owned())
        .bind::<Text, _>(hash.to_owned())
        .bind::<Text, _>(format_timestamp(crate::indexed::plan::now()))
        .bind::<Text, _>(format_timestamp(expires))
        .bind::<Text, _>(name.to_owned());
        self.changed("opening a session", q)
    }

    fn account_with_session(&mut self, id: &str) -> Result<Option<(Account, String, DateTime<Utc>)>> {
        let rows: Vec<AccountRow> = diesel::sql_query(format!(
            "SELECT {COLUMNS}, s.hash || ' ' || s.expires_at AS secret FROM onemap_sessions s \
             JOIN onemap_accounts a ON a.name = s.account WHERE s.id = ?"
        ))
        .bind::<Text, _>(id)
        .load(&mut self.conn)
        .map_err(StoreError::db("reading a session"))?;
        let Some((a, secret)) = rows.into_iter().next().map(account).transpose()? else { return Ok(None) };
        let Some((hash, expires)) = secret.as_deref().and_then(|s| s.split_once(' ')) else { return Ok(None) };
        Ok(Some((a, hash.to_owned(), super::parse_time("session", expires)?)))
    }

    fn delete_session(&mut self, id: &str) -> Result<()> {
        let now = format_timestamp(crate::indexed::plan::now());
        let q = diesel::sql_query("DELETE FROM onemap_sessions WHERE id = ? OR expires_at <= ?")
            .into_boxed()
            .bind::<Text, _>(id.to_owned())
            .bind::<Text, _>(now);
        self.changed("ending a session", q).map(|_| ())
    }
}
