//! The card's input: one handler for every click, key and focus change inside the card (so the
//! wasm holds one listener closure, not one per event), the radio group's roving focus, and the
//! visual viewport the card follows.

use crate::prelude::*;

use super::card::{dom, focus, set, Action};
use super::guards::{reflect_set, EventListener};
use crate::core::text::parse_u32;
use alloc::rc::Rc;
use core::cell::Cell;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlElement, KeyboardEvent, ShadowRoot};

#[wasm_bindgen]
extern "C" {
    /// `window.visualViewport`: the part of the page on screen, smaller than the layout
    /// viewport while an on-screen keyboard is up.
    #[wasm_bindgen(extends = web_sys::EventTarget)]
    #[derive(Clone)]
    type Viewport;
    type Window;
    #[wasm_bindgen(method, getter, js_name = visualViewport)]
    fn visual_viewport(this: &Window) -> Option<Viewport>;
    #[wasm_bindgen(method, getter)]
    fn width(this: &Viewport) -> f64;
    #[wasm_bindgen(method, getter)]
    fn height(this: &Viewport) -> f64;
    #[wasm_bindgen(method, getter, js_name = offsetLeft)]
    fn offset_left(this: &Viewport) -> f64;
    #[wasm_bindgen(method, getter, js_name = offsetTop)]
    fn offset_top(this: &Viewport) -> f64;
    #[wasm_bindgen(method, getter)]
    fn scale(this: &Viewport) -> f64;
    /// A `CSSStyleDeclaration`, with a `setProperty` that takes a number.
    pub(super) type Style;
    /// `style.setProperty(name, value)` for a custom property holding a number.
    #[wasm_bindgen(method, js_name = setProperty)]
    pub(super) fn set_number(this: &Style, name: &str, value: f64);
    type FocusEvent;
    #[wasm_bindgen(method, getter, js_name = relatedTarget)]
    fn related_target(this: &FocusEvent) -> Option<Element>;
}

/// What the card's event listeners need. One handler serves every event, so the wasm holds
/// one listener closure, not one per event.
pub(super) struct Shared {
    pub(super) document: Document,
    pub(super) host: HtmlElement,
    pub(super) root: ShadowRoot,
    viewport: Option<Viewport>,
    on_action: Rc<dyn Fn(Action)>,
    rtl: bool,
    /// Where focus goes back when the card closes: the element focused when it appeared, then
    /// the last element outside the card that focus came from.
    pub(super) return_focus: Cell<Option<Element>>,
}

impl Shared {
    /// The card's shared part, for a card in `root` of `host`, focus coming from where it is.
    pub(super) fn new(
        document: Document,
        host: HtmlElement,
        root: ShadowRoot,
        on_action: Rc<dyn Fn(Action)>,
        rtl: bool,
    ) -> Rc<Shared> {
        let viewport = super::guards::window()
            .and_then(|window| window.unchecked_into::<Window>().visual_viewport());
        let shared = Rc::new(Shared {
            return_focus: Cell::new(document.active_element()),
            viewport,
            document,
            host,
            root,
            on_action,
            rtl,
        });
        shared.fit();
        shared
    }

    /// The card's listeners: clicks, keys and focus in the card and, while it is open, the
    /// visual viewport (an on-screen keyboard).
    pub(super) fn listen(self: &Rc<Shared>) -> Vec<EventListener> {
        let root: &web_sys::EventTarget = &self.root;
        let mut targets = vec![
            (root, "click"),
            (root, "keydown"),
            (root, "focusin"),
            (root, "input"),
        ];
        if let Some(viewport) = &self.viewport {
            targets.push((viewport, "resize"));
            targets.push((viewport, "scroll"));
        }
        // Not passive: arrow keys on the scale must not also scroll the host page.
        let mut listeners = Vec::new();
        for (target, name) in targets {
            let shared = self.clone();
            listeners.push(EventListener::new(target, name, false, move |event| {
                shared.handle(event)
            }));
        }
        listeners
    }

    fn handle(&self, event: &web_sys::Event) {
        match event.type_().as_str() {
            "click" => self.click(event),
            "keydown" => self.key(event),
            "focusin" => {
                if let Some(from) = event
                    .unchecked_ref::<FocusEvent>()
                    .related_target()
                    .filter(|from| from.get_root_node() != **self.root)
                {
                    self.return_focus.set(Some(from));
                }
            }
            "input" => self.label_send(),
            "resize" => {
                self.fit();
                self.reveal_comment();
            }
            _ => self.fit(),
        }
    }

    /// While the comment box has focus (an on-screen keyboard just came up), scrolls the card
    /// to its end, so that the box and its button are what stays in view.
    fn reveal_comment(&self) {
        // The box's parent is the follow-up block, whose parent is the card's scrolling body.
        if let Some(scroller) = self
            .root
            .active_element()
            .filter(|e| e.tag_name() == "TEXTAREA")
            .and_then(|area| area.parent_element())
            .and_then(|follow| follow.parent_element())
        {
            // Past the end: the browser stops at the end (no scrollHeight binding needed).
            reflect_set(&scroller, "scrollTop", &JsValue::from_f64(1e6));
        }
    }

