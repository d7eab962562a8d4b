//! The demo's performance agreements for this year, monitored quarter by quarter: the
//! heads of Bagian Hukum (ELEGAN) and BPMPT (Siperi) sign with the Bupati (BPMPT's head as
//! Plt.), with quarterly targets, and every quarter begun so far has its realization,
//! written through the store's own paths (so hashes, yearly realizations and audit events
//! are real). Safe to run again: an agreement whose number exists is left as it is.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use crate::db::schema::{agencies, innovations, performance_agreements as agreements};
use crate::db::{DbConnection, WriteContext};
use crate::domain::agreement::{ActingCapacity, AgreementDraft, CommitmentDraft, Hundredths};
use crate::domain::monitoring::{CalculationMethod, Quarter, QuarterlyTargets};
use crate::domain::version::ExpectedVersion;
use crate::error::ApiResult;
use crate::store::agreements::{self as store, Party, QuarterRealization, Signing};

struct Planned {
    agency: &'static str,
    innovation: &'static str,
    indicator: &'static str,
    unit: &'static str,
    yearly: i64,
    method: CalculationMethod,
    targets: [Option<i64>; 4],
    /// What each quarter realized, for the quarters begun.
    realized: [i64; 4],
    /// Someone signing for the head, as `Plt.` or `Plh.`; `None`: the head signs.
    acting_official: Option<(&'static str, ActingCapacity)>,
}

const PLAN: &[Planned] = &[
    Planned {
        agency: "BAG-HUKUM",
        innovation: "ELEGAN",
        indicator: "Produk hukum daerah yang disusun secara elektronik",
        unit: "produk hukum",
        yearly: 80,
        method: CalculationMethod::Cumulative,
        targets: [Some(20), Some(20), Some(20), Some(20)],
        realized: [22, 15, 21, 24],
        acting_official: None,
    },
    Planned {
        agency: "BPMPT",
        innovation: "Siperi",
        indicator: "Rata-rata waktu penerbitan izin",
        unit: "hari kerja",
        yearly: 3,
        method: CalculationMethod::Decreasing,
        targets: [Some(7), Some(5), Some(4), Some(3)],
        realized: [8, 5, 3, 3],
        acting_official: Some(("Dwi Hartono, S.E., M.M.", ActingCapacity::Plt)),
    },
];

/// Adds the plan's agreements for `today`'s year; answers how many were created and how
/// many were there. Agencies or innovations the demo does not have are skipped.
pub fn seed(
    conn: &mut DbConnection,
    context: &WriteContext,
    today: NaiveDate,
) -> ApiResult<(usize, usize)> {
    let year = today.year();
    let (mut created, mut present) = (0, 0);
    for (index, plan) in PLAN.iter().enumerate() {
        let number = format!("060/{:03}/PK-INOV/{year}", index + 1);
        let exists = agreements::table
            .filter(agreements::number.eq(&number))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if exists {
            present += 1;
            continue;
        }
        let found: Option<(i64, i64, Option<String>, Option<String>)> = innovations::table
            .inner_join(agencies::table)
            .filter(agencies::code.eq(plan.agency))
            .filter(innovations::name.eq(plan.innovation))
            .select((
                agencies::id,
                innovations::id,
                agencies::head_title,
                agencies::head_name,
            ))
            .first(conn)
            .optional()?;
        let Some((agency_id, innovation_id, head_title, head_name)) = found else {
            continue;
        };
        let agreement = store::insert(
            conn,
            context,
            &AgreementDraft {
                number,
                year: i64::from(year),
                agency_id,
                statement: Some(
                    "Kami berjanji mewujudkan target inovasi sebagaimana tercantum dalam lampiran."
                        .into(),
                ),
            },
        )?;
        let commitment = store::insert_commitment(
            conn,
            context,
            agreement.id,
            &CommitmentDraft {
                innovation_id,
                indicator: plan.indicator.into(),
                target: Some(Hundredths(plan.yearly * 100)),
                unit: Some(plan.unit.into()),
                target_stage: None,
                due_on: None,
                quarterly: Some(QuarterlyTargets {
                    method: plan.method,
                    targets: plan.targets.map(|t| t.map(|t| Hundredths(t * 100))),
                }),
            },
        )?;
        store::sign(
            conn,
            context,
            agreement.id,
            &ExpectedVersion::Any,
            &Signing {
                signed_on: NaiveDate::from_ymd_opt(year, 1, 10).unwrap_or(today),
                signed_place: "Pendopo Rumah Dinas Bupati Kebumen".into(),
                first_party: Party {
                    name: "Ir. H. Mohammad Yahya Fuad, SE".into(),
                    nip: None,
                    title: "Bupati Kebumen".into(),
                    acting: None,
                },
                second_party: Some(Party {
                    name: match plan.acting_official {
                        Some((name, _)) => name.into(),
                        None => head_name.unwrap_or_else(|| "Kepala Perangkat Daerah".into()),
                    },
                    nip: None,
                    title: head_title.unwrap_or_else(|| "Kepala Perangkat Daerah".into()),
                    acting: plan.acting_official.map(|(_, acting)| acting),
                }),
            },
        )?;
        for quarter in Quarter::ALL {
            if !quarter.has_started(year, today) {
                break;
            }
            store::record_quarter(
                conn,
                context,
                agreement.id,
                commitment.id,
                &ExpectedVersion::Any,
                &QuarterRealization {
                    quarter,
                    value: Hundredths(plan.realized[quarter.index()] * 100),
                    note: Some(format!("Laporan monev triwulan {}", quarter.roman())),
                    document_ids: Vec::new(),
                    today,
                },
                || Ok(()),
            )?;
        }
        created += 1;
    }
    Ok((created, present))
}
