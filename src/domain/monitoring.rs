//! The year of a signed agreement, quarter by quarter (triwulan I-IV, the "monev"): a
//! commitment's quarterly targets with the method that turns quarters into a year, the
//! rules those targets keep, and the achievement of each quarter and of the year with a
//! status for early warnings. Values are hundredths, as every target is.

use chrono::{Datelike, NaiveDate};

use super::agreement::Hundredths;
use super::field_issue::FieldIssue;

text_enum! {
    /// How a commitment's quarters make its year.
    pub enum CalculationMethod {
        /// The quarters add up to the year (people served, documents issued).
        Cumulative => "cumulative",
        /// The last quarter's value is the year's (a level reached, a rate).
        Latest => "latest",
        /// Higher is better, each quarter against its own target.
        Increasing => "increasing",
        /// Lower is better (waiting times, complaints), each quarter against its own target.
        Decreasing => "decreasing",
    }
}

text_enum! {
    /// Where a quarter, or the year, stands.
    pub enum AchievementStatus {
        /// The year's target is met (a lower-is-better target may be met early).
        Achieved => "achieved",
        /// The quarter's target is met; the year's not yet.
        OnTrack => "on_track",
        /// The quarter's target is not met.
        Behind => "behind",
        /// No target for the quarter, or no realization yet.
        NotAssessable => "not_assessable",
    }
}

/// A quarter of the year, I to IV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter(u8);

impl Quarter {
    pub const ALL: [Quarter; 4] = [Quarter(1), Quarter(2), Quarter(3), Quarter(4)];

    /// Quarter `number` (1-4).
    pub fn new(number: i64) -> Option<Self> {
        u8::try_from(number)
            .ok()
            .filter(|n| (1..=4).contains(n))
            .map(Self)
    }

    /// The quarter `date` falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self(u8::try_from(date.month0() / 3 + 1).unwrap_or(4))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    /// Its place in a `[_; 4]`.
    pub fn index(self) -> usize {
        usize::from(self.0 - 1)
    }

    /// "I" to "IV", as "Triwulan II" prints it.
    pub fn roman(self) -> &'static str {
        ["I", "II", "III", "IV"][self.index()]
    }

    /// The first day of this quarter of `year`.
    pub fn starts_on(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, u32::from(self.0 - 1) * 3 + 1, 1)
    }

    /// The last day of this quarter of `year`.
    pub fn ends_on(self, year: i32) -> Option<NaiveDate> {
        match Quarter::new(i64::from(self.0) + 1) {
            Some(next) => next.starts_on(year)?.pred_opt(),
            None => NaiveDate::from_ymd_opt(year, 12, 31),
        }
    }

    /// Whether this quarter of `year` has started by `today` (a realization of a quarter
    /// not yet begun is refused).
    pub fn has_started(self, year: i32, today: NaiveDate) -> bool {
        self.starts_on(year).is_some_and(|start| start <= today)
    }
}

/// A value per quarter, absent where none was set.
pub type PerQuarter = [Option<Hundredths>; 4];

/// A commitment's targets for the year's quarters and the method that makes them a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterlyTargets {
    pub method: CalculationMethod,
    pub targets: PerQuarter,
}

