//! `onemap user add|key|list|disable|passwd`: accounts of a store, from the command line.
//! A new API key is printed once, as the last line of stdout; the store keeps only its hash.

use clap::Subcommand;
use onemap_model::{NewAccount, Role};
use onemap_store::accounts::AccountStore;
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a new API key as the last line (shown once).
    Add {
        name: String,
        /// admin, commander, planner, township, viewer or external.
        #[arg(long)]
        role: String,
        /// The admin-code prefix of a township account (e.g. 510114001).
        #[arg(long)]
        township: Option<String>,
        /// Read a password for browser login from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, env = "ONEMAP_STORE", default_value = "data/onemap.gpkg")]
        store: PathBuf,
    },
    /// Issue another API key for an account (printed once).
    Key {
        name: String,
        #[arg(long, env = "ONEMAP_STORE", default_value = "data/onemap.gpkg")]
        store: PathBuf,
    },
    /// List the accounts: name, role, township, state, last use.
    List {
        #[arg(long, env = "ONEMAP_STORE", default_value = "data/onemap.gpkg")]
        store: PathBuf,
    },
    /// Disable an account: its password and keys stop working at once.
    Disable {
        name: String,
        #[arg(long, env = "ONEMAP_STORE", default_value = "data/onemap.gpkg")]
        store: PathBuf,
    },
    /// Set an account's password from the first line of stdin.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, env = "ONEMAP_STORE", default_value = "data/onemap.gpkg")]
        store: PathBuf,
    },
}

type Error = Box<dyn std::error::Error + Send + Sync>;

fn password_from_stdin() -> Result<String, Error> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn open(store: &PathBuf) -> Result<onemap_store::GpkgStore, Error> {
    if !store.exists() {
        return Err(format!("no store at {}", store.display()).into());
    }
    Ok(onemap_store::GpkgStore::open(store)?)
}

/// Records an account change in the store's audit trail, made by the operating-system user
/// running the command.
fn audited(s: &onemap_store::GpkgStore, name: &str, detail: String) -> Result<(), Error> {
    use onemap_store::AuditLog;
    let who = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into());
    let entry = onemap_store::audit::NewAuditEntry {
        account: Some(format!("cli:{who}")),
        kind: onemap_store::AuditKind::Account,
        address: None,
        target: name.to_owned(),
        detail,
    };
    Ok(s.record(&entry)?)
}

/// Runs one `onemap user` command.
pub fn run(cmd: UserCommand) -> Result<(), Error> {
    match cmd {
        UserCommand::Add { name, role, township, password_stdin, store } => {
            let role = Role::parse(&role)
                .ok_or_else(|| format!("--role: `{role}` is not a role; use one of {}", Role::NAMES.join(", ")))?;
            let password = if password_stdin { Some(password_from_stdin()?) } else { None };
            let s = open(&store)?;
            let a = s.add_account(&NewAccount { name, role, township }, password.as_deref())?;
            let key = s.issue_key(&a.name)?;
            let scope = a.township.as_deref().map(|t| format!(", township {t}")).unwrap_or_default();
            audited(&s, &a.name, format!("created ({}{scope}) with a key", a.role))?;
            println!("onemap: account `{}` ({}) created; its API key, shown only now:", a.name, a.role);
            println!("{key}");
        }
        UserCommand::Key { name, store } => {
            let s = open(&store)?;
            let key = s.issue_key(&name)?;
            audited(&s, &name, "a new API key issued".into())?;
            println!("onemap: a new API key for `{name}`, shown only now:");
            println!("{key}");
        }
        UserCommand::List { store } => {
            for a in open(&store)?.accounts()? {
                let last = a.last_used.map_or_else(|| "never".to_owned(), onemap_model::format_timestamp);
                println!(
                    "{}\t{}\t{}\t{}\tlast used {last}",
                    a.name,
                    a.role,
                    a.township.as_deref().unwrap_or("-"),
                    if a.disabled { "disabled" } else { "enabled" }
                );
            }
        }
        UserCommand::Disable { name, store } => {
            let s = open(&store)?;
            s.disable(&name)?;
            audited(&s, &name, "disabled".into())?;
            println!("onemap: `{name}` is disabled; its password and keys no longer work");
        }
        UserCommand::Passwd { name, password_stdin, store } => {
            if !password_stdin {
                return Err("give the password on stdin with --password-stdin".into());
            }
            let password = password_from_stdin()?;
            let s = open(&store)?;
            s.set_password(&name, &password)?;
            audited(&s, &name, "password set".into())?;
            println!("onemap: the password of `{name}` is set");
        }
    }
    Ok(())
}
