//! The demo cohort and its 182 innovations.

use chrono::NaiveDate;

use crate::db::{DbConnection, WriteContext};
use crate::domain::innovation::{InitiatorType, InnovationForm, InnovationStatus};
use crate::domain::lab_stage::LabStage;
use crate::error::ApiResult;
use crate::store::agencies as agency_store;
use crate::store::cohorts::{self, CohortDraft};
use crate::store::innovations::{self, InnovationDraft, MoveDetails};

const COHORT: &str = "Laboratorium Inovasi Kebumen 2016";
const TOTAL: usize = 182;

/// The three the article names, then generated ones.
struct Named {
    name: &'static str,
    expansion: &'static str,
    agency: &'static str,
    form: &'static str,
    digital: bool,
    affairs: &'static [&'static str],
    problem: &'static str,
    approach: &'static str,
    beneficiaries: &'static str,
    target: Option<i64>,
}

const NAMED: &[Named] = &[
    Named {
        name: "MUTTU 1000",
        expansion: "MoU Sertifikat Tanah untuk 1.000 UMKM",
        agency: "BAG-TAPEM",
        form: "public_service",
        digital: false,
        affairs: &["pertanahan", "koperasi dan UMKM"],
        problem: "Banyak usaha mikro dan kecil belum memiliki sertifikat tanah sehingga sulit mendapat kredit.",
        approach: "Nota kesepahaman dengan BPN untuk sertifikasi tanah 1.000 UMKM secara kolektif.",
        beneficiaries: "1.000 usaha mikro dan kecil di Kabupaten Kebumen",
        target: Some(1000),
    },
    Named {
        name: "Siperi",
        expansion: "Sistem Perizinan Online",
        agency: "BPMPT",
        form: "public_service",
        digital: true,
        affairs: &["penanaman modal"],
        problem: "Pemohon izin harus datang berkali-kali dan tidak tahu posisi berkasnya.",
        approach: "Permohonan, pelacakan dan penerbitan izin secara daring di satu pintu.",
        beneficiaries: "Pemohon izin usaha dan non-usaha",
        target: None,
    },
    Named {
        name: "ELEGAN",
        expansion: "Elektronik Legal Drafting",
        agency: "BAG-HUKUM",
        form: "governance",
        digital: true,
        affairs: &["hukum"],
        problem: "Penyusunan produk hukum daerah lambat dan berkas sering tercecer.",
        approach: "Rancangan peraturan disusun, diperiksa dan disetujui secara elektronik.",
        beneficiaries: "SKPD pengusul rancangan produk hukum",
        target: Some(80),
    },
];

const PREFIXES: &[&str] = &[
    "Si",
    "Gerakan",
    "Layanan",
    "Kartu",
    "Pojok",
    "Rumah",
    "Mobil",
    "Kampung",
    "Sahabat",
    "Jemput Bola",
    "Klinik",
    "Desa",
];
const SUBJECTS: &[(&str, &str, &[&str])] = &[
    ("Sehat", "kesehatan", &["kesehatan"]),
    ("Pintar", "pendidikan", &["pendidikan"]),
    (
        "Ramah Anak",
        "perlindungan anak",
        &["pemberdayaan perempuan dan perlindungan anak"],
    ),
    ("UMKM", "usaha mikro", &["koperasi dan UMKM"]),
    (
        "Dokumen Kependudukan",
        "administrasi kependudukan",
        &["administrasi kependudukan dan pencatatan sipil"],
    ),
    (
        "Air Bersih",
        "air minum",
        &["pekerjaan umum dan penataan ruang"],
    ),
    ("Posyandu", "gizi balita", &["kesehatan"]),
    ("Pangan", "ketahanan pangan", &["pangan"]),
    ("Lansia", "layanan lansia", &["sosial"]),
    ("Arsip", "kearsipan", &["kearsipan"]),
    ("Wisata", "pariwisata", &["pariwisata"]),
    ("Petani", "pertanian", &["pertanian"]),
    ("Ibu Hamil", "kesehatan ibu", &["kesehatan"]),
    ("Pajak", "pajak daerah", &["keuangan"]),
    ("Difabel", "layanan disabilitas", &["sosial"]),
];

/// The stage of the `index`-th innovation: most were launched at the cohort's delivery,
/// some are already on display, a few are still in design.
fn stage_of(index: usize) -> LabStage {
    match index % 10 {
        0 => LabStage::Display,
        7 => LabStage::Design,
        _ => LabStage::Delivery,
    }
}