impl QuarterlyTargets {
    /// The rules against the commitment's `yearly` target, each broken one at a dotted
    /// path under `prefix` (`commitments.0.quarterly_targets`): no negative value, a
    /// target for one quarter at least; `cumulative` quarters add up to the year; for the
    /// other methods the last quarter with a target is the year's, `increasing` targets
    /// never fall and `decreasing` ones never rise.
    pub fn issues(&self, yearly: Hundredths, prefix: &str) -> Vec<FieldIssue> {
        let mut issues = Vec::new();
        let given: Vec<(Quarter, Hundredths)> = Quarter::ALL
            .iter()
            .filter_map(|&q| self.targets[q.index()].map(|t| (q, t)))
            .collect();
        for &(quarter, target) in &given {
            if target.0 < 0 {
                issues.push(FieldIssue::new(
                    format!("{prefix}.targets.{}", quarter.index()),
                    "negative",
                ));
            }
        }
        let Some(&(last_quarter, last)) = given.last() else {
            issues.push(FieldIssue::new(
                format!("{prefix}.targets"),
                "no_quarter_target",
            ));
            return issues;
        };
        match self.method {
            CalculationMethod::Cumulative => {
                let sum = Hundredths(given.iter().map(|(_, t)| t.0).sum());
                if sum != yearly {
                    issues.push(
                        FieldIssue::new(format!("{prefix}.targets"), "quarters_not_yearly_sum")
                            .with("sum", sum)
                            .with("yearly", yearly),
                    );
                }
            }
            method => {
                if last != yearly {
                    issues.push(
                        FieldIssue::new(
                            format!("{prefix}.targets.{}", last_quarter.index()),
                            "last_quarter_not_yearly",
                        )
                        .with("yearly", yearly),
                    );
                }
                for pair in given.windows(2) {
                    let ((_, before), (quarter, after)) = (pair[0], pair[1]);
                    let wrong_way = match method {
                        CalculationMethod::Increasing => after < before,
                        CalculationMethod::Decreasing => after > before,
                        _ => false,
                    };
                    if wrong_way {
                        issues.push(FieldIssue::new(
                            format!("{prefix}.targets.{}", quarter.index()),
                            if method == CalculationMethod::Increasing {
                                "target_falls"
                            } else {
                                "target_rises"
                            },
                        ));
                    }
                }
            }
        }
        issues
    }
}

/// A quarter's or the year's achievement: the percentage (absent when not assessable) and
/// the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Achievement {
    pub percent: Option<Hundredths>,
    pub status: AchievementStatus,
}

impl Achievement {
    const NOT_ASSESSABLE: Self = Self {
        percent: None,
        status: AchievementStatus::NotAssessable,
    };
}

/// `numerator / denominator` in hundredths, rounded half away from zero.
fn divide_rounded(numerator: i128, denominator: i128) -> i64 {
    let quotient = (2 * numerator + denominator.signum() * denominator) / (2 * denominator);
    i64::try_from(quotient).unwrap_or(i64::MAX)
}

/// Percent of `target` reached by `realized`. Higher is better: realized / target; lower is
/// better, the SAKIP formula for such indicators: (2 x target - realized) / target, never
/// below 0. A zero target is met (100%) by any value when higher is better, by zero alone
/// when lower is better.
fn percent(realized: Hundredths, target: Hundredths, lower_is_better: bool) -> Hundredths {
    let (r, t) = (i128::from(realized.0), i128::from(target.0));
    if t == 0 {
        let met = !lower_is_better || r == 0;
        return Hundredths(if met { 10_000 } else { 0 });
    }
    let reached = if lower_is_better { 2 * t - r } else { r };
    Hundredths(divide_rounded(reached.max(0) * 10_000, t))
}

/// Whether `realized` meets `target`.
fn meets(realized: Hundredths, target: Hundredths, lower_is_better: bool) -> bool {
    if lower_is_better {
        realized <= target
    } else {
        realized >= target
    }
}

/// A commitment under monitoring: its yearly target, its quarterly targets, and the
/// realizations recorded so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Monitored {
    pub yearly_target: Hundredths,
    pub quarterly: QuarterlyTargets,
    pub realizations: PerQuarter,
}

impl Monitored {
    fn lower_is_better(&self) -> bool {
        self.quarterly.method == CalculationMethod::Decreasing
    }

    /// The value `quarter` is judged by, and the target it is judged against: the
    /// quarters so far summed for `cumulative`, the quarter's own otherwise.
    fn to_date(&self, quarter: Quarter) -> Option<(Hundredths, Hundredths)> {
        let i = quarter.index();
        let (target, realized) = (self.quarterly.targets[i]?, self.realizations[i]?);
        if self.quarterly.method != CalculationMethod::Cumulative {
            return Some((realized, target));
        }
        let sum =
            |values: &PerQuarter| Hundredths(values[..=i].iter().flatten().map(|v| v.0).sum());
        Some((sum(&self.realizations), sum(&self.quarterly.targets)))
    }