    /// The comment box's text, trimmed ("" without a box).
    fn comment(&self) -> String {
        dom(&self.root)
            .query_selector("textarea")
            .and_then(|area| Reflect::get(&area, &JsValue::from_str("value")).ok())
            // JavaScript's trim: the Unicode whitespace table stays out of the wasm.
            .and_then(|value| value.dyn_into::<js_sys::JsString>().ok())
            .map(|value| String::from(value.trim()))
            .unwrap_or_default()
    }

    /// The follow-up's button says "Skip" while the comment is empty and "Send" once it holds
    /// text (its two labels are its `data-skip` and `data-send`).
    fn label_send(&self) {
        if let Some(button) = dom(&self.root).query_selector(".send") {
            let (label, class) = if self.comment().is_empty() {
                ("data-skip", "send skip")
            } else {
                ("data-send", "send")
            };
            button.set_text_content(button.get_attribute(label).as_deref());
            set(&button, "class", class);
        }
    }

    fn click(&self, event: &web_sys::Event) {
        let Some(target) = event_target(event).and_then(|t| dom(&t).closest("[data-action]"))
        else {
            return;
        };
        let action = match target.get_attribute("data-action").as_deref() {
            Some("close") => Action::Close,
            Some("score") => match target
                .get_attribute("data-score")
                .and_then(|s| parse_u32(&s))
                .and_then(|s| u8::try_from(s).ok())
            {
                Some(score) => Action::Score(score),
                None => return,
            },
            Some("send") => Action::Send(self.comment()),
            _ => return,
        };
        (self.on_action)(action);
    }

    fn key(&self, event: &web_sys::Event) {
        let Some(key_event) = event.dyn_ref::<KeyboardEvent>() else {
            return;
        };
        let key = key_event.key();
        // Escape while an input method composes (Japanese, Chinese, Korean) cancels the
        // composition, not the survey.
        if key == "Escape" && !key_event.is_composing() {
            return (self.on_action)(Action::Close);
        }
        if let Some(target) =
            event_target(event).filter(|t| t.get_attribute("role").as_deref() == Some("radio"))
        {
            if move_focus(&target, &key, self.rtl) {
                event.prevent_default();
            }
        }
    }

    /// Gives the card's CSS the visual viewport: `--nps-vw` and `--nps-vh` its size, `--nps-vl`
    /// and `--nps-vt` its offset from the left and top of the layout viewport, in CSS pixels
    /// (numbers; the stylesheet does the arithmetic). The layout viewport is wider than the
    /// screen on a host whose content overflows sideways, and taller while an on-screen keyboard
    /// is up; the card is placed on the part the user sees. Left as they are while the page is
    /// pinch-zoomed.
    fn fit(&self) {
        let Some(viewport) = &self.viewport else {
            return;
        };
        if viewport.scale() < 1.01 {
            let style = self.host.style();
            let style: &Style = style.unchecked_ref();
            style.set_number("--nps-vw", viewport.width());
            style.set_number("--nps-vh", viewport.height());
            style.set_number("--nps-vl", viewport.offset_left());
            style.set_number("--nps-vt", viewport.offset_top());
        }
    }
}

fn event_target(event: &web_sys::Event) -> Option<Element> {
    // Events from inside a shadow root are retargeted; composedPath()[0] is the real origin.
    event.composed_path().get(0).dyn_into::<Element>().ok()
}

/// Roving focus over the radio group (whatever its range: the radios are its children, lowest
/// first): arrows (mirrored in RTL), Home, End. Returns whether the key was handled.
fn move_focus(radio: &Element, key: &str, rtl: bool) -> bool {
    let Some(group) = radio.parent_element() else {
        return false;
    };
    let children = group.children();
    let last = children.length().saturating_sub(1);
    let Some(current) = (0..children.length()).find(|i| {
        children
            .item(*i)
            .is_some_and(|child| child.is_same_node(Some(radio)))
    }) else {
        return false;
    };
    let forward = if rtl { "ArrowLeft" } else { "ArrowRight" };
    let backward = if rtl { "ArrowRight" } else { "ArrowLeft" };
    let next = match key {
        k if k == forward || k == "ArrowDown" => (current + 1).min(last),
        k if k == backward || k == "ArrowUp" => current.saturating_sub(1),
        "Home" => 0,
        "End" => last,
        _ => return false,
    };
    if let Some(target) = children.item(next) {
        for i in 0..children.length() {
            if let Some(child) = children.item(i) {
                set(&child, "tabindex", if i == next { "0" } else { "-1" });
            }
        }
        focus(&target);
    }
    true
}
