//! The card: DOM inside an open shadow root, styled by a constructable stylesheet (works under
//! `style-src 'self'`). Every text is set with `textContent`, never parsed as HTML. The card
//! knows nothing of answers or storage: it reports what the user did as an [`Action`].

use crate::prelude::*;

use super::card_input::{Shared, Style};
use super::guards::{reflect_set, Dom, EventListener, Timeout};
use super::look::Look;
use crate::core::error::Error;
use crate::core::limits::MAX_COMMENT_CHARS;
use crate::core::text::int;
use alloc::rc::Rc;
use js_sys::Object;
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, Document, Element, HtmlElement, ShadowRoot};

const STYLES: &str = include_str!("card.css");

#[wasm_bindgen]
extern "C" {
    /// `document.createElementNS(namespace, tag)`, for the thank-you step's SVG icon.
    #[wasm_bindgen(method, js_name = createElementNS)]
    fn create_element_ns(this: &Dom, namespace: &str, tag: &str) -> Element;
    /// A `DOMRect`, with the one field read.
    type Rect;
    /// `element.getBoundingClientRect()`.
    #[wasm_bindgen(method, js_name = getBoundingClientRect)]
    fn rect(this: &Dom) -> Rect;
    #[wasm_bindgen(method, getter)]
    fn height(this: &Rect) -> f64;
}

/// What the user did in the card.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Chose a score.
    Score(u8),
    /// Sent the comment box's text.
    Send(String),
    /// Closed the card (close button or Escape).
    Close,
}

/// The card on the page. Dropping it removes every node and listener it added and, if the
/// focus was inside, returns it to where it was before it entered the card.
#[must_use = "dropping a Card removes it from the page at once"]
pub struct Card {
    shared: Rc<Shared>,
    /// The scrolling body under the close button, holding the step.
    body: HtmlElement,
    live: Element,
    /// The follow-up question, while the follow-up step shows.
    follow_up: Option<Element>,
    _listeners: Vec<EventListener>,
    _announce: Option<Timeout>,
    /// Ends the body's height transition between two steps.
    _resized: Option<Timeout>,
}

