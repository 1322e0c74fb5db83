//! Accounts beside the layers: who may call, with which role and township, their password and
//! API keys (argon2id hashes only). [`AccountStore`] is the seam; the GeoPackage store keeps them
//! in `onemap_accounts` and `onemap_keys`.

pub mod secret;

use chrono::{DateTime, Utc};
use onemap_model::{Account, NewAccount, ValidationError};

/// Why an account call failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("an account `{0}` exists")]
    Exists(String),
    #[error("no account `{0}`")]
    NoSuchAccount(String),
    #[error(transparent)]
    Hash(#[from] secret::HashError),
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

/// Result alias for account calls.
pub type AccountResult<T> = Result<T, AccountError>;

/// Accounts and their secrets. Every change is durable before the call returns.
pub trait AccountStore: Send + Sync {
    /// Creates an account, with a password when one is given.
    fn add_account(&self, new: &NewAccount, password: Option<&str>) -> AccountResult<Account>;
    /// Every account, by name.
    fn accounts(&self) -> AccountResult<Vec<Account>>;
    /// Whether the store has any account (then every request must name one).
    fn has_accounts(&self) -> AccountResult<bool>;
    /// One account by name.
    fn account(&self, name: &str) -> AccountResult<Option<Account>>;
    /// Issues a new API key for the account and returns it: it is shown once, stored hashed.
    fn issue_key(&self, name: &str) -> AccountResult<String>;
    /// Sets the account's password.
    fn set_password(&self, name: &str, password: &str) -> AccountResult<()>;
    /// Disables the account: its password and keys stop working at once.
    fn disable(&self, name: &str) -> AccountResult<()>;
    /// The enabled account whose password this is (and marks it used).
    fn check_password(&self, name: &str, password: &str) -> AccountResult<Option<Account>>;
    /// The enabled account this key belongs to (and marks both used).
    fn check_key(&self, key: &str) -> AccountResult<Option<Account>>;
    /// Opens a browser session for the account, ending after `ttl`: the token (the cookie's
    /// value, stored only hashed) and when it ends.
    fn open_session(&self, name: &str, ttl: chrono::Duration) -> AccountResult<(String, DateTime<Utc>)>;
    /// The enabled account a session token belongs to and when the session ends; `None` for an
    /// unknown, ended or expired session.
    fn check_session(&self, token: &str) -> AccountResult<Option<(Account, DateTime<Utc>)>>;
    /// Ends a session (logout); an unknown token is no error.
    fn end_session(&self, token: &str) -> AccountResult<()>;
}

/// Refuses passwords too short to resist guessing.
pub fn check_password_strength(password: &str) -> Result<(), ValidationError> {
    if password.chars().count() < 10 {
        return Err(ValidationError::new("password", "must be at least 10 characters"));
    }
    Ok(())
}

/// Where accounts are kept: rows in, rows out; hashing happens above it, outside any lock.
pub trait AccountBook {
    /// Inserts the account; `false` when the name is taken.
    fn insert_account(&mut self, a: &Account, password_hash: Option<&str>) -> crate::Result<bool>;
    /// Every account, by name.
    fn load_accounts(&mut self) -> crate::Result<Vec<Account>>;
    /// Whether any account exists.
    fn any_account(&mut self) -> crate::Result<bool>;
    /// The account and its password hash.
    fn account_with_password(&mut self, name: &str) -> crate::Result<Option<(Account, Option<String>)>>;
    /// `false` when no such account.
    fn set_password_hash(&mut self, name: &str, hash: &str) -> crate::Result<bool>;
    /// `false` when no such account.
    fn insert_key(&mut self, name: &str, id: &str, hash: &str) -> crate::Result<bool>;
    /// The account a key id belongs to, and the key's hash.
    fn account_with_key(&mut self, id: &str) -> crate::Result<Option<(Account, String)>>;
    /// `false` when no such account.
    fn set_disabled(&mut self, name: &str) -> crate::Result<bool>;
    /// Stamps the account (and the key) as used now.
    fn touch(&mut self, name: &str, key_id: Option<&str>) -> crate::Result<()>;
    /// `false` when no such account.
    fn insert_session(&mut self, name: &str, id: &str, hash: &str, expires: DateTime<Utc>) -> crate::Result<bool>;
    /// The account a session id belongs to, the session's hash and when it ends.
    fn account_with_session(&mut self, id: &str) -> crate::Result<Option<(Account, String, DateTime<Utc>)>>;
    /// Removes a session and every expired one.
    fn delete_session(&mut self, id: &str) -> crate::Result<()>;
}

impl<P: crate::indexed::Persist + AccountBook + Send> AccountStore for crate::indexed::IndexedStore<P> {
    fn add_account(&self, new: &NewAccount, password: Option<&str>) -> AccountResult<Account> {
        new.check()?;
        let hash = match password {
            Some(p) => {
                check_password_strength(p)?;
                Some(secret::hash(p)?)
            }
            None => None,
        };
        let a = Account {
            name: new.name.clone(),
            role: new.role,
            township: new.township.clone(),
            disabled: false,
            created: crate::indexed::plan::now(),
            last_used: None,
        };
        if !self.persist().insert_account(&a, hash.as_deref())? {
            return Err(AccountError::Exists(new.name.clone()));
        }
        Ok(a)
    }

    fn accounts(&self) -> AccountResult<Vec<Account>> {
        Ok(self.persist().load_accounts()?)
    }

    fn has_accounts(&self) -> AccountResult<bool> {
        Ok(self.persist().any_account()?)
    }

    fn account(&self, name: &str) -> AccountResult<Option<Account>> {
        Ok(self.persist().account_with_password(name)?.map(|(a, _)| a))
    }

    fn issue_key(&self, name: &str) -> AccountResult<String> {
        let (id, key) = secret::new_key();
        let (_, secret_part) = secret::split_key(&key).unwrap_or_default();
        let hash = secret::hash(secret_part)?;
        if !self.persist().insert_key(name, &id, &hash)? {
            return Err(AccountError::NoSuchAccount(name.to_owned()));
        }
        Ok(key)
    }

    fn set_password(&self, name: &str, password: &str) -> AccountResult<()> {
        check_password_strength(password)?;
        let hash = secret::hash(password)?;
        if !self.persist().set_password_hash(name, &hash)? {
            return Err(AccountError::NoSuchAccount(name.to_owned()));
        }
        Ok(())
    }

    fn disable(&self, name: &str) -> AccountResult<()> {
        if !self.persist().set_disabled(name)? {
            return Err(AccountError::NoSuchAccount(name.to_owned()));
        }
        Ok(())
    }

    fn check_password(&self, name: &str, password: &str) -> AccountResult<Option<Account>> {
        let found = self.persist().account_with_password(name)?;
        let Some((a, Some(hash))) = found else { return Ok(None) };
        if a.disabled || !secret::verify(password, &hash) {
            return Ok(None);
        }
        self.persist().touch(&a.name, None)?;
        Ok(Some(a))
    }

    fn check_key(&self, key: &str) -> AccountResult<Option<Account>> {
        let Some((id, secret_part)) = secret::split_key(key) else { return Ok(None) };
        let found = self.persist().account_with_key(id)?;
        let Some((a, hash)) = found else { return Ok(None) };
        if a.disabled || !secret::verify(secret_part, &hash) {
            return Ok(None);
        }
        self.persist().touch(&a.name, Some(id))?;
        Ok(Some(a))
    }

    fn open_session(&self, name: &str, ttl: chrono::Duration) -> AccountResult<(String, DateTime<Utc>)> {
        let (id, token) = secret::new_session_token();
        let (_, secret_part) = secret::split_session_token(&token).unwrap_or_default();
        let hash = secret::hash(secret_part)?;
        let expires = crate::indexed::plan::now() + ttl;
        if !self.persist().insert_session(name, &id, &hash, expires)? {
            return Err(AccountError::NoSuchAccount(name.to_owned()));
        }
        Ok((token, expires))
    }

    fn check_session(&self, token: &str) -> AccountResult<Option<(Account, DateTime<Utc>)>> {
        let Some((id, secret_part)) = secret::split_session_token(token) else { return Ok(None) };
        let found = self.persist().account_with_session(id)?;
        let Some((a, hash, expires)) = found else { return Ok(None) };
        if a.disabled || expires <= Utc::now() || !secret::verify(secret_part, &hash) {
            return Ok(None);
        }
        Ok(Some((a, expires)))
    }

    fn end_session(&self, token: &str) -> AccountResult<()> {
        if let Some((id, _)) = secret::split_session_token(token) {
            self.persist().delete_session(id)?;
        }
        Ok(())
    }
}
