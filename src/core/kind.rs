//! Survey kinds (DESIGN.md "Wire format", "Surveys"): each kind's score range and the
//! category of each score. NPS is what the widget asks today; CSAT and CES share its wire.

/// What a survey measures, and so its scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Net Promoter Score: 0-10; detractor 0-6, passive 7-8, promoter 9-10.
    Nps,
    /// Customer satisfaction: 1-5; unsatisfied 1-2, neutral 3, satisfied 4-5.
    Csat,
    /// Customer effort ("… made it easy"): 1-7; disagree 1-3, neutral 4, agree 5-7.
    Ces,
}

/// Every kind, in the order the wire names them.
pub const KINDS: [Kind; 3] = [Kind::Nps, Kind::Csat, Kind::Ces];

/// The channels an answer can arrive through: the in-app card, an email, a shared link.
pub const CHANNELS: [&str; 3] = ["in-app", "email", "link"];

impl Kind {
    /// The kind of a wire name (`nps`, `csat`, `ces`).
    pub fn from_name(name: &str) -> Option<Kind> {
        KINDS.into_iter().find(|kind| kind.name() == name)
    }

    /// Wire name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Nps => "nps",
            Kind::Csat => "csat",
            Kind::Ces => "ces",
        }
    }

    /// Lowest and highest score, both valid.
    pub fn scores(self) -> (u8, u8) {
        match self {
            Kind::Nps => (0, 10),
            Kind::Csat => (1, 5),
            Kind::Ces => (1, 7),
        }
    }

    /// The category of a score in range (low, middle, high: detractor/passive/promoter for
    /// NPS); `None` outside the range.
    pub fn category(self, score: u8) -> Option<&'static str> {
        let (low, high) = self.scores();
        if score < low || score > high {
            return None;
        }
        let (low_end, middle_end, names) = match self {
            Kind::Nps => (6, 8, ["detractor", "passive", "promoter"]),
            Kind::Csat => (2, 3, ["unsatisfied", "neutral", "satisfied"]),
            Kind::Ces => (3, 4, ["disagree", "neutral", "agree"]),
        };
        Some(if score <= low_end {
            names[0]
        } else if score <= middle_end {
            names[1]
        } else {
            names[2]
        })
    }

    /// The position of a score's category among [`Kind::categories`] (0 lowest, 2 highest);
    /// `None` outside the range.
    pub fn category_index(self, score: u8) -> Option<usize> {
        let name = self.category(score)?;
        self.categories().iter().position(|c| *c == name)
    }

    /// The number of options on the scale.
    pub fn options(self) -> u8 {
        let (low, high) = self.scores();
        high - low + 1
    }

    /// The three category names, lowest first.
    pub fn categories(self) -> [&'static str; 3] {
        let (low, high) = self.scores();
        let middle = match self {
            Kind::Nps => 7,
            Kind::Csat => 3,
            Kind::Ces => 4,
        };
        [low, middle, high].map(|score| self.category(score).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_categories_at_every_boundary() {
        /// Scores of one kind with the category each must have.
        type Cases = &'static [(u8, Option<&'static str>)];
        let table: [(Kind, Cases); 3] = [
            (
                Kind::Nps,
                &[
                    (0, Some("detractor")),
                    (6, Some("detractor")),
                    (7, Some("passive")),
                    (8, Some("passive")),
                    (9, Some("promoter")),
                    (10, Some("promoter")),
                    (11, None),
                ],
            ),
            (
                Kind::Csat,
                &[
                    (0, None),
                    (1, Some("unsatisfied")),
                    (2, Some("unsatisfied")),
                    (3, Some("neutral")),
                    (4, Some("satisfied")),
                    (5, Some("satisfied")),
                    (6, None),
                ],
            ),
            (
                Kind::Ces,
                &[
                    (0, None),
                    (1, Some("disagree")),
                    (3, Some("disagree")),
                    (4, Some("neutral")),
                    (5, Some("agree")),
                    (7, Some("agree")),
                    (8, None),
                ],
            ),
        ];
        for (kind, cases) in table {
            for (score, category) in cases {
                assert_eq!(kind.category(*score), *category, "{kind:?} {score}");
            }
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(Kind::from_name("NPS"), None);
        assert_eq!(Kind::Nps.categories(), ["detractor", "passive", "promoter"]);
        assert_eq!(
            Kind::Csat.categories(),
            ["unsatisfied", "neutral", "satisfied"]
        );
        assert_eq!(Kind::Ces.categories(), ["disagree", "neutral", "agree"]);
        let positions = |kind: Kind| -> Vec<Option<usize>> {
            (0..=11).map(|score| kind.category_index(score)).collect()
        };
        let (n, p, d) = (None, Some(2), Some(0));
        let m = Some(1);
        assert_eq!(positions(Kind::Nps), [d, d, d, d, d, d, d, m, m, p, p, n]);
        assert_eq!(positions(Kind::Csat), [n, d, d, m, p, p, n, n, n, n, n, n]);
        assert_eq!(positions(Kind::Ces), [n, d, d, d, m, p, p, p, n, n, n, n]);
        assert_eq!(KINDS.map(Kind::options), [11, 5, 7]);
    }
}
