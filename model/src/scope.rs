//! Who may see and change what: everything, or the features inside a set of admin areas.

use crate::Properties;

/// The part of the map a caller may read and write.
///
/// Admin codes are hierarchical (county 6 digits, township 9, village 12, grid longer), so a
/// feature is inside `Areas(codes)` when its admin code starts with one of `codes`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    #[default]
    All,
    Areas(Vec<String>),
}

impl Scope {
    /// Whether a feature with these properties is inside the scope.
    pub fn contains(&self, props: &Properties) -> bool {
        match self {
            Scope::All => true,
            Scope::Areas(codes) => {
                props.admin_code().is_some_and(|code| codes.iter().any(|c| code.starts_with(c.as_str())))
            }
        }
    }
}
