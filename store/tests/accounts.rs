//! Accounts in the GeoPackage store: created once, secrets only as argon2id hashes, keys and
//! passwords checked, a disabled account's key and password stop working at once, and all of it
//! survives reopening the file.

use onemap_model::{NewAccount, Role};
use onemap_store::accounts::AccountStore;
use onemap_store::{AccountError, GpkgStore};

fn new(name: &str, role: Role, township: Option<&str>) -> NewAccount {
    NewAccount { name: name.into(), role, township: township.map(str::to_owned) }
}

#[test]
fn accounts_keys_and_passwords() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.gpkg");
    let s = GpkgStore::open(&path).expect("open");
    let ops = s.add_account(&new("ops", Role::Commander, None), Some("a long passphrase")).expect("add");
    assert_eq!((ops.role, ops.disabled), (Role::Commander, false));
    s.add_account(&new("镇应急办", Role::Township, Some("510114001")), None).expect("add a township");
    assert!(matches!(s.add_account(&new("ops", Role::Viewer, None), None), Err(AccountError::Exists(_))));
    assert!(matches!(s.add_account(&new("x", Role::Viewer, None), Some("short")), Err(AccountError::Invalid(_))));
    assert!(matches!(s.add_account(&new("t", Role::Township, None), None), Err(AccountError::Invalid(_))));

    let key = s.issue_key("ops").expect("key");
    let other = s.issue_key("ops").expect("a second key");
    assert_ne!(key, other);
    assert_eq!(s.check_key(&key).expect("check").map(|a| a.name), Some("ops".to_owned()));
    let mut wrong = key.clone();
    wrong.pop();
    wrong.push('z');
    assert_eq!(s.check_key(&wrong).expect("check"), None, "a changed secret");
    assert_eq!(s.check_key("om_nonexistent_x").expect("check"), None);
    assert!(matches!(s.issue_key("nobody"), Err(AccountError::NoSuchAccount(_))));

    assert!(s.check_password("ops", "a long passphrase").expect("check").is_some());
    assert!(s.check_password("ops", "a long passphrasE").expect("check").is_none());
    assert!(s.check_password("镇应急办", "").expect("check").is_none(), "no password set");
    s.set_password("ops", "another long one").expect("passwd");
    assert!(s.check_password("ops", "a long passphrase").expect("check").is_none());

    // The file holds hashes only.
    drop(s);
    let bytes = std::fs::read(&path).expect("read");
    let text = String::from_utf8_lossy(&bytes);
    let secret = key.rsplit('_').next().expect("secret");
    assert!(!text.contains(secret), "a key's secret is in the file");
    assert!(!text.contains("another long one"), "a password is in the file");
    assert!(text.contains("$argon2id$"));

    // Reopened: the accounts, the key, then disabling stops the key and the password at once.
    let s = GpkgStore::open(&path).expect("reopen");
    let names: Vec<String> = s.accounts().expect("list").into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["ops", "镇应急办"]);
    let ops = s.check_key(&other).expect("check").expect("the second key still works");
    assert!(s.account("ops").expect("get").expect("ops").last_used.is_some());
    assert_eq!(ops.scope(), onemap_model::Scope::All);
    s.disable("ops").expect("disable");
    assert_eq!(s.check_key(&other).expect("check"), None);
    assert!(s.check_password("ops", "another long one").expect("check").is_none());
    assert!(s.account("ops").expect("get").expect("ops").disabled);
}

#[test]
fn sessions_end_by_logout_expiry_and_disabling() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.gpkg");
    let s = GpkgStore::open(&path).expect("open");
    s.add_account(&new("wall", Role::Viewer, None), Some("a long passphrase")).expect("add");
    let hour = chrono::Duration::hours(1);
    let (token, expires) = s.open_session("wall", hour).expect("session");
    assert!(token.starts_with("os_") && expires > chrono::Utc::now());
    assert_eq!(s.check_session(&token).expect("check").map(|(a, _)| a.name), Some("wall".to_owned()));
    assert_eq!(s.check_key(&token).expect("a session is not a key"), None);
    let (other, _) = s.open_session("wall", hour).expect("a second session");
    s.end_session(&token).expect("logout");
    assert_eq!(s.check_session(&token).expect("check"), None, "logged out");
    assert!(s.check_session(&other).expect("check").is_some(), "the other session goes on");
    let (old, _) = s.open_session("wall", chrono::Duration::seconds(-1)).expect("an expired session");
    assert_eq!(s.check_session(&old).expect("check"), None, "expired");
    assert!(matches!(s.open_session("nobody", hour), Err(AccountError::NoSuchAccount(_))));
    drop(s);

    let s = GpkgStore::open(&path).expect("reopen");
    assert!(s.check_session(&other).expect("check").is_some(), "sessions survive a restart");
    s.disable("wall").expect("disable");
    assert_eq!(s.check_session(&other).expect("check"), None, "disabling ends every session");
    drop(s);
    let bytes = std::fs::read(&path).expect("read");
    let secret = other.rsplit('_').next().expect("secret");
    assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "the session secret is stored hashed");
}

#[test]
fn the_audit_trail_is_kept_and_queried() {
    use onemap_store::audit::{AuditQuery, NewAuditEntry};
    use onemap_store::{AuditKind, AuditLog};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("au.gpkg");
    let s = GpkgStore::open(&path).expect("open");
    let entry = |account: Option<&str>, kind, target: &str| NewAuditEntry {
        account: account.map(str::to_owned),
        kind,
        address: Some("192.0.2.7".into()),
        target: target.into(),
        detail: "201".into(),
    };
    s.record(&entry(Some("ops"), AuditKind::Write, "POST /collections/hazards/items")).expect("record");
    s.record(&entry(None, AuditKind::LoginFailed, "nobody")).expect("record");
    s.record(&entry(Some("ops"), AuditKind::Closure, "POST /routing/closures")).expect("record");
    drop(s);
    let s = GpkgStore::open(&path).expect("reopen");
    let all = s.audit(&AuditQuery { limit: 10, ..AuditQuery::default() }).expect("audit");
    assert_eq!(all.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["closure", "login_failed", "write"]);
    let ops = s.audit(&AuditQuery { account: Some("ops".into()), limit: 10, ..AuditQuery::default() }).expect("audit");
    assert_eq!(ops.len(), 2);
    let failed = AuditQuery { kind: Some(AuditKind::LoginFailed), limit: 10, ..AuditQuery::default() };
    assert_eq!(s.audit(&failed).expect("audit")[0].target, "nobody");
    let later =
        AuditQuery { since: Some(chrono::Utc::now() + chrono::Duration::hours(1)), limit: 10, ..AuditQuery::default() };
    assert!(s.audit(&later).expect("audit").is_empty());
    assert_eq!(s.audit(&AuditQuery { limit: 1, ..AuditQuery::default() }).expect("audit").len(), 1);
}
