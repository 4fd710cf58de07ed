//! The wizard's steps and the moves between them.

/// The five steps an admin walks, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Member,
    Customers,
    Successor,
    ChatHistory,
    Confirm,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Member,
        Step::Customers,
        Step::Successor,
        Step::ChatHistory,
        Step::Confirm,
    ];

    /// Zero-based position in [`Step::ALL`].
    pub fn index(self) -> usize {
        match self {
            Step::Member => 0,
            Step::Customers => 1,
            Step::Successor => 2,
            Step::ChatHistory => 3,
            Step::Confirm => 4,
        }
    }

    /// Stable, language-neutral name used in URLs, storage and performance marks.
    pub fn slug(self) -> &'static str {
        match self {
            Step::Member => "member",
            Step::Customers => "customers",
            Step::Successor => "successor",
            Step::ChatHistory => "chat-history",
            Step::Confirm => "confirm",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.index() + 1).copied()
    }

    pub fn prev(self) -> Option<Step> {
        self.index()
            .checked_sub(1)
            .and_then(|i| Step::ALL.get(i).copied())
    }
}

/// Where the admin is in the wizard. Views send intents; this decides what they mean.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wizard {
    step: Step,
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard { step: Step::Member }
    }
}

impl Wizard {
    pub fn step(&self) -> Step {
        self.step
    }

    pub fn can_go_back(&self) -> bool {
        self.step.prev().is_some()
    }

    pub fn can_go_next(&self) -> bool {
        self.step.next().is_some()
    }

    /// Moves forward; returns whether the step changed.
    pub fn go_next(&mut self) -> bool {
        self.step.next().map(|s| self.step = s).is_some()
    }

    /// Moves back; returns whether the step changed.
    pub fn go_back(&mut self) -> bool {
        self.step.prev().map(|s| self.step = s).is_some()
    }

    /// Jumps to an earlier step (the "change" links); never skips ahead.
    pub fn go_to(&mut self, step: Step) -> bool {
        if step.index() < self.step.index() {
            self.step = step;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_forward_and_back_through_every_step() {
        let mut w = Wizard::default();
        assert_eq!(w.step(), Step::Member);
        assert!(!w.can_go_back());
        let mut seen = vec![w.step()];
        while w.go_next() {
            seen.push(w.step());
        }
        assert_eq!(seen, Step::ALL.to_vec());
        assert!(!w.can_go_next());
        assert!(!w.go_next(), "next on the last step stays put");
        assert_eq!(w.step(), Step::Confirm);
        while w.go_back() {}
        assert_eq!(w.step(), Step::Member);
    }

    #[test]
    fn go_to_only_moves_backwards() {
        let mut w = Wizard::default();
        assert!(!w.go_to(Step::Confirm));
        w.go_next();
        w.go_next();
        assert!(w.go_to(Step::Member));
        assert_eq!(w.step(), Step::Member);
    }

    #[test]
    fn slugs_round_trip_and_reject_unknowns() {
        for s in Step::ALL {
            assert_eq!(Step::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Step::from_slug("nope"), None);
    }
}
