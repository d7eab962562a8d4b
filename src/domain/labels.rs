//! What each value of the API's enums is called, in Indonesian (the officials' language)
//! and English, so frontends show "Tahap III - Delivery" without hard-coding it. The
//! matches are exhaustive: a new value does not compile until it has both labels.

use super::account::Role;
use super::agency::AgencyKind;
use super::agreement::{ActingCapacity, AgreementStatus, AmendmentReason};
use super::evidence::DocumentKind;
use super::index::Aspect;
use super::index::catalogue::CatalogueStatus;
use super::index::workflow::{AssessmentStatus, Verdict};
use super::index::year::Basis;
use super::innovation::{InitiatorType, InnovationForm, InnovationStatus};
use super::lab_stage::LabStage;
use super::monitoring::CalculationMethod;

/// `(Indonesian, English)`.
pub type Label = (&'static str, &'static str);

pub trait Labelled: Copy + 'static {
    const ALL: &'static [Self];
    fn value(self) -> &'static str;
    fn label(self) -> Label;
}

macro_rules! labelled {
    ($enum:ident, |$value:ident| $labels:expr) => {
        impl Labelled for $enum {
            const ALL: &'static [Self] = $enum::ALL;

            fn value(self) -> &'static str {
                self.as_str()
            }

            fn label(self) -> Label {
                let $value = self;
                $labels
            }
        }
    };
}

labelled!(AgencyKind, |kind| match kind {
    AgencyKind::Agency => (
        "Perangkat Daerah (dinas/badan)",
        "Regional agency (dinas/badan)"
    ),
    AgencyKind::SecretariatSection => (
        "Bagian Sekretariat Daerah",
        "Section of the Regional Secretariat"
    ),
    AgencyKind::SubDistrict => ("Kecamatan", "Sub-district (kecamatan)"),
    AgencyKind::HealthCenter => ("UPT Puskesmas", "Community health centre (Puskesmas)"),
    AgencyKind::Hospital => ("Rumah Sakit Umum Daerah", "Regional public hospital (RSUD)"),
    AgencyKind::Enterprise => ("Badan Usaha Milik Daerah", "Regional enterprise (BUMD)"),
    AgencyKind::Other => ("Lainnya", "Other"),
});

labelled!(LabStage, |stage| match stage {
    LabStage::DrumUp => ("Tahap I - Drum Up", "Stage I - Drum-up"),
    LabStage::Diagnose => ("Tahap I - Diagnose", "Stage I - Diagnose"),
    LabStage::Design => ("Tahap II - Design", "Stage II - Design"),
    LabStage::Delivery => ("Tahap III - Delivery", "Stage III - Delivery"),
    LabStage::Display => ("Tahap IV - Display", "Stage IV - Display"),
});

labelled!(InnovationForm, |form| match form {
    InnovationForm::Governance => (
        "Inovasi tata kelola pemerintahan daerah",
        "Regional governance innovation"
    ),
    InnovationForm::PublicService => ("Inovasi pelayanan publik", "Public-service innovation"),
    InnovationForm::Other => ("Inovasi daerah lainnya", "Other regional innovation"),
});

labelled!(InitiatorType, |initiator| match initiator {
    InitiatorType::RegionalHead => ("Kepala Daerah", "Regional head"),
    InitiatorType::CouncilMember => ("Anggota DPRD", "Member of the regional council (DPRD)"),
    InitiatorType::Agency => ("Perangkat Daerah", "Regional agency"),
    InitiatorType::CivilServant => ("Aparatur Sipil Negara", "Civil servant (ASN)"),
    InitiatorType::Public => ("Masyarakat", "The public"),
});

labelled!(InnovationStatus, |status| match status {
    InnovationStatus::Draft => ("Draf", "Draft"),
    InnovationStatus::Active => ("Aktif", "Active"),
    InnovationStatus::Archived => ("Diarsipkan", "Archived"),
});

labelled!(AgreementStatus, |status| match status {
    AgreementStatus::Draft => ("Draf", "Draft"),
    AgreementStatus::Signed => ("Ditandatangani", "Signed"),
    AgreementStatus::Superseded => ("Digantikan oleh perubahan", "Superseded by an amendment"),
    AgreementStatus::Cancelled => ("Dibatalkan", "Cancelled"),
});

