//! The one diesel schema, kept by hand in SQL types both backends share (`BigInt`, `Text`,
//! `Bool`, `Timestamp`): `diesel print-schema` differs per backend. `tests/api/schema.rs`
//! checks this file against both migrated databases.

diesel::table! {
    agencies (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        region_code -> Text,
        head_name -> Nullable<Text>,
        head_nip -> Nullable<Text>,
        head_title -> Nullable<Text>,
        address -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        active -> Bool,
        search_text -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
