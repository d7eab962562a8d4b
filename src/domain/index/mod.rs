//! The yearly innovation index (Indeks Inovasi Daerah, IID; PP 38/2017, Permendagri
//! 104/2018): each year a catalogue of indicators published by the ministry, and per
//! innovation (and for the region itself) an assessment that answers them with evidence,
//! is checked by a reviewer, and is scored and graded by the catalogue's formula.
//!
//! Nothing about the indicators is fixed in code: they are the catalogue's data. What is
//! fixed here is their shape ([`catalogue`]), how answers become scores and grades
//! ([`formula`]), and the assessment's workflow ([`workflow`]).

pub mod assessment;
pub mod catalogue;
pub mod catalogue_table;
pub mod formula;
pub mod workflow;
pub mod year;

text_enum! {
    /// The two units the index assesses: the regional government itself (one assessment,
    /// written by administrators) and each of its innovations.
    pub enum Aspect {
        Government => "government",
        Innovation => "innovation",
    }
}
