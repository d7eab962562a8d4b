//! A rule broken by some content, at the dotted path of the field that breaks it
//! (`variables.0.code`, `quarterly_targets.2`): the domain's rules report these, the error
//! layer turns a list of them into one 422 with a field error each.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub path: String,
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl FieldIssue {
    pub fn new(path: impl Into<String>, code: &'static str) -> Self {
        Self {
            path: path.into(),
            code,
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }
}