    /// `quarter`'s achievement.
    pub fn quarter(&self, quarter: Quarter) -> Achievement {
        let Some((realized, target)) = self.to_date(quarter) else {
            return Achievement::NOT_ASSESSABLE;
        };
        let lower = self.lower_is_better();
        let status = if meets(realized, self.yearly_target, lower) {
            AchievementStatus::Achieved
        } else if meets(realized, target, lower) {
            AchievementStatus::OnTrack
        } else {
            AchievementStatus::Behind
        };
        Achievement {
            percent: Some(percent(realized, target, lower)),
            status,
        }
    }

    /// The year's realization from the quarters recorded: their sum for `cumulative`,
    /// the last one recorded otherwise; `None` before the first.
    pub fn yearly_realization(&self) -> Option<Hundredths> {
        let recorded = self.realizations.iter().flatten();
        match self.quarterly.method {
            CalculationMethod::Cumulative => {
                recorded.map(|v| v.0).reduce(|a, b| a + b).map(Hundredths)
            }
            _ => recorded.last().copied(),
        }
    }

    /// The year's achievement: the yearly realization against the yearly target; achieved
    /// once met, otherwise as the latest quarter that can be judged stands.
    pub fn year(&self) -> Achievement {
        let Some(realized) = self.yearly_realization() else {
            return Achievement::NOT_ASSESSABLE;
        };
        let lower = self.lower_is_better();
        let status = if meets(realized, self.yearly_target, lower) {
            AchievementStatus::Achieved
        } else {
            Quarter::ALL
                .iter()
                .rev()
                .map(|&q| self.quarter(q).status)
                .find(|s| *s != AchievementStatus::NotAssessable)
                .unwrap_or(AchievementStatus::NotAssessable)
        };
        Achievement {
            percent: Some(percent(realized, self.yearly_target, lower)),
            status,
        }
    }
}

text_enum! {
    /// Why a commitment is flagged in a quarter's early warnings.
    pub enum WarningReason {
        /// Its realization falls short of the quarter's target.
        Behind => "behind",
        /// The quarter is over (or closed by the lab) and nothing was realized.
        Missing => "missing",
    }
}

impl Monitored {
    /// Whether `quarter` warns: behind its target, or without a realization once the
    /// quarter is `over`. A quarter without a target never warns.
    pub fn warning(&self, quarter: Quarter, over: bool) -> Option<WarningReason> {
        self.quarterly.targets[quarter.index()]?;
        if self.realizations[quarter.index()].is_none() {
            return over.then_some(WarningReason::Missing);
        }
        (self.quarter(quarter).status == AchievementStatus::Behind).then_some(WarningReason::Behind)
    }
}

/// A realization's value: never negative (a count, a time, a rate).
pub fn realization_issue(value: Hundredths, path: &str) -> Option<FieldIssue> {
    (value.0 < 0).then(|| FieldIssue::new(path, "negative"))
}

#[cfg(test)]
mod tests {
    use super::AchievementStatus::{Achieved, Behind, NotAssessable, OnTrack};
    use super::CalculationMethod::{Cumulative, Decreasing, Increasing, Latest};
    use super::*;

    fn values(v: [Option<i64>; 4]) -> PerQuarter {
        v.map(|v| v.map(|v| Hundredths(v * 100)))
    }

    fn monitored(
        method: CalculationMethod,
        yearly: i64,
        targets: [Option<i64>; 4],
        realizations: [Option<i64>; 4],
    ) -> Monitored {
        Monitored {
            yearly_target: Hundredths(yearly * 100),
            quarterly: QuarterlyTargets {
                method,
                targets: values(targets),
            },
            realizations: values(realizations),
        }
    }

    fn shown(a: Achievement) -> (Option<String>, AchievementStatus) {
        (a.percent.map(|p| p.to_string()), a.status)
    }

    fn pct(text: &str, status: AchievementStatus) -> (Option<String>, AchievementStatus) {
        (Some(text.to_owned()), status)
    }

    const NONE: (Option<String>, AchievementStatus) = (None, NotAssessable);

