//! The report as text for a terminal (`nps-collector report` without `--json`): the headline,
//! the split by category and, with `by`, a table of the segments.

use std::fmt::Write;

use super::{Report, Segment};

/// A score as the report rounds it: two decimals for CES (a mean on 1-7), one otherwise.
fn score(kind: &str, score: Option<f64>) -> String {
    match score {
        Some(value) if kind == "ces" => format!("{value:.2}"),
        Some(value) => format!("{value:.1}"),
        None => "-".to_owned(),
    }
}

fn margin(margin: Option<f64>) -> String {
    margin.map_or_else(|| "-".to_owned(), |value| format!("{value:.1}"))
}

/// `part` of `whole` in per cent, one decimal.
fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".to_owned()
    } else {
        format!("{:.1} %", 100.0 * part as f64 / whole as f64)
    }
}

/// The report as lines of text; `by` is the path the segments are by, if any.
pub fn render(report: &Report, by: Option<&str>) -> String {
    let mut out = String::new();
    let kind = report.kind;
    let _ = writeln!(
        out,
        "Survey {} ({}), {} to {} ({}), {} answers counted",
        report.survey,
        kind.to_uppercase(),
        report.from,
        report.to,
        report.tz,
        report.displays
    );
    let headline = match report.score {
        Some(_) => format!(
            "{} {} ± {}  (n = {})",
            kind.to_uppercase(),
            score(kind, report.score),
            margin(report.margin),
            report.responses
        ),
        None => format!("{}: no responses", kind.to_uppercase()),
    };
    let _ = writeln!(out, "{headline}");
    let rate = report
        .response_rate
        .map_or_else(|| "-".to_owned(), |rate| format!("{:.2} %", 100.0 * rate));
    let _ = writeln!(
        out,
        "Response rate {rate}: {} displays, {} responses, {} dismissals",
        report.displays, report.responses, report.dismissals
    );
    let split: Vec<String> = report
        .categories
        .0
        .iter()
        .map(|(name, count)| format!("{name} {count} ({})", share(*count, report.responses)))
        .collect();
    let _ = writeln!(out, "Split: {}", split.join(", "));
    if let (Some(segments), Some(by)) = (&report.segments, by) {
        let _ = writeln!(out);
        segment_table(&mut out, kind, by, segments);
    }
    out
}

fn segment_table(out: &mut String, kind: &str, by: &str, segments: &[Segment]) {
    let label = |segment: &Segment| segment.value.clone().unwrap_or_else(|| "(none)".to_owned());
    let width = segments
        .iter()
        .map(|s| label(s).chars().count())
        .chain([by.chars().count()])
        .max()
        .unwrap_or(0)
        .min(40);
    let _ = writeln!(
        out,
        "{by:<width$}  {:>9}  {:>9}  {:>7}  {:>6}",
        "displays", "responses", "score", "margin"
    );
    for segment in segments {
        let mut value = label(segment);
        if value.chars().count() > width {
            value = value
                .chars()
                .take(width.saturating_sub(1))
                .collect::<String>()
                + "…";
        }
        let _ = writeln!(
            out,
            "{value:<width$}  {:>9}  {:>9}  {:>7}  {:>6}",
            segment.displays,
            segment.responses,
            score(kind, segment.score),
            margin(segment.margin)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::Counts;
    use super::*;

    fn report() -> Report {
        Report {
            survey: "nps".into(),
            kind: "nps",
            from: "2026-09-01".into(),
            to: "2026-11-30".into(),
            tz: "Europe/Berlin".into(),
            interval: "week",
            displays: 13,
            responses: 10,
            dismissals: 2,
            response_rate: Some(0.7692),
            score: Some(20.0),
            margin: Some(54.0),
            categories: Counts(vec![
                ("detractor".into(), 3),
                ("passive".into(), 2),
                ("promoter".into(), 5),
            ]),
            distribution: Counts(Vec::new()),
            trend: Vec::new(),
            segments: None,
        }
    }

    #[test]
    fn headline_and_split() {
        let text = render(&report(), None);
        assert!(text.contains("NPS 20.0 ± 54.0  (n = 10)"), "{text}");
        assert!(
            text.contains("Response rate 76.92 %: 13 displays, 10 responses, 2 dismissals"),
            "{text}"
        );
        assert!(
            text.contains("Split: detractor 3 (30.0 %), passive 2 (20.0 %), promoter 5 (50.0 %)"),
            "{text}"
        );
        assert!(
            text.contains("2026-09-01 to 2026-11-30 (Europe/Berlin)"),
            "{text}"
        );
        assert!(!text.contains("displays  responses"), "{text}");
    }

    #[test]
    fn segments_table() {
        let mut report = report();
        report.segments = Some(vec![
            Segment {
                value: Some("pro".into()),
                displays: 8,
                responses: 6,
                score: Some(50.0),
                margin: Some(40.1),
            },
            Segment {
                value: None,
                displays: 5,
                responses: 4,
                score: Some(-25.0),
                margin: Some(80.0),
            },
        ]);
        let text = render(&report, Some("user.properties.plan"));
        let lines: Vec<&str> = text.lines().collect();
        let header = lines
            .iter()
            .position(|l| l.starts_with("user.properties.plan"))
            .unwrap();
        assert!(lines[header + 1].starts_with("pro "), "{text}");
        assert!(
            lines[header + 1].ends_with("8          6     50.0    40.1"),
            "{text}"
        );
        assert!(lines[header + 2].starts_with("(none) "), "{text}");
        assert!(lines[header + 2].contains("-25.0"), "{text}");
    }

    #[test]
    fn no_responses_and_ces_decimals() {
        let mut report = report();
        report.score = None;
        report.margin = None;
        report.response_rate = None;
        assert!(render(&report, None).contains("NPS: no responses"));
        report.kind = "ces";
        report.score = Some(4.5);
        report.margin = Some(0.3);
        assert!(render(&report, None).contains("CES 4.50 ± 0.3"));
    }
}
