//! Who may do what: the role table. The README's "Roles" table is rendered from it
//! ([`roles_markdown`]) and a test compares the two; the server's route rules and every handler
//! ask it (through [`Role::grants`] and [`Role::may_write`]) and nothing else.
//!
//! Which layers a role writes is declared with each layer ([`LayerDef::editors`]); the
//! commander writes every layer. What a township account reads is its [`Scope`] (features whose
//! admin code starts with its prefix) on every layer but the context ones
//! ([`LayerDef::context`]: roads and admin areas), which it sees whole.

use crate::registry::{LayerDef, LayerId, Registry};
use crate::{Role, Scope};

/// What a role reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// Every feature of every layer, with personal data.
    All,
    /// Its township's features (plus the context layers), with personal data.
    OwnTownship,
    /// Features and tiles with the layers' personal properties removed; no change history.
    WithoutPersonalData,
}

/// One row of the role table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grants {
    pub role: Role,
    pub reads: Reads,
    /// History, analyses (`/query/within`, routing), closures, import jobs, the page's
    /// configuration: what the bureau's own staff use. Partner systems get features and tiles.
    pub internal_reads: bool,
    /// Writes every layer (otherwise only the layers whose [`LayerDef::editors`] name the role).
    pub all_layers: bool,
    /// Closes and reopens roads.
    pub closures: bool,
    /// Uploads survey files (into the layers it may write).
    pub imports: bool,
    /// Creates, disables and re-keys accounts.
    pub accounts: bool,
    /// Reads the audit trail.
    pub audit: bool,
}

const NOTHING: Grants = Grants {
    role: Role::Viewer,
    reads: Reads::All,
    internal_reads: true,
    all_layers: false,
    closures: false,
    imports: false,
    accounts: false,
    audit: false,
};

/// The role table, one row per role in [`Role::ALL`] order.
pub const ROLES: [Grants; 6] = [
    Grants { role: Role::Admin, accounts: true, audit: true, ..NOTHING },
    Grants { role: Role::Commander, all_layers: true, closures: true, imports: true, audit: true, ..NOTHING },
    Grants { role: Role::Planner, closures: true, imports: true, ..NOTHING },
    Grants { role: Role::Township, reads: Reads::OwnTownship, ..NOTHING },
    Grants { role: Role::Viewer, ..NOTHING },
    Grants { role: Role::External, reads: Reads::WithoutPersonalData, internal_reads: false, ..NOTHING },
];

impl Role {
    /// This role's row of [`ROLES`].
    pub fn grants(self) -> &'static Grants {
        let i = Role::ALL.iter().position(|r| *r == self).unwrap_or(Role::ALL.len() - 1);
        &ROLES[i]
    }

    /// Whether the role writes `layer` (within its scope).
    pub fn may_write(self, layer: LayerId) -> bool {
        self.grants().all_layers || layer.def().editors.contains(&self)
    }

    /// Whether the role writes any layer.
    pub fn writes_layers(self, registry: &Registry) -> bool {
        registry.layers().iter().any(|l| self.may_write(*l))
    }
}

impl Scope {
    /// What of `layer` a caller with this scope sees: context layers whole, others as scoped.
    pub fn on(&self, layer: LayerId) -> Scope {
        if layer.def().context {
            Scope::All
        } else {
            self.clone()
        }
    }
}

impl LayerDef {
    /// Removes the personal properties from a feature's JSON properties.
    pub fn strip_personal(&self, properties: &mut serde_json::Map<String, serde_json::Value>) {
        for p in self.personal {
            properties.remove(*p);
        }
    }
}

/// The role table as Markdown, for the README (a test keeps the two equal).
pub fn roles_markdown(registry: &Registry) -> String {
    let mut out = String::from("| role | reads | writes |\n| --- | --- | --- |\n");
    for g in &ROLES {
        let reads = match g.reads {
            Reads::All => "all",
            Reads::OwnTownship => "features whose admin code starts with its prefix; roads and admin areas whole",
            Reads::WithoutPersonalData => "features and tiles without personal data; no history",
        };
        let mut reads = reads.to_owned();
        if !g.internal_reads {
            reads.push_str("; no analyses, routing, imports or page configuration");
        }
        if g.audit {
            reads.push_str("; the audit trail");
        }
        let mut writes: Vec<String> = Vec::new();
        if g.all_layers {
            writes.push("every layer".into());
        } else {
            let layers: Vec<&str> =
                registry.layers().iter().filter(|l| g.role.may_write(**l)).map(|l| l.as_str()).collect();
            if !layers.is_empty() {
                let own = if g.reads == Reads::OwnTownship { " (its township's only)" } else { "" };
                writes.push(format!("{}{own}", layers.join(", ")));
            }
        }
        if g.closures {
            writes.push("road closures".into());
        }
        if g.imports {
            writes.push("imports into the layers it writes".into());
        }
        if g.accounts {
            writes.push("accounts".into());
        }
        let writes = if writes.is_empty() { "nothing".to_owned() } else { writes.join("; ") };
        out.push_str(&format!("| `{}` ({}) | {reads} | {writes} |\n", g.role, g.role.label_zh()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_one_row_per_role_in_order() {
        for (g, r) in ROLES.iter().zip(Role::ALL) {
            assert_eq!(g.role, *r);
            assert_eq!(r.grants().role, *r);
        }
        assert_eq!(ROLES.len(), Role::ALL.len());
    }

    #[test]
    fn layer_writes_follow_the_declarations() {
        let w = |r: Role, l: LayerId| r.may_write(l);
        assert!(w(Role::Commander, LayerId::ROADS));
        assert!(w(Role::Planner, LayerId::EVACUATION_ROUTES) && w(Role::Planner, LayerId::RISK_ZONES));
        assert!(!w(Role::Planner, LayerId::HAZARDS));
        assert!(w(Role::Township, LayerId::HAZARDS) && w(Role::Township, LayerId::TEAMS));
        assert!(!w(Role::Township, LayerId::RISK_ZONES) && !w(Role::Township, LayerId::ADMIN_AREAS));
        for r in [Role::Admin, Role::Viewer, Role::External] {
            assert!(!r.writes_layers(&Registry::builtin()), "{r}");
        }
    }

    #[test]
    fn context_layers_are_seen_whole() {
        let s = Scope::Areas(vec!["510114001".into()]);
        assert_eq!(s.on(LayerId::ROADS), Scope::All);
        assert_eq!(s.on(LayerId::ADMIN_AREAS), Scope::All);
        assert_eq!(s.on(LayerId::HAZARDS), s);
    }

    #[test]
    fn the_readme_shows_this_table() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
        let readme = std::fs::read_to_string(&path).expect("README.md");
        let (begin, end) = ("<!-- roles:begin -->\n", "<!-- roles:end -->");
        let start = readme.find(begin).expect("the README marks the roles table") + begin.len();
        let stop = readme[start..].find(end).expect("the README ends the roles table") + start;
        let want = roles_markdown(&Registry::builtin());
        assert_eq!(&readme[start..stop], want, "paste this between the README's roles markers:\n{want}");
    }
}