    /// Every method and edge, quarter by quarter, and the year: (case, expected I-IV,
    /// expected year).
    #[test]
    fn achievement_by_method_quarter_by_quarter_and_for_the_year() {
        type Row = (
            &'static str,
            Monitored,
            [(Option<String>, AchievementStatus); 4],
            (Option<String>, AchievementStatus),
        );
        let table: Vec<Row> = vec![
            (
                // 1,000 people served in the year, 250 a quarter: Q1 300 (ahead), Q2 150
                // (450 of 500 to date: behind), Q3 not yet recorded.
                "cumulative, under way",
                monitored(
                    Cumulative,
                    1000,
                    [Some(250); 4],
                    [Some(300), Some(150), None, None],
                ),
                [pct("120.00", OnTrack), pct("90.00", Behind), NONE, NONE],
                pct("45.00", Behind),
            ),
            (
                "cumulative, the year met in the third quarter",
                monitored(
                    Cumulative,
                    1000,
                    [Some(250); 4],
                    [Some(400), Some(400), Some(300), None],
                ),
                [
                    pct("160.00", OnTrack),
                    pct("160.00", OnTrack),
                    pct("146.67", Achieved),
                    NONE,
                ],
                pct("110.00", Achieved),
            ),
            (
                // Targets for the second half only: the first quarters cannot be judged,
                // even with a value.
                "cumulative, no target in a quarter",
                monitored(
                    Cumulative,
                    10,
                    [None, None, Some(5), Some(5)],
                    [Some(1), None, Some(5), None],
                ),
                [NONE, NONE, pct("120.00", OnTrack), NONE],
                pct("60.00", OnTrack),
            ),
            (
                "latest: the last value recorded is the year's",
                monitored(
                    Latest,
                    80,
                    [Some(20), Some(40), Some(60), Some(80)],
                    [Some(25), Some(35), None, None],
                ),
                [pct("125.00", OnTrack), pct("87.50", Behind), NONE, NONE],
                pct("43.75", Behind),
            ),
            (
                "increasing, met at the end",
                monitored(
                    Increasing,
                    90,
                    [Some(60), Some(70), Some(80), Some(90)],
                    [Some(60), Some(69), Some(85), Some(95)],
                ),
                [
                    pct("100.00", OnTrack),
                    pct("98.57", Behind),
                    pct("106.25", OnTrack),
                    pct("105.56", Achieved),
                ],
                pct("105.56", Achieved),
            ),
            (
                // Waiting time in minutes, 30 down to 15: 14 in the second quarter meets
                // the year's target early.
                "decreasing, met early",
                monitored(
                    Decreasing,
                    15,
                    [Some(30), Some(25), Some(20), Some(15)],
                    [Some(33), Some(14), None, None],
                ),
                [pct("90.00", Behind), pct("144.00", Achieved), NONE, NONE],
                pct("106.67", Achieved),
            ),
            (
                "decreasing, far behind: never below 0%",
                monitored(Decreasing, 10, [Some(10); 4], [Some(35), None, None, None]),
                [pct("0.00", Behind), NONE, NONE, NONE],
                pct("0.00", Behind),
            ),
            (
                // Zero complaints wanted: zero meets it, one does not.
                "decreasing, zero targets",
                monitored(Decreasing, 0, [Some(0); 4], [Some(0), Some(1), None, None]),
                [pct("100.00", Achieved), pct("0.00", Behind), NONE, NONE],
                pct("0.00", Behind),
            ),
            (
                "increasing, zero targets are met by any value",
                monitored(Increasing, 0, [Some(0); 4], [Some(0), None, None, None]),
                [pct("100.00", Achieved), NONE, NONE, NONE],
                pct("100.00", Achieved),
            ),
            (
                "nothing recorded yet",
                monitored(Cumulative, 100, [Some(25); 4], [None; 4]),
                [NONE, NONE, NONE, NONE],
                NONE,
            ),
        ];
        for (case, commitment, quarters, year) in table {
            for quarter in Quarter::ALL {
                assert_eq!(
                    shown(commitment.quarter(quarter)),
                    quarters[quarter.index()],
                    "{case}: quarter {}",
                    quarter.roman()
                );
            }
            assert_eq!(shown(commitment.year()), year, "{case}: the year");
        }
    }

