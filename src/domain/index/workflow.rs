//! An assessment's workflow, in one place: `draft` -> `submitted` (locked) -> `returned`
//! (editable again, with the reviewer's notes) or `verified`; an administrator may reopen
//! a verified assessment, with a reason, which returns it.

text_enum! {
    /// Where an assessment is in its workflow.
    pub enum AssessmentStatus {
        /// Being written by the innovation's agency (the region's: by administrators).
        Draft => "draft",
        /// Sent for verification: locked for its writers.
        Submitted => "submitted",
        /// Sent back by a reviewer with notes per indicator: editable again.
        Returned => "returned",
        /// Checked by a reviewer: its verified score stands.
        Verified => "verified",
    }
}

text_enum! {
    /// A reviewer's word on one answer.
    pub enum Verdict {
        /// The answer stands as given.
        Accepted => "accepted",
        /// The reviewer chose another option of the same indicator.
        Adjusted => "adjusted",
    }
}

/// What can be done to an assessment; [`AssessmentStatus::allows`] says in which states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentStep {
    /// Write an answer (option, note, evidence).
    Answer,
    Submit,
    /// Record a reviewer's verdict on an answer.
    Review,
    /// Send it back to its writers.
    Return,
    Verify,
    /// An administrator takes a verified assessment back (with a reason).
    Reopen,
}

/// Why a step is refused in the assessment's state (a 409 naming the state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepRefused {
    pub step: AssessmentStep,
    pub status: AssessmentStatus,
}

impl AssessmentStatus {
    /// The workflow: which step each state takes.
    pub fn allows(self, step: AssessmentStep) -> Result<(), StepRefused> {
        use AssessmentStatus::*;
        use AssessmentStep::*;
        let allowed = match step {
            Answer | Submit => matches!(self, Draft | Returned),
            Review | Return | Verify => self == Submitted,
            Reopen => self == Verified,
        };
        if allowed {
            Ok(())
        } else {
            Err(StepRefused { step, status: self })
        }
    }

    /// The state after `step` (which [`AssessmentStatus::allows`] has let through).
    pub fn after(self, step: AssessmentStep) -> Self {
        use AssessmentStep::*;
        match step {
            Answer | Review => self,
            Submit => Self::Submitted,
            Return | Reopen => Self::Returned,
            Verify => Self::Verified,
        }
    }

    /// Whether its writers may change answers.
    pub fn is_editable(self) -> bool {
        self.allows(AssessmentStep::Answer).is_ok()
    }
}

impl AssessmentStep {
    /// The audit action (and the history entry) the step is recorded as.
    pub fn action(self) -> &'static str {
        match self {
            Self::Answer => "assessment.answer",
            Self::Submit => "assessment.submit",
            Self::Review => "assessment.review",
            Self::Return => "assessment.return",
            Self::Verify => "assessment.verify",
            Self::Reopen => "assessment.reopen",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AssessmentStatus::*;
    use super::AssessmentStep::*;
    use super::*;

    /// Every step from every state: `Some(next)` where it is allowed, `None` where it is
    /// refused. A change to the workflow changes this table.
    #[test]
    fn the_workflow_allows_these_steps_and_refuses_the_rest() {
        let table: &[(AssessmentStatus, AssessmentStep, Option<AssessmentStatus>)] = &[
            (Draft, Answer, Some(Draft)),
            (Draft, Submit, Some(Submitted)),
            (Draft, Review, None),
            (Draft, Return, None),
            (Draft, Verify, None),
            (Draft, Reopen, None),
            (Submitted, Answer, None),
            (Submitted, Submit, None),
            (Submitted, Review, Some(Submitted)),
            (Submitted, Return, Some(Returned)),
            (Submitted, Verify, Some(Verified)),
            (Submitted, Reopen, None),
            (Returned, Answer, Some(Returned)),
            (Returned, Submit, Some(Submitted)),
            (Returned, Review, None),
            (Returned, Return, None),
            (Returned, Verify, None),
            (Returned, Reopen, None),
            (Verified, Answer, None),
            (Verified, Submit, None),
            (Verified, Review, None),
            (Verified, Return, None),
            (Verified, Verify, None),
            (Verified, Reopen, Some(Returned)),
        ];
        assert_eq!(
            table.len(),
            AssessmentStatus::ALL.len() * 6,
            "every pair listed"
        );
        for &(status, step, expected) in table {
            let actual = status.allows(step).ok().map(|()| status.after(step));
            assert_eq!(actual, expected, "{status} + {step:?}");
            if expected.is_none() {
                assert_eq!(status.allows(step), Err(StepRefused { step, status }));
            }
        }
    }

    #[test]
    fn only_drafts_and_returned_assessments_are_editable() {
        let editable: Vec<_> = AssessmentStatus::ALL
            .iter()
            .filter(|s| s.is_editable())
            .collect();
        assert_eq!(editable, [&Draft, &Returned]);
    }
}
