//! Entities, value types and rules of the innovation lab. No HTTP, no SQL.

/// Declares an enum stored and sent as a lower `snake_case` string, with the list of its
/// values (for messages and CHECK constraints) and a `validator` adapter, so an unknown
/// value is a 422 naming the allowed ones, not a 400 from the JSON parser.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// All values, comma-separated, for error messages.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }

            /// `validator` adapter for a string field holding this enum.
            pub fn validate(text: &str) -> Result<(), validator::ValidationError> {
                match Self::parse(text) {
                    Some(_) => Ok(()),
                    None => {
                        let mut error = validator::ValidationError::new("invalid_choice");
                        error.add_param("allowed".into(), &Self::allowed());
                        Err(error)
                    }
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod account;
pub mod agency;
pub mod agreement;
pub mod caller;
pub mod canonical_json;
pub mod dates;
pub mod evidence;
pub mod field_issue;
pub mod index;
pub mod innovation;
pub mod lab_stage;
pub mod labels;
pub mod monitoring;
pub mod nip;
pub mod paging;
pub mod spreadsheet;
pub mod text;
pub mod version;
