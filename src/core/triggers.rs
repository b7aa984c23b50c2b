//! Trigger rules: which configured trigger fires for a page load, an event, a route or a page
//! view count, and the name each one gets in the answer's `trigger` field.

use crate::prelude::*;

use super::config::Trigger;
use super::text::{concat, push_uint};

/// Whether a path matches a glob where `*` matches any run of characters (slashes included)
/// and everything else matches itself. `/billing/*` matches `/billing/plan` and `/billing/`.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    let (g, p) = (glob.as_bytes(), path.as_bytes());
    let (mut gi, mut pi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while pi < p.len() {
        if gi < g.len() && g[gi] == b'*' {
            star = Some((gi, pi));
            gi += 1;
        } else if gi < g.len() && g[gi] == p[pi] {
            gi += 1;
            pi += 1;
        } else if let Some((star_gi, star_pi)) = star {
            gi = star_gi + 1;
            pi = star_pi + 1;
            star = Some((star_gi, star_pi + 1));
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|&c| c == b'*')
}

/// The `trigger` field for a trigger: `load`, `event:name`, `url:/glob`, `afterSeconds:30`,
/// `pageViews:3`.
pub fn trigger_name(trigger: &Trigger) -> String {
    let (kind, value) = match trigger {
        Trigger::Load => return "load".into(),
        Trigger::Event(name) => return concat(&["event:", name]),
        Trigger::Url(glob) => return concat(&["url:", glob]),
        Trigger::AfterSeconds(n) => ("afterSeconds:", *n),
        Trigger::PageViews(n) => ("pageViews:", *n),
    };
    let mut out = String::from(kind);
    push_uint(&mut out, value as u64);
    out
}

/// The first `{ url }` trigger matching `path`.
pub fn url_trigger<'a>(triggers: &'a [Trigger], path: &str) -> Option<&'a Trigger> {
    triggers
        .iter()
        .find(|t| matches!(t, Trigger::Url(glob) if glob_matches(glob, path)))
}

/// The first `{ pageViews }` trigger reached by the `views`th page view.
pub fn page_view_trigger(triggers: &[Trigger], views: u32) -> Option<&Trigger> {
    triggers
        .iter()
        .find(|t| matches!(t, Trigger::PageViews(n) if views >= *n))
}

/// The first `{ event }` trigger for `event`.
pub fn event_trigger<'a>(triggers: &'a [Trigger], event: &str) -> Option<&'a Trigger> {
    triggers
        .iter()
        .find(|t| matches!(t, Trigger::Event(name) if name == event))
}

/// Whether a delayed show for `trigger` is still wanted after the user moved to `path`: a URL
/// trigger while the path still matches; any other trigger only on the page it fired on.
pub fn still_wanted_after_navigation(trigger: &Trigger, fired_on: &str, path: &str) -> bool {
    match trigger {
        Trigger::Url(glob) => glob_matches(glob, path),
        _ => fired_on == path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let cases = [
            ("/billing/*", "/billing/plan", true),
            ("/billing/*", "/billing/", true),
            ("/billing/*", "/billing/plan/annual", true),
            ("/billing/*", "/billing", false),
            ("/billing/*", "/settings/billing/plan", false),
            ("/billing", "/billing", true),
            ("/billing", "/billing/plan", false),
            ("*", "/anything", true),
            ("/*/settings", "/team/settings", true),
            ("/*/settings", "/team/other", false),
            ("/a*b*c", "/aXXbYYc", true),
            ("/a*b*c", "/aXXbYY", false),
            ("/reports/**", "/reports/x", true),
            ("", "", true),
        ];
        for (glob, path, expected) in cases {
            assert_eq!(glob_matches(glob, path), expected, "{glob} vs {path}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(trigger_name(&Trigger::Load), "load");
        assert_eq!(
            trigger_name(&Trigger::Event("report_exported".into())),
            "event:report_exported"
        );
        assert_eq!(
            trigger_name(&Trigger::Url("/billing/*".into())),
            "url:/billing/*"
        );
        assert_eq!(trigger_name(&Trigger::AfterSeconds(30)), "afterSeconds:30");
        assert_eq!(trigger_name(&Trigger::PageViews(3)), "pageViews:3");
    }

    #[test]
    fn which_trigger_fires() {
        let triggers = vec![
            Trigger::Event("x".into()),
            Trigger::Url("/billing/*".into()),
            Trigger::PageViews(3),
        ];
        assert_eq!(event_trigger(&triggers, "x"), Some(&triggers[0]));
        assert_eq!(event_trigger(&triggers, "y"), None);
        assert_eq!(url_trigger(&triggers, "/billing/plan"), Some(&triggers[1]));
        assert_eq!(url_trigger(&triggers, "/reports"), None);
        assert_eq!(page_view_trigger(&triggers, 2), None);
        assert_eq!(page_view_trigger(&triggers, 3), Some(&triggers[2]));
        assert_eq!(page_view_trigger(&triggers, 4), Some(&triggers[2]));
    }

    #[test]
    fn delayed_shows_are_cancelled_by_navigation() {
        let url = Trigger::Url("/billing/*".into());
        assert!(still_wanted_after_navigation(
            &url,
            "/billing/plan",
            "/billing/invoices"
        ));
        assert!(!still_wanted_after_navigation(
            &url,
            "/billing/plan",
            "/reports"
        ));
        assert!(still_wanted_after_navigation(&Trigger::Load, "/", "/"));
        assert!(!still_wanted_after_navigation(
            &Trigger::Load,
            "/",
            "/reports"
        ));
    }
}