impl Card {
    /// Adds the card's host element to the page with an empty body.
    pub fn mount(look: &Look, on_action: Rc<dyn Fn(Action)>) -> Result<Card, Error> {
        let fail = |_| Error::Browser("could not add the survey card to the page");
        let window = super::guards::window().ok_or(Error::Browser("no document"))?;
        let document = window.document().ok_or(Error::Browser("no document"))?;
        let page_body = document
            .body()
            .ok_or(Error::Browser("no <body> to add the card to"))?;
        let host: HtmlElement = dom(&document).create_element("nps-widget").unchecked_into();
        let style = host.style();
        dom(&style).set_property("--nps-z", &int(look.z_index as i64));
        if let Some((accent, on_accent)) = &look.accent {
            dom(&style).set_property("--nps-accent", accent);
            dom(&style).set_property("--nps-on-accent", on_accent);
        }
        if let Some((light, dark)) = &look.rings {
            dom(&style).set_property("--nps-ring", light);
            dom(&style).set_property("--nps-ring-dark", dark);
        }
        // Plain objects instead of web-sys dictionaries: no setter imports in the glue.
        let init = Object::new();
        reflect_set(&init, "mode", &JsValue::from_str("open"));
        let root = host.attach_shadow(init.unchecked_ref()).map_err(fail)?;
        let sheet = CssStyleSheet::new().map_err(fail)?;
        sheet.replace_sync(STYLES).map_err(fail)?;
        root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));

        let section = element(&document, "section", &root);
        let classes = ["card ", look.mode, " ", look.position].concat();
        set(&section, "class", &classes);
        set(&section, "role", "dialog");
        set(&section, "aria-labelledby", "nps-title");
        set(&section, "lang", look.lang);
        set(&section, "dir", if look.rtl { "rtl" } else { "ltr" });
        let close = element(&document, "button", &section);
        set(&close, "class", "close");
        set(&close, "type", "button");
        set(&close, "data-action", "close");
        set(&close, "aria-label", &look.close_label);
        close.set_text_content(Some("\u{d7}"));
        let body = element(&document, "div", &section).unchecked_into();
        let live = element(&document, "div", &section);
        set(&live, "class", "sr");
        set(&live, "role", "status");
        set(&live, "aria-live", "polite");

        let shared = Shared::new(document, host, root, on_action, look.rtl);
        let listeners = shared.listen();
        dom(&page_body).append_child(&shared.host);
        Ok(Card {
            shared,
            body,
            live,
            follow_up: None,
            _listeners: listeners,
            _announce: None,
            _resized: None,
        })
    }

    /// Step 1: the question and the radio group of the scores `low..=high` (0-10, 1-5 or 1-7),
    /// with `[low label, high label, the group's name]` and each option's name.
    pub fn show_scale(
        &mut self,
        question: &str,
        [low_label, high_label, scale_label]: [&str; 3],
        (low, high): (u8, u8),
        score_label: &dyn Fn(u8) -> String,
    ) {
        let d = &self.shared.document;
        let (body, _title) = self.begin_step(question);
        let group = element(d, "div", &body);
        // The eleven NPS options wrap onto two rows on a phone; the shorter scales keep one.
        set(
            &group,
            "class",
            if high - low > 7 {
                "scale wide"
            } else {
                "scale"
            },
        );
        set(&group, "role", "radiogroup");
        set(&group, "aria-label", scale_label);
        for score in low..=high {
            let radio = element(d, "button", &group);
            set(&radio, "type", "button");
            set(&radio, "role", "radio");
            set(&radio, "aria-checked", "false");
            set(&radio, "tabindex", if score == low { "0" } else { "-1" });
            set(&radio, "data-action", "score");
            let digits = int(score as i64);
            set(&radio, "data-score", &digits);
            set(&radio, "aria-label", &score_label(score));
            if score == low {
                set(&radio, "aria-describedby", "nps-low");
            } else if score == high {
                set(&radio, "aria-describedby", "nps-high");
            }
            radio.set_text_content(Some(&digits));
        }
        let ends = element(d, "div", &body);
        set(&ends, "class", "ends");
        for (id, text) in [("nps-low", low_label), ("nps-high", high_label)] {
            let span = element(d, "span", &ends);
            set(&span, "id", id);
            span.set_text_content(Some(text));
        }
        let live = self.live.clone();
        let announcement = question.to_string();
        // A live region announces changes, not its first content: fill it a moment later.
        self._announce = Some(Timeout::new(150, move || {
            live.set_text_content(Some(&announcement))
        }));
    }

    /// Marks the radio at `position` (0 for the lowest score) as the chosen one.
    pub fn select(&self, position: u8) {
        // The radios are the radio group's children (one NodeList/HTMLCollection API less).
        if let Some(group) = dom(&self.shared.root).query_selector("[role=radiogroup]") {
            let radios = group.children();
            for i in 0..radios.length() {
                if let Some(radio) = radios.item(i) {
                    let chosen = i == position as u32;
                    set(
                        &radio,
                        "aria-checked",
                        if chosen { "true" } else { "false" },
                    );
                    set(&radio, "tabindex", if chosen { "0" } else { "-1" });
                }
            }
        }
    }

    /// Step 2: the scale stays, with the chosen score selected and still changeable; under it
    /// the follow-up question, a comment box and a button that says `skip` while the box is
    /// empty and `send` once it holds text. Focus moves to the box. Called again after the
    /// score changed, it only changes the question (the comment stays).
    pub fn show_follow_up(&mut self, question: &str, placeholder: &str, skip: &str, send: &str) {
        let before = self.height();
        if let Some(label) = &self.follow_up {
            label.set_text_content(Some(question));
        } else {
            let d = &self.shared.document;
            let follow = element(d, "div", &self.body);
            set(&follow, "class", "follow");
            let label = element(d, "label", &follow);
            set(&label, "id", "nps-follow");
            set(&label, "for", "nps-comment");
            label.set_text_content(Some(question));
            let area = element(d, "textarea", &follow);
            set(&area, "id", "nps-comment");
            set(&area, "placeholder", placeholder);
            set(&area, "maxlength", &int(MAX_COMMENT_CHARS as i64));
            set(&area, "rows", "3");
            let actions = element(d, "div", &follow);
            set(&actions, "class", "actions");
            let button = element(d, "button", &actions);
            set(&button, "class", "send skip");
            set(&button, "type", "button");
            set(&button, "data-action", "send");
            // The labels the input handler switches between (see `Shared::label_send`).
            set(&button, "data-skip", skip);
            set(&button, "data-send", send);
            button.set_text_content(Some(skip));
            focus(&area);
            self.follow_up = Some(label);
        }
        self.resize_from(before);
        self.announce(question);
    }

    /// Step 3: thanks, and for promoters an optional link.
    pub fn show_thanks(&mut self, thanks: &str, cta: Option<(&str, &str)>) {
        let before = self.height();
        self.follow_up = None;
        let d = &self.shared.document;
        let (body, title) = self.begin_step(thanks);
        set(&title, "tabindex", "-1");
        set(&body, "class", "done");
        // A tick, drawn on a disc (the svg's own CSS background) beside the heading: built
        // node by node, no markup parsed. Its coordinates are CSS pixels (no viewBox).
        let icon = svg(d, "svg", &body);
        set(&icon, "class", "icon");
        set(&icon, "aria-hidden", "true");
        set(&svg(d, "path", &icon), "d", "M11 19l4.5 4.5L25 14");
        if let Some((text, url)) = cta {
            let actions = element(d, "div", &body);
            set(&actions, "class", "actions");
            let link = element(d, "a", &actions);
            set(&link, "class", "cta");
            set(&link, "href", url);
            set(&link, "target", "_blank");
            set(&link, "rel", "noopener noreferrer");
            link.set_text_content(Some(text));
        }
        focus(&title);
        self.resize_from(before);
        self.announce(thanks);
    }

    /// Whether the user moved focus onto one of the card's links or buttons (a keyboard or
    /// screen-reader user on the review link), rather than the heading the card focused itself.
    pub fn is_engaged(&self) -> bool {
        self.shared
            .root
            .active_element()
            .is_some_and(|e| matches!(e.tag_name().as_str(), "A" | "BUTTON"))
    }

    /// The shadow root, for tests and tools.
    pub fn shadow_root(&self) -> &ShadowRoot {
        &self.shared.root
    }

    /// Empties the card's body and gives it the step's heading (`#nps-title`, which names the
    /// dialog). Returns the body and the heading.
    fn begin_step(&self, heading: &str) -> (Element, Element) {
        self.body.set_text_content(None);
        let title = element(&self.shared.document, "h2", &self.body);
        set(&title, "id", "nps-title");
        title.set_text_content(Some(heading));
        (self.body.clone().into(), title)
    }

    /// The body's height in CSS pixels (fractions included), as laid out now.
    fn height(&self) -> f64 {
        dom(&self.body).rect().height()
    }

    /// Moves the body's height from `before` (the last step's) to the new step's with a CSS
    /// transition (none with `prefers-reduced-motion`), then lets it follow its content again.
    /// The height is the number `--nps-h` (card.css: `height: calc(var(--nps-h) * 1px)`, auto
    /// while it is not set).
    fn resize_from(&mut self, before: f64) {
        let style = self.body.style();
        let numbers: &Style = style.unchecked_ref();
        // The new step's own height, not one a transition still holds.
        dom(&style).set_property("--nps-h", "");
        let after = self.height();
        if before == after {
            return;
        }
        numbers.set_number("--nps-h", before);
        // Laid out at the old height, so the transition starts from it.
        self.height();
        numbers.set_number("--nps-h", after);
        self._resized = Some(Timeout::new(400, move || {
            dom(&style).set_property("--nps-h", "")
        }));
    }

    fn announce(&mut self, text: &str) {
        self._announce = None;
        self.live.set_text_content(Some(text));
    }
}

