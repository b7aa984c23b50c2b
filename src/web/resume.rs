//! Taking over from a quiet page view. While the quiet record holds, the loader runs the page's
//! triggers itself (`src/js/quiet.js`); when something needs the full widget, it hands over
//! what the page did so far, and the widget goes on from there exactly as if it had been
//! loaded at once: the load trigger and this page view are not run again, the `afterSeconds`
//! timers still pending keep their due times, a delayed show keeps its own.

use crate::prelude::*;

use super::page_triggers::fire_later;
use super::show::ShowState;
use super::widget::{now, Widget};
use crate::core::config::Trigger;
use crate::core::triggers::still_wanted_after_navigation;
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// What a quiet page view did before handing over.
pub struct Resume {
    /// When the quiet page view started (epoch ms): the page's start, for the reasons.
    pub started_at: i64,
    /// Whether it ran the page's triggers (the load trigger, the first page view).
    pub armed: bool,
    /// The `afterSeconds` timers still pending: index in the config's triggers, due time.
    pub timers: Vec<(usize, i64)>,
    /// A show waiting out `delaySeconds`: the trigger's index, the path it fired on, due time.
    pub delayed: Option<(usize, String, i64)>,
    /// A route change happened that the quiet page view did not take (not counted yet).
    pub view: bool,
    /// The path the quiet page view last took (a route may change while the widget loads).
    pub path: Option<String>,
}

fn field(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn number(value: &JsValue) -> Option<i64> {
    value.as_f64().filter(|n| n.is_finite()).map(|n| n as i64)
}

impl Resume {
    /// Reads the loader's hand-over object, `{ s: startedAt, a: armed, t: timers, d: delayed,
    /// v: view, p: path }` (short names: the loader's bytes count); `None` when there is none.
    pub fn from_js(value: &JsValue) -> Option<Resume> {
        let started_at = number(&field(value, "s"))?;
        let mut timers = Vec::new();
        if let Ok(list) = field(value, "t").dyn_into::<Array>() {
            for i in 0..list.length() {
                let pair = list.get(i);
                if let (Some(index), Some(due)) = (
                    number(&Reflect::get_u32(&pair, 0).unwrap_or_default()),
                    number(&Reflect::get_u32(&pair, 1).unwrap_or_default()),
                ) {
                    if let Ok(index) = usize::try_from(index) {
                        timers.push((index, due));
                    }
                }
            }
        }
        let delayed = field(value, "d");
        let delayed = match (
            number(&Reflect::get_u32(&delayed, 0).unwrap_or_default()),
            Reflect::get_u32(&delayed, 1)
                .ok()
                .and_then(|p| p.as_string()),
            number(&Reflect::get_u32(&delayed, 2).unwrap_or_default()),
        ) {
            (Some(index), Some(path), Some(due)) => {
                usize::try_from(index).ok().map(|index| (index, path, due))
            }
            _ => None,
        };
        Some(Resume {
            started_at,
            armed: field(value, "a").is_truthy(),
            timers,
            delayed,
            view: field(value, "v").is_truthy(),
            path: field(value, "p").as_string(),
        })
    }
}

/// Milliseconds from now until `due`, at least 0 and at most what a browser timer takes.
fn ms_until(due: i64) -> u32 {
    due.saturating_sub(now()).clamp(0, i32::MAX as i64) as u32
}

impl Widget {
    /// Goes on from where a quiet page view that ran the triggers handed over.
    pub(super) fn resume_triggers(&mut self, mut resume: Resume) {
        // A route change made while the widget loaded is a page view the quiet page did not take.
        if resume.path.as_deref().is_some_and(|path| path != self.path) {
            resume.view = true;
        }
        // Only the top-level form has quiet page views: its one survey's triggers.
        for (index, due) in resume.timers {
            if let Some(&Trigger::AfterSeconds(seconds)) = self.survey(0).triggers.get(index) {
                let timer = fire_later(&self.this, Trigger::AfterSeconds(seconds), ms_until(due));
                self.timers.push(timer);
            }
        }
        if let Some((index, fired_on, due)) = resume.delayed {
            if let Some(trigger) = self.survey(0).triggers.get(index).cloned() {
                self.delay_show(trigger, vec![0], fired_on, ms_until(due));
            }
        }
        if resume.view {
            if let ShowState::Delayed(delayed) = &self.show {
                if !still_wanted_after_navigation(&delayed.trigger, &delayed.fired_on, &self.path) {
                    self.show = ShowState::Idle;
                }
            }
            self.page_viewed();
        }
    }
}
