//! `onemap demo` creates an account for every role, so the demo shows what each user sees:
//! names, passwords (for the page) and API keys (for programs) are printed, and kept beside the
//! store in `<store>.accounts.txt` (readable by its owner only) so the next run can print them
//! again. Generated demo secrets, for a demo on a loopback address.

use onemap_model::{AdminLevel, LayerId, NewAccount, Role, Scope};
use onemap_store::{AccountStore, GpkgStore, Query, Store};
use std::path::{Path, PathBuf};

type Error = Box<dyn std::error::Error + Send + Sync>;

fn file_beside(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(".accounts.txt");
    PathBuf::from(name)
}

/// The first township of the store's admin areas: the demo township account's scope.
fn first_township(s: &GpkgStore) -> Result<Option<String>, Error> {
    let q = Query {
        limit: usize::MAX,
        any_order: true,
        filters: vec![("level".into(), AdminLevel::Township.as_str().into())],
        ..Query::default()
    };
    let page = s.query(LayerId::ADMIN_AREAS, &q, &Scope::All)?;
    let mut codes: Vec<String> = page
        .features
        .iter()
        .filter_map(|f| f.geojson().properties.get("code").and_then(|c| c.as_str()).map(str::to_owned))
        .collect();
    codes.sort();
    Ok(codes.into_iter().next())
}

/// A password of 16 letters and digits.
fn password() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..16].to_owned()
}

/// Creates the demo accounts on a store without any, or prints those created before.
pub fn ensure(s: &GpkgStore, store: &Path) -> Result<(), Error> {
    let file = file_beside(store);
    if s.has_accounts()? {
        match std::fs::read_to_string(&file) {
            Ok(text) => text.lines().for_each(|l| println!("{l}")),
            Err(_) => println!("onemap: the store has accounts (onemap user list --store {})", store.display()),
        }
        return Ok(());
    }
    let township = first_township(s)?;
    let mut lines = Vec::new();
    for &role in Role::ALL {
        let scope = if role == Role::Township { township.clone() } else { None };
        if role == Role::Township && scope.is_none() {
            println!("onemap: no township in the admin areas: no demo township account");
            continue;
        }
        let name = format!("demo-{role}");
        let pw = password();
        s.add_account(&NewAccount { name: name.clone(), role, township: scope.clone() }, Some(&pw))?;
        let key = s.issue_key(&name)?;
        let scope = scope.map(|t| format!(" township {t}")).unwrap_or_default();
        lines.push(format!("onemap: demo account {name} role {role}{scope} password {pw} key {key}"));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    write_private(&file, &text)?;
    print!("{text}");
    println!("onemap: log in on the page with one of these; they are kept in {}", file.display());
    Ok(())
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}
