//! The agencies of the Kebumen story. Agencies whose code exists are left as they are.

use crate::db::{DbConnection, WriteContext};
use crate::domain::agency::{AgencyDraft, AgencyKind};
use crate::domain::nip::Nip;
use crate::error::{ApiError, ApiResult};
use crate::store::agencies as store;

struct Sample {
    code: &'static str,
    name: &'static str,
    short_name: &'static str,
    kind: AgencyKind,
    parent: Option<&'static str>,
    head_name: &'static str,
    /// Made-up NIPs of the right shape; BUMD directors have none.
    head_nip: Option<&'static str>,
    head_title: &'static str,
}

const SAMPLES: &[Sample] = &[
    Sample {
        code: "SETDA",
        name: "Sekretariat Daerah Kabupaten Kebumen",
        short_name: "Setda",
        kind: AgencyKind::Agency,
        parent: None,
        head_name: "Drs. Adi Pandoyo, M.Si.",
        head_nip: Some("19650312 198603 1 012"),
        head_title: "Sekretaris Daerah",
    },
    Sample {
        code: "BAG-HUKUM",
        name: "Bagian Hukum Sekretariat Daerah Kabupaten Kebumen",
        short_name: "Bagian Hukum Setda",
        kind: AgencyKind::SecretariatSection,
        parent: Some("SETDA"),
        head_name: "Rina Wulandari, S.H., M.H.",
        head_nip: Some("19780512 200501 2 003"),
        head_title: "Kepala Bagian Hukum",
    },
    Sample {
        code: "BAG-TAPEM",
        name: "Bagian Tata Pemerintahan Sekretariat Daerah Kabupaten Kebumen",
        short_name: "Bagian Tapem Setda",
        kind: AgencyKind::SecretariatSection,
        parent: Some("SETDA"),
        head_name: "Agus Prasetyo, S.STP., M.Si.",
        head_nip: Some("19800917 199912 1 001"),
        head_title: "Kepala Bagian Tata Pemerintahan",
    },
    Sample {
        code: "BPMPT",
        name: "Badan Penanaman Modal dan Pelayanan Terpadu Kabupaten Kebumen",
        short_name: "BPMPT",
        kind: AgencyKind::Agency,
        parent: None,
        head_name: "Ir. Bambang Sutrisno, M.M.",
        head_nip: Some("19680224 199403 1 005"),
        head_title: "Kepala BPMPT",
    },
    Sample {
        code: "DINKES",
        name: "Dinas Kesehatan Kabupaten Kebumen",
        short_name: "Dinkes",
        kind: AgencyKind::Agency,
        parent: None,
        head_name: "dr. Hery Setiyanto, M.Kes.",
        head_nip: Some("19700105 200003 1 004"),
        head_title: "Kepala Dinas Kesehatan",
    },
    Sample {
        code: "DISDIKPORA",
        name: "Dinas Pendidikan, Pemuda dan Olahraga Kabupaten Kebumen",
        short_name: "Disdikpora",
        kind: AgencyKind::Agency,
        parent: None,
        head_name: "Drs. Mahmud Fauzi, M.Pd.",
        head_nip: Some("19661120 199203 1 007"),
        head_title: "Kepala Dinas Pendidikan, Pemuda dan Olahraga",
    },
    Sample {
        code: "DISDUKCAPIL",
        name: "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kebumen",
        short_name: "Disdukcapil",
        kind: AgencyKind::Agency,
        parent: None,
        head_name: "Siti Nurjanah, S.Sos., M.M.",
        head_nip: Some("19740808 199803 2 006"),
        head_title: "Kepala Dinas Kependudukan dan Pencatatan Sipil",
    },
    Sample {
        code: "RSUD",
        name: "Rumah Sakit Umum Daerah dr. Soedirman Kabupaten Kebumen",
        short_name: "RSUD dr. Soedirman",
        kind: AgencyKind::Hospital,
        parent: None,
        head_name: "dr. Widodo Hadi Saputro, Sp.PD.",
        head_nip: Some("19720415 200212 1 003"),
        head_title: "Direktur RSUD",
    },
    Sample {
        code: "PKM-KEBUMEN-1",
        name: "UPT Puskesmas Kebumen I",
        short_name: "Puskesmas Kebumen I",
        kind: AgencyKind::HealthCenter,
        parent: Some("DINKES"),
        head_name: "dr. Eka Yulianti",
        head_nip: Some("19830630 201001 2 009"),
        head_title: "Kepala UPT Puskesmas Kebumen I",
    },
    Sample {
        code: "PKM-GOMBONG-1",
        name: "UPT Puskesmas Gombong I",
        short_name: "Puskesmas Gombong I",
        kind: AgencyKind::HealthCenter,
        parent: Some("DINKES"),
        head_name: "dr. Arif Rahman Hakim",
        head_nip: Some("19810219 200903 1 002"),
        head_title: "Kepala UPT Puskesmas Gombong I",
    },
    Sample {
        code: "PKM-KARANGANYAR",
        name: "UPT Puskesmas Karanganyar",
        short_name: "Puskesmas Karanganyar",
        kind: AgencyKind::HealthCenter,
        parent: Some("DINKES"),
        head_name: "Sri Lestari, S.K.M.",
        head_nip: Some("19790311 200501 2 011"),
        head_title: "Kepala UPT Puskesmas Karanganyar",
    },
    Sample {
        code: "PDAM",
        name: "Perusahaan Umum Daerah Air Minum Tirta Bumi Kebumen",
        short_name: "PDAM Tirta Bumi",
        kind: AgencyKind::Enterprise,
        parent: None,
        head_name: "Ir. Joko Santoso, M.T.",
        head_nip: None,
        head_title: "Direktur Utama",
    },
    Sample {
        code: "KEC-KEBUMEN",
        name: "Kecamatan Kebumen",
        short_name: "Kec. Kebumen",
        kind: AgencyKind::SubDistrict,
        parent: None,
        head_name: "Hartono, S.Sos.",
        head_nip: Some("19690704 199003 1 008"),
        head_title: "Camat Kebumen",
    },
];

/// The codes of the sample agencies, for the innovations to be spread over.
pub fn codes() -> impl Iterator<Item = &'static str> {
    SAMPLES.iter().map(|sample| sample.code)
}

/// Inserts the sample agencies that are missing; returns (created, already present).
pub fn seed(
    conn: &mut DbConnection,
    context: &WriteContext,
    region_code: &str,
) -> ApiResult<(usize, usize)> {
    let mut created = 0;
    for sample in SAMPLES {
        if store::find_by_code(conn, sample.code)?.is_some() {
            continue;
        }
        let parent_id = match sample.parent {
            Some(code) => store::find_by_code(conn, code)?.map(|parent| parent.id),
            None => None,
        };
        let head_nip = sample
            .head_nip
            .map(Nip::parse)
            .transpose()
            .map_err(|e| ApiError::internal(format!("bad sample NIP: {}", e.code())))?;
        store::insert(
            conn,
            context,
            AgencyDraft {
                code: sample.code.into(),
                name: sample.name.into(),
                short_name: Some(sample.short_name.into()),
                kind: sample.kind,
                parent_id,
                region_code: region_code.to_owned(),
                head_name: Some(sample.head_name.into()),
                head_nip,
                head_title: Some(sample.head_title.into()),
                address: None,
                phone: None,
                email: None,
                active: true,
            },
        )?;
        created += 1;
    }
    Ok((created, SAMPLES.len() - created))
}
