//! Optimistic concurrency: which version of a record a write is based on.

/// The condition a write is under, from `If-Match` (RFC 9110 section 13.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// No condition (`If-Match` absent or `*`): the write applies to the current version.
    Any,
    /// The write applies only if the record's entity tag is one of these (strong
    /// comparison: weak tags never match).
    OneOf(Vec<String>),
}

/// The strong entity tag of a record at `version`: `"3"`.
pub fn entity_tag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The entity tag of the public's copy of a record at `version` (personal data left out):
/// `"3-public"`. It differs from the full copy's tag, so a cache holding one never answers
/// 304 for the other, and it never matches an `If-Match` (only full copies are written).
pub fn public_entity_tag(version: i64) -> String {
    format!("\"{version}-public\"")
}

impl ExpectedVersion {
    pub fn matches(&self, current_version: i64) -> bool {
        match self {
            Self::Any => true,
            Self::OneOf(tags) => {
                let current = entity_tag(current_version);
                tags.contains(&current)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_tags_exactly_and_strongly() {
        let one_of =
            |tags: &[&str]| ExpectedVersion::OneOf(tags.iter().map(|t| t.to_string()).collect());
        assert!(one_of(&["\"1\"", "\"2\""]).matches(2));
        assert!(!one_of(&["\"01\""]).matches(1));
        assert!(!one_of(&["\"+1\""]).matches(1));
        assert!(!one_of(&["W/\"1\""]).matches(1));
        assert!(!one_of(&[]).matches(1));
        assert!(ExpectedVersion::Any.matches(7));
        assert!(!ExpectedVersion::OneOf(vec![public_entity_tag(7)]).matches(7));
    }
}