impl Drop for Card {
    fn drop(&mut self) {
        let shared = &self.shared;
        let focus_inside = shared.root.active_element().is_some();
        shared.host.remove();
        if let Some(element) = shared
            .return_focus
            .take()
            .filter(|e| focus_inside && e.is_connected())
        {
            focus(&element);
        }
    }
}

/// A new `tag` element appended to `parent`.
pub(super) fn element(document: &Document, tag: &str, parent: &web_sys::Node) -> Element {
    let element = dom(document).create_element(tag);
    dom(parent).append_child(&element);
    element
}

/// A new SVG `tag` element appended to `parent`.
fn svg(document: &Document, tag: &str, parent: &Element) -> Element {
    let element = dom(document).create_element_ns("http://www.w3.org/2000/svg", tag);
    dom(parent).append_child(&element);
    element
}

/// Sets an attribute.
pub(super) fn set(element: &Element, name: &str, value: &str) {
    dom(element).set_attribute(name, value);
}

/// Any DOM object, for the bindings without `catch` in [`Dom`].
pub(super) fn dom(node: &JsValue) -> &Dom {
    node.unchecked_ref()
}

/// Moves focus to `element`.
pub(super) fn focus(element: &Element) {
    if let Some(element) = element.dyn_ref::<HtmlElement>() {
        dom(element).focus();
    }
}
