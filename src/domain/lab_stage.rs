//! The lab's stages and the one set of rules for moving between them.
//!
//! The article's four stages (I drum-up & diagnose, II design, III delivery, IV display)
//! are five values after LAN's 5D method. Forward moves go one step at a time; a backward
//! move needs a reason (and, by policy, an administrator); an archived innovation does not
//! move. Reaching `delivery` is the launch.

text_enum! {
    /// A stage of the innovation lab, in lifecycle order.
    pub enum LabStage {
        /// I: inspiring and gathering would-be innovators.
        DrumUp => "drum_up",
        /// I: diagnosing the service problem.
        Diagnose => "diagnose",
        /// II: the action plan.
        Design => "design",
        /// III: the launch; innovations from here on are public.
        Delivery => "delivery",
        /// IV: results reported to the public.
        Display => "display",
    }
}

impl LabStage {
    /// 1-5, the place in the lifecycle (stored, for sorting).
    pub fn rank(self) -> i64 {
        match self {
            Self::DrumUp => 1,
            Self::Diagnose => 2,
            Self::Design => 3,
            Self::Delivery => 4,
            Self::Display => 5,
        }
    }

    pub fn next(self) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|stage| stage.rank() == self.rank() + 1)
    }

    /// Launched innovations (delivery, display) are public; earlier ones are internal.
    pub fn is_launched(self) -> bool {
        self.rank() >= Self::Delivery.rank()
    }

    /// Where an innovation at this stage may go: the next stage, or back to any earlier
    /// one (with a reason).
    pub fn allowed_moves(self) -> Vec<Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(|to| Some(*to) == self.next() || to.rank() < self.rank())
            .collect()
    }
}

/// Which way a permitted move goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// Why a move is refused, with the stable code the API reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// An archived innovation does not move.
    Archived,
    /// Not one step forward nor any step back (including staying put).
    NotAllowed {
        from: LabStage,
        allowed: Vec<LabStage>,
    },
    /// Backward moves must say why.
    ReasonRequired,
    /// `launched_on` only makes sense when the move reaches `delivery`.
    LaunchDateOutOfPlace,
}

impl TransitionError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Archived => "innovation_archived",
            Self::NotAllowed { .. } => "transition_not_allowed",
            Self::ReasonRequired => "reason_required",
            Self::LaunchDateOutOfPlace => "launched_on_not_delivery",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Archived => "an archived innovation cannot change stage".into(),
            Self::NotAllowed { from, allowed } => format!(
                "from {from} an innovation can move to: {}",
                allowed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Self::ReasonRequired => "a backward move needs a reason".into(),
            Self::LaunchDateOutOfPlace => {
                "launched_on is only given when moving to delivery".into()
            }
        }
    }
}

/// The rule: may an innovation at `from` (archived or not) move to `to`?
pub fn check_move(
    from: LabStage,
    to: LabStage,
    archived: bool,
    reason: Option<&str>,
    launched_on_given: bool,
) -> Result<Direction, TransitionError> {
    if archived {
        return Err(TransitionError::Archived);
    }
    let direction = if Some(to) == from.next() {
        Direction::Forward
    } else if to.rank() < from.rank() {
        Direction::Backward
    } else {
        return Err(TransitionError::NotAllowed {
            from,
            allowed: from.allowed_moves(),
        });
    };
    if direction == Direction::Backward && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(TransitionError::ReasonRequired);
    }
    if launched_on_given && to != LabStage::Delivery {
        return Err(TransitionError::LaunchDateOutOfPlace);
    }
    Ok(direction)
}