labelled!(AmendmentReason, |reason| match reason {
    AmendmentReason::ChangeOfOfficial => ("Pergantian pejabat", "Change of official"),
    AmendmentReason::ChangeOfStrategy => ("Perubahan strategi", "Change of strategy"),
    AmendmentReason::ChangeOfPriorities => ("Perubahan prioritas", "Change of priorities"),
});

labelled!(Role, |role| match role {
    Role::Admin => ("Administrator", "Administrator"),
    Role::AgencyEditor => ("Editor perangkat daerah", "Agency editor"),
    Role::Reviewer => ("Verifikator indeks inovasi", "Index reviewer"),
    Role::Viewer => ("Pembaca", "Viewer"),
});

labelled!(DocumentKind, |kind| match kind {
    DocumentKind::Decree => ("SK/Peraturan Bupati", "Decree (SK/Perbup)"),
    DocumentKind::Profile => ("Profil inovasi", "Innovation profile"),
    DocumentKind::Budget => ("Anggaran", "Budget"),
    DocumentKind::Photo => ("Foto", "Photo"),
    DocumentKind::Report => ("Laporan", "Report"),
    DocumentKind::Video => ("Video", "Video"),
    DocumentKind::Other => ("Lainnya", "Other"),
});

#[cfg(test)]
mod tests {
    use super::*;

    fn distinct<T: Labelled>() {
        let mut indonesian: Vec<&str> = T::ALL.iter().map(|v| v.label().0).collect();
        let mut english: Vec<&str> = T::ALL.iter().map(|v| v.label().1).collect();
        let count = T::ALL.len();
        indonesian.sort_unstable();
        indonesian.dedup();
        english.sort_unstable();
        english.dedup();
        assert_eq!((indonesian.len(), english.len()), (count, count));
    }

    #[test]
    fn labels_tell_values_apart_in_both_languages() {
        distinct::<AgencyKind>();
        distinct::<LabStage>();
        distinct::<InnovationForm>();
        distinct::<InitiatorType>();
        distinct::<InnovationStatus>();
        distinct::<AgreementStatus>();
        distinct::<AmendmentReason>();
        distinct::<Role>();
        distinct::<DocumentKind>();
        assert_eq!(LabStage::Delivery.label().0, "Tahap III - Delivery");
    }
}

labelled!(Aspect, |aspect| match aspect {
    Aspect::Government => ("Aspek Pemerintah Daerah", "Regional government aspect"),
    Aspect::Innovation => ("Aspek Inovasi Daerah", "Innovation aspect"),
});

labelled!(CatalogueStatus, |status| match status {
    CatalogueStatus::Draft => ("Draf", "Draft"),
    CatalogueStatus::Published => ("Terbit", "Published"),
});

labelled!(AssessmentStatus, |status| match status {
    AssessmentStatus::Draft => ("Draf", "Draft"),
    AssessmentStatus::Submitted => ("Diajukan", "Submitted"),
    AssessmentStatus::Returned => ("Dikembalikan untuk perbaikan", "Returned"),
    AssessmentStatus::Verified => ("Terverifikasi", "Verified"),
});

labelled!(Verdict, |verdict| match verdict {
    Verdict::Accepted => ("Diterima", "Accepted"),
    Verdict::Adjusted => ("Disesuaikan", "Adjusted"),
});

labelled!(CalculationMethod, |method| match method {
    CalculationMethod::Cumulative => ("Kumulatif", "Cumulative"),
    CalculationMethod::Latest => ("Nilai terakhir", "Latest value"),
    CalculationMethod::Increasing => ("Meningkat", "Increasing"),
    CalculationMethod::Decreasing => ("Menurun", "Decreasing"),
});

labelled!(ActingCapacity, |acting| match acting {
    ActingCapacity::Plt => ("Pelaksana Tugas (Plt.)", "Acting official (Plt.)"),
    ActingCapacity::Plh => ("Pelaksana Harian (Plh.)", "Stand-in official (Plh.)"),
});

labelled!(Basis, |basis| match basis {
    Basis::SelfAssessed => ("Nilai mandiri", "Self-assessed score"),
    Basis::Verified => ("Nilai terverifikasi", "Verified score"),
});
