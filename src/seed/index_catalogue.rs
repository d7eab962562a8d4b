//! The demo's catalogue of the yearly index: an illustrative one, labelled as such, shaped
//! like the 2023 method as the ministry's public material presents it (the government
//! aspect weighted 25.2%, the innovation aspect 74.8% and divided by max(10, n), grades
//! above 60, 35 to 60 and below 35), with a few variables and indicators. Regions load the
//! official catalogue themselves.

use crate::db::{DbConnection, WriteContext};
use crate::domain::agreement::Hundredths;
use crate::domain::evidence::DocumentKind;
use crate::domain::index::Aspect;
use crate::domain::index::catalogue::{
    CatalogueContent, Indicator, IndicatorOption, Variable, bands_2023,
};
use crate::domain::index::formula::Formula;
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult};
use crate::store::index_catalogues as store;

fn indicator(
    code: &str,
    text: &str,
    evidence: Option<&[DocumentKind]>,
    options: &[(&str, i64)],
) -> Indicator {
    Indicator {
        code: code.to_owned(),
        text: text.to_owned(),
        evidence_required: evidence.is_some(),
        evidence_kinds: evidence.unwrap_or_default().to_vec(),
        options: options
            .iter()
            .map(|(label, weight)| IndicatorOption {
                label: (*label).to_owned(),
                weight: Hundredths(weight * 100),
            })
            .collect(),
    }
}

/// The illustrative catalogue: each aspect's options add up to at most 100 points.
pub fn illustrative() -> CatalogueContent {
    use DocumentKind::{Budget, Decree, Photo, Report};
    let variable = |code: &str, name: &str, aspect, indicators| Variable {
        code: code.to_owned(),
        name: name.to_owned(),
        aspect,
        indicators,
    };
    CatalogueContent {
        title: "Katalog ilustratif Indeks Inovasi Daerah (bentuk metode 2023; bukan katalog \
                resmi Kemendagri)"
            .to_owned(),
        illustrative: true,
        formula: Formula {
            government_weight: Hundredths(2520),
            innovation_weight: Hundredths(7480),
            minimum_innovations: 10,
            grades: bands_2023(),
        },
        not_assessable_label: "Tidak Dapat Dinilai".to_owned(),
        variables: vec![
            variable(
                "P",
                "Kapasitas pemerintah daerah",
                Aspect::Government,
                vec![
                    indicator(
                        "P.1",
                        "Regulasi inovasi daerah",
                        Some(&[Decree]),
                        &[
                            ("Belum ada", 0),
                            ("Peraturan kepala daerah", 20),
                            ("Peraturan daerah", 40),
                        ],
                    ),
                    indicator(
                        "P.2",
                        "Anggaran inovasi daerah dalam APBD",
                        Some(&[Budget]),
                        &[
                            ("Belum ada", 0),
                            ("Kurang dari 0,5%", 10),
                            ("0,5% atau lebih", 30),
                        ],
                    ),
                    indicator(
                        "P.3",
                        "Sumber daya manusia pengelola inovasi",
                        None,
                        &[("Belum ada", 0), ("Tim ad hoc", 15), ("Unit tetap", 30)],
                    ),
                ],
            ),
            variable(
                "K",
                "Kematangan inovasi",
                Aspect::Innovation,
                vec![
                    indicator(
                        "K.1",
                        "Dasar hukum inovasi (SK/Perbup)",
                        Some(&[Decree]),
                        &[
                            ("Belum ada", 0),
                            ("SK kepala perangkat daerah", 10),
                            ("SK/Perbup Bupati", 25),
                        ],
                    ),
                    indicator(
                        "K.2",
                        "Dukungan anggaran",
                        Some(&[Budget]),
                        &[
                            ("Belum ada", 0),
                            ("Anggaran unit", 10),
                            ("DPA khusus inovasi", 20),
                        ],
                    ),
                    indicator(
                        "K.3",
                        "Sumber daya manusia pelaksana",
                        None,
                        &[
                            ("1-10 orang", 5),
                            ("11-30 orang", 10),
                            ("Lebih dari 30 orang", 15),
                        ],
                    ),
                ],
            ),
            variable(
                "M",
                "Manfaat dan replikasi",
                Aspect::Innovation,
                vec![
                    indicator(
                        "M.1",
                        "Inovasi berjalan dan dimanfaatkan masyarakat",
                        Some(&[Photo, Report]),
                        &[
                            ("Uji coba", 5),
                            ("Berjalan sebagian", 10),
                            ("Berjalan penuh", 20),
                        ],
                    ),
                    indicator(
                        "M.2",
                        "Replikasi oleh unit atau daerah lain",
                        None,
                        &[
                            ("Belum", 0),
                            ("Di dalam daerah", 10),
                            ("Oleh daerah lain", 20),
                        ],
                    ),
                ],
            ),
        ],
    }
}

/// Loads the illustrative catalogue for `year`, published, unless that year has one;
/// answers whether it was created.
pub fn seed(conn: &mut DbConnection, context: &WriteContext, year: i64) -> ApiResult<bool> {
    match store::find(conn, year) {
        Ok(_) => return Ok(false),
        Err(ApiError::NotFound) => {}
        Err(other) => return Err(other),
    }
    store::create(conn, context, year, &illustrative(), None)?;
    store::publish(conn, context, year, &ExpectedVersion::Any)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_illustrative_catalogue_is_publishable_and_tops_out_at_100_per_aspect() {
        let catalogue = illustrative();
        assert_eq!(catalogue.check_publishable(), vec![]);
        for aspect in Aspect::ALL {
            let top: i64 = catalogue
                .indicators(*aspect)
                .map(|i| i.options.iter().map(|o| o.weight.0).max().unwrap_or(0))
                .sum();
            assert_eq!(top, 10_000, "{aspect}");
        }
    }
}
