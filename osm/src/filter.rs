//! Which nodes and ways to keep: `amenity=hospital,emergency=*`.

/// Why a tag filter cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("`{0}` is not key=value or key=*")]
    Condition(String),
    #[error("the tag filter is empty")]
    Empty,
}

/// One `key=value` (or `key=*`) condition per entry; a feature matches when any holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFilter(Vec<(String, Option<String>)>);

impl TagFilter {
    /// Parses `amenity=hospital,emergency=*` (also separated by `;` or spaces).
    pub fn parse(s: &str) -> Result<TagFilter, FilterError> {
        let conds: Vec<(String, Option<String>)> = s
            .split([',', ';', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| match c.split_once('=') {
                Some((k, "*")) if !k.trim().is_empty() => Ok((k.trim().to_owned(), None)),
                Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), Some(v.trim().to_owned()))),
                _ => Err(FilterError::Condition(c.to_owned())),
            })
            .collect::<Result<_, _>>()?;
        if conds.is_empty() {
            return Err(FilterError::Empty);
        }
        Ok(TagFilter(conds))
    }

    /// A filter keeping anything tagged with one of `keys`.
    pub fn any_of(keys: &[&str]) -> TagFilter {
        TagFilter(keys.iter().map(|k| ((*k).to_owned(), None)).collect())
    }

    /// Whether any condition holds for `tags`.
    pub fn matches(&self, tags: &[(String, String)]) -> bool {
        self.0.iter().any(|(k, v)| tags.iter().any(|(tk, tv)| tk == k && v.as_ref().is_none_or(|v| v == tv)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_and_match() {
        let f = TagFilter::parse("amenity=hospital; emergency=*").expect("valid");
        let t = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
        assert!(f.matches(&t("amenity", "hospital")) && f.matches(&t("emergency", "yes")));
        assert!(!f.matches(&t("amenity", "school")));
        assert_eq!(TagFilter::parse(" , "), Err(FilterError::Empty));
        assert_eq!(TagFilter::parse("amenity"), Err(FilterError::Condition("amenity".into())));
        assert_eq!(TagFilter::parse("=*"), Err(FilterError::Condition("=*".into())));
    }
}
