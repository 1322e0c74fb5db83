//! Accounts: who calls, with which role, over which part of the map.

use crate::{Role, Scope, ValidationError};
use chrono::{DateTime, Utc};

/// An account as stored (its password and key hashes stay in the store).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub name: String,
    pub role: Role,
    /// The admin-code prefix of a township account (`510114001`).
    pub township: Option<String>,
    pub disabled: bool,
    pub created: DateTime<Utc>,
    pub last_used: Option<DateTime<Utc>>,
}

impl Account {
    /// The part of the map the account sees and changes.
    pub fn scope(&self) -> Scope {
        match (&self.role, &self.township) {
            (Role::Township, Some(prefix)) => Scope::Areas(vec![prefix.clone()]),
            _ => Scope::All,
        }
    }
}

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub name: String,
    pub role: Role,
    pub township: Option<String>,
}

impl NewAccount {
    /// Checks the name (1–64 characters, no control characters or spaces at either end) and
    /// that a township account, and only one, has an admin-code prefix of 2–20 digits.
    pub fn check(&self) -> Result<(), ValidationError> {
        let n = self.name.chars().count();
        if !(1..=64).contains(&n) || self.name.trim() != self.name || self.name.chars().any(char::is_control) {
            return Err(ValidationError::new("name", "must be 1–64 characters, without spaces at either end"));
        }
        match (&self.role, &self.township) {
            (Role::Township, None) => {
                Err(ValidationError::new("township", "a township account needs its admin-code prefix"))
            }
            (Role::Township, Some(t)) if !(2..=20).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_digit()) => {
                Err(ValidationError::new("township", format!("must be an admin code of 2–20 digits, got `{t}`")))
            }
            (Role::Township, Some(_)) => Ok(()),
            (_, Some(_)) => Err(ValidationError::new("township", "only township accounts have one")),
            (_, None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(name: &str, role: Role, township: Option<&str>) -> NewAccount {
        NewAccount { name: name.into(), role, township: township.map(str::to_owned) }
    }

    #[test]
    fn names_and_townships_are_checked() {
        assert!(new("张三", Role::Township, Some("510114001")).check().is_ok());
        assert!(new("ops", Role::Commander, None).check().is_ok());
        assert_eq!(new("", Role::Viewer, None).check().expect_err("empty").field, "name");
        assert_eq!(new(" ops", Role::Viewer, None).check().expect_err("space").field, "name");
        assert_eq!(new("t", Role::Township, None).check().expect_err("no prefix").field, "township");
        assert_eq!(new("t", Role::Township, Some("51a")).check().expect_err("letters").field, "township");
        assert_eq!(new("c", Role::Commander, Some("510114")).check().expect_err("not a township").field, "township");
    }

    #[test]
    fn a_township_account_sees_its_prefix() {
        let a = Account {
            name: "t".into(),
            role: Role::Township,
            township: Some("510114001".into()),
            disabled: false,
            created: Utc::now(),
            last_used: None,
        };
        assert_eq!(a.scope(), Scope::Areas(vec!["510114001".into()]));
        assert_eq!(Account { role: Role::Viewer, township: None, ..a }.scope(), Scope::All);
    }
}