/// Creates the cohort (if missing) and the innovations missing from it; returns
/// (cohort id, created, already present).
pub fn seed(
    conn: &mut DbConnection,
    context: &WriteContext,
    region_code: &str,
    today: NaiveDate,
) -> ApiResult<(i64, usize, usize)> {
    let launch = NaiveDate::from_ymd_opt(2016, 10, 12).unwrap_or(today);
    let cohort = match cohorts::find_by_name(conn, region_code, COHORT)? {
        Some(cohort) => cohort,
        None => cohorts::insert(
            conn,
            context,
            &CohortDraft {
                name: COHORT.into(),
                region_code: region_code.into(),
                year: 2016,
                partner: Some("LAN RI".into()),
                description: Some(
                    "Laboratorium Inovasi Pelayanan Publik pertama di Jawa Tengah: 182 inovasi siap diluncurkan."
                        .into(),
                ),
                lab_stage: LabStage::Delivery.as_str().into(),
                drum_up_on: NaiveDate::from_ymd_opt(2016, 5, 10),
                diagnose_on: NaiveDate::from_ymd_opt(2016, 6, 1),
                design_on: NaiveDate::from_ymd_opt(2016, 7, 15),
                delivery_on: Some(launch),
                display_on: None,
            },
        )?,
    };
    let agency_codes: Vec<&str> = super::agencies::codes().collect();
    let mut agency_ids = Vec::new();
    for code in &agency_codes {
        if let Some(agency) = agency_store::find_by_code(conn, code)? {
            agency_ids.push((agency.code, agency.id));
        }
    }
    let agency_id = |code: &str| {
        agency_ids
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| *id)
    };
    let (mut created, mut present) = (0, 0);
    for index in 0..TOTAL {
        let (draft, stage) = match NAMED.get(index) {
            Some(named) => {
                let Some(agency_id) = agency_id(named.agency) else {
                    continue;
                };
                (
                    InnovationDraft {
                        cohort_id: cohort.id,
                        agency_id,
                        name: named.name.into(),
                        acronym_expansion: Some(named.expansion.into()),
                        initiator_type: InitiatorType::Agency,
                        initiator_name: None,
                        form: InnovationForm::parse(named.form).unwrap_or(InnovationForm::Other),
                        digital: named.digital,
                        government_affairs: named.affairs.iter().map(|a| a.to_string()).collect(),
                        problem: Some(named.problem.into()),
                        approach: Some(named.approach.into()),
                        goals: None,
                        benefits: None,
                        results: None,
                        beneficiaries: Some(named.beneficiaries.into()),
                        beneficiaries_target: named.target,
                        trial_on: NaiveDate::from_ymd_opt(2016, 9, 1),
                        status: InnovationStatus::Active,
                    },
                    LabStage::Delivery,
                )
            }
            None => {
                let Some((_, agency_id)) = agency_ids.get(index % agency_ids.len().max(1)).cloned()
                else {
                    continue;
                };
                let prefix = PREFIXES[index % PREFIXES.len()];
                let (subject, topic, affairs) = SUBJECTS[(index / PREFIXES.len()) % SUBJECTS.len()];
                let round = index / (PREFIXES.len() * SUBJECTS.len());
                let name = if round == 0 {
                    format!("{prefix} {subject}")
                } else {
                    format!("{prefix} {subject} {}", round + 1)
                };
                (
                    InnovationDraft {
                        cohort_id: cohort.id,
                        agency_id,
                        name,
                        acronym_expansion: None,
                        initiator_type: if index % 4 == 0 {
                            InitiatorType::CivilServant
                        } else {
                            InitiatorType::Agency
                        },
                        initiator_name: None,
                        form: if index % 5 == 0 {
                            InnovationForm::Governance
                        } else {
                            InnovationForm::PublicService
                        },
                        digital: index % 3 == 0,
                        government_affairs: affairs.iter().map(|a| a.to_string()).collect(),
                        problem: Some(format!(
                            "Layanan {topic} belum menjangkau warga dengan cepat dan mudah."
                        )),
                        approach: Some(format!(
                            "Layanan {topic} didekatkan ke warga dengan prosedur yang disederhanakan."
                        )),
                        goals: None,
                        benefits: None,
                        results: None,
                        beneficiaries: Some("Warga Kabupaten Kebumen".into()),
                        beneficiaries_target: Some(((index % 9) as i64 + 1) * 100),
                        trial_on: None,
                        status: InnovationStatus::Active,
                    },
                    stage_of(index),
                )
            }
        };
        if innovations::name_taken(conn, cohort.id, &draft.name)? {
            present += 1;
            continue;
        }
        let mut row = innovations::insert(conn, context, draft, LabStage::DrumUp, None, "created")?;
        while row.stage() != stage {
            let Some(next) = row.stage().next() else {
                break;
            };
            let details = MoveDetails {
                note: Some(format!("tahap {next} Laboratorium Inovasi")),
                launched_on: (next == LabStage::Delivery).then_some(launch),
                ..MoveDetails::default()
            };
            match innovations::move_stage(conn, context, &row, next, &details)? {
                Some((moved, _)) => row = moved,
                None => break,
            }
        }
        created += 1;
    }
    Ok((cohort.id, created, present))
}