/// The launch rule, part one: reaching `delivery` is the launch, recorded on the date
/// given or else today (in the region's time zone). Other moves record what was given
/// (which [`check_move`] allows only for `delivery`).
pub fn recorded_launch(
    to: LabStage,
    given: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> Option<chrono::NaiveDate> {
    match to {
        LabStage::Delivery => given.or(Some(today)),
        _ => given,
    }
}

/// The launch rule for an innovation that starts at `stage` (an import of a cohort
/// already under way): one that starts launched was launched on the date given or else
/// today.
pub fn launch_on_arrival(
    stage: LabStage,
    given: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> Option<chrono::NaiveDate> {
    if stage.is_launched() {
        given.or(Some(today))
    } else {
        given
    }
}

/// The launch rule, part two: the innovation's `launched_on` after a move. Entering
/// delivery sets the recorded launch; coming back to delivery from display keeps the
/// launch it had, and so does display; below delivery it is no longer launched (its moves
/// keep the history).
pub fn launched_on_after(
    from: LabStage,
    launched_on: Option<chrono::NaiveDate>,
    to: LabStage,
    recorded: Option<chrono::NaiveDate>,
) -> Option<chrono::NaiveDate> {
    match to {
        LabStage::Delivery if from == LabStage::Display => launched_on.or(recorded),
        LabStage::Delivery => recorded,
        LabStage::Display => launched_on,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LabStage::*;

    /// The whole table: every (from, to) pair, with and without a reason.
    #[test]
    fn the_transition_table() {
        for &from in LabStage::ALL {
            for &to in LabStage::ALL {
                let forward = to.rank() == from.rank() + 1;
                let backward = to.rank() < from.rank();
                let without_reason = check_move(from, to, false, None, false);
                let with_reason = check_move(from, to, false, Some("perubahan strategi"), false);
                match (forward, backward) {
                    (true, _) => {
                        assert_eq!(without_reason, Ok(Direction::Forward), "{from}->{to}");
                        assert_eq!(with_reason, Ok(Direction::Forward), "{from}->{to}");
                    }
                    (_, true) => {
                        assert_eq!(
                            without_reason,
                            Err(TransitionError::ReasonRequired),
                            "{from}->{to}"
                        );
                        assert_eq!(with_reason, Ok(Direction::Backward), "{from}->{to}");
                    }
                    _ => {
                        let refused = Err(TransitionError::NotAllowed {
                            from,
                            allowed: from.allowed_moves(),
                        });
                        assert_eq!(without_reason, refused, "{from}->{to}");
                        assert_eq!(with_reason, refused, "{from}->{to}");
                    }
                }
                assert_eq!(
                    check_move(from, to, true, Some("x"), false),
                    Err(TransitionError::Archived),
                    "archived {from}->{to}"
                );
            }
        }
    }

    #[test]
    fn allowed_moves_name_the_next_stage_and_every_earlier_one() {
        assert_eq!(DrumUp.allowed_moves(), vec![Diagnose]);
        assert_eq!(Design.allowed_moves(), vec![DrumUp, Diagnose, Delivery]);
        assert_eq!(
            Display.allowed_moves(),
            vec![DrumUp, Diagnose, Design, Delivery]
        );
    }

    #[test]
    fn a_launch_date_belongs_to_the_move_into_delivery() {
        assert_eq!(
            check_move(Design, Delivery, false, None, true),
            Ok(Direction::Forward)
        );
        assert_eq!(
            check_move(DrumUp, Diagnose, false, None, true),
            Err(TransitionError::LaunchDateOutOfPlace)
        );
        assert!(Delivery.is_launched() && Display.is_launched() && !Design.is_launched());
    }

    #[test]
    fn a_blank_reason_is_no_reason() {
        assert_eq!(
            check_move(Display, Design, false, Some("  "), false),
            Err(TransitionError::ReasonRequired)
        );
    }

    #[test]
    fn the_launch_is_entering_delivery_and_it_is_kept_above_it() {
        use super::{launched_on_after, recorded_launch};
        let day = |d| chrono::NaiveDate::from_ymd_opt(2016, 10, d).unwrap();
        assert_eq!(
            recorded_launch(LabStage::Delivery, None, day(12)),
            Some(day(12))
        );
        assert_eq!(
            recorded_launch(LabStage::Delivery, Some(day(1)), day(12)),
            Some(day(1))
        );
        assert_eq!(recorded_launch(LabStage::Design, None, day(12)), None);
        let launched = Some(day(1));
        assert_eq!(
            launched_on_after(LabStage::Design, None, LabStage::Delivery, Some(day(12))),
            Some(day(12))
        );
        assert_eq!(
            launched_on_after(
                LabStage::Display,
                launched,
                LabStage::Delivery,
                Some(day(12))
            ),
            launched
        );
        assert_eq!(
            launched_on_after(LabStage::Delivery, launched, LabStage::Display, None),
            launched
        );
        assert_eq!(
            launched_on_after(LabStage::Delivery, launched, LabStage::Design, None),
            None
        );
    }
}