    fn codes(
        method: CalculationMethod,
        yearly: i64,
        targets: [Option<i64>; 4],
    ) -> Vec<(String, &'static str)> {
        QuarterlyTargets {
            method,
            targets: values(targets),
        }
        .issues(Hundredths(yearly * 100), "q")
        .into_iter()
        .map(|issue| (issue.path, issue.code))
        .collect()
    }

    #[test]
    fn quarterly_targets_keep_their_methods_rules() {
        let ok: Vec<(String, &str)> = Vec::new();
        assert_eq!(codes(Cumulative, 1000, [Some(250); 4]), ok);
        assert_eq!(
            codes(Cumulative, 1000, [None, Some(500), None, Some(500)]),
            ok
        );
        assert_eq!(
            codes(Cumulative, 1000, [Some(250), Some(250), Some(250), None]),
            [("q.targets".to_owned(), "quarters_not_yearly_sum")]
        );
        assert_eq!(codes(Latest, 80, [Some(90), Some(20), None, Some(80)]), ok);
        assert_eq!(
            codes(Latest, 80, [Some(20), Some(40), Some(60), None]),
            [("q.targets.2".to_owned(), "last_quarter_not_yearly")]
        );
        assert_eq!(
            codes(Increasing, 90, [Some(60), Some(60), Some(80), Some(90)]),
            ok
        );
        assert_eq!(
            codes(Increasing, 90, [Some(60), Some(50), Some(80), Some(90)]),
            [("q.targets.1".to_owned(), "target_falls")]
        );
        assert_eq!(
            codes(Decreasing, 15, [Some(30), Some(25), Some(20), Some(15)]),
            ok
        );
        assert_eq!(
            codes(Decreasing, 15, [Some(30), Some(35), None, Some(15)]),
            [("q.targets.1".to_owned(), "target_rises")]
        );
        assert_eq!(
            codes(Cumulative, 0, [Some(-5), Some(5), None, None]),
            [("q.targets.0".to_owned(), "negative")]
        );
        assert_eq!(
            codes(Increasing, 10, [None; 4]),
            [("q.targets".to_owned(), "no_quarter_target")]
        );
        assert_eq!(
            realization_issue(Hundredths(-1), "value").map(|i| i.code),
            Some("negative")
        );
        assert_eq!(realization_issue(Hundredths(0), "value"), None);
    }

    #[test]
    fn a_quarter_warns_when_behind_or_when_over_without_a_realization() {
        let commitment = monitored(
            Cumulative,
            1000,
            [Some(250), Some(250), None, Some(500)],
            [Some(300), Some(100), None, None],
        );
        let q = |n| Quarter::new(n).unwrap();
        assert_eq!(commitment.warning(q(1), true), None);
        assert_eq!(commitment.warning(q(2), false), Some(WarningReason::Behind));
        assert_eq!(
            commitment.warning(q(3), true),
            None,
            "no target, no warning"
        );
        assert_eq!(commitment.warning(q(4), false), None, "not over yet");
        assert_eq!(commitment.warning(q(4), true), Some(WarningReason::Missing));
    }

    #[test]
    fn quarters_start_on_the_first_of_january_april_july_and_october() {
        let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(Quarter::of(date(3, 31)), Quarter::new(1).unwrap());
        assert_eq!(Quarter::of(date(4, 1)), Quarter::new(2).unwrap());
        assert_eq!(Quarter::of(date(12, 31)).roman(), "IV");
        assert_eq!(Quarter::new(3).unwrap().starts_on(2026), Some(date(7, 1)));
        assert!(Quarter::new(3).unwrap().has_started(2026, date(7, 1)));
        assert!(!Quarter::new(3).unwrap().has_started(2026, date(6, 30)));
        assert!(Quarter::new(4).unwrap().has_started(2025, date(1, 1)));
        assert_eq!((Quarter::new(0), Quarter::new(5)), (None, None));
        assert_eq!(Quarter::new(1).unwrap().ends_on(2026), Some(date(3, 31)));
        assert_eq!(Quarter::new(4).unwrap().ends_on(2026), Some(date(12, 31)));
    }
}
