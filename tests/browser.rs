// Browser tests of the survey card in headless Chromium (wasm-bindgen-test): rendering in an
// open shadow root, accessible names and roles, translated texts loaded on demand, keyboard
// navigation (LTR and RTL), the score step, closing, the six-month rule, bad configs and
// destroy. Every test drives the widget only through its public API and reads the DOM through
// the card's shadow root. The endpoint does not exist on the test server, so every delivery
// fails; that must not disturb the card.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Promise, JSON};
use nps_widget::web::api::{command, shadow_root};
use nps_widget::web::languages::set_language_loader;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{
    Document, Element, HtmlElement, KeyboardEvent, KeyboardEventInit, ShadowRoot, ShadowRootMode,
};

wasm_bindgen_test_configure!(run_in_browser);

/// A collector path the test server does not have: deliveries fail.
const ENDPOINT: &str = "/v1/responses";

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A JavaScript value from JSON text.
fn json(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or_else(|_| panic!("bad JSON in test: {text}"))
}

/// A config that only shows the card on `show()` (no load trigger), in `language`.
fn config(language: &str) -> JsValue {
    json(&format!(
        r#"{{"endpoint":"{ENDPOINT}","product":"Acme","language":"{language}","triggers":[{{"event":"browser-test"}}]}}"#
    ))
}

fn cmd(name: &str, arg: Option<&JsValue>) {
    let args = arg.map_or_else(Array::new, Array::of1);
    command(&JsValue::from_str(name), &args);
}

fn init(language: &str) {
    cmd("init", Some(&config(language)));
}

fn show(force: bool) {
    cmd(
        "show",
        Some(&json(if force { r#"{"force":true}"# } else { "{}" })),
    );
}

/// The language files the test loader serves; any other language fails to load.
fn language_file(tag: &str) -> Option<&'static str> {
    match tag {
        "de" => Some(include_str!("../src/i18n/de.txt")),
        "ar" => Some(include_str!("../src/i18n/ar.txt")),
        _ => None,
    }
}

/// Registers a language loader, as the npm module does with its `i18n/<tag>.js` files.
fn serve_language_files() {
    thread_local!(static DONE: Cell<bool> = const { Cell::new(false) });
    if DONE.with(|d| d.replace(true)) {
        return;
    }
    let loader = Closure::<dyn Fn(JsValue) -> Promise>::new(|tag: JsValue| {
        match tag.as_string().as_deref().and_then(language_file) {
            Some(text) => Promise::resolve(&JsValue::from_str(text)),
            None => Promise::reject(&JsValue::from_str("no such language file")),
        }
    });
    set_language_loader(loader.into_js_value().unchecked_into());
}

/// Wraps `window.fetch` (once) to record every POST the widget makes, its body and whether
/// its promise has settled, in `window.__posts`. The record's settle handler is attached
/// before the widget's own, so by the time a later task sees a POST settled, the widget has
/// handled its outcome.
fn record_posts() {
    thread_local!(static DONE: Cell<bool> = const { Cell::new(false) });
    if DONE.with(|d| d.replace(true)) {
        return;
    }
    Function::new_no_args(
        "var real = window.fetch;
         window.fetch = function (input, init) {
           var promise = real.call(window, input, init);
           if (init && init.method === 'POST') {
             var post = { body: String(init.body), settled: false };
             window.__posts.push(post);
             var settled = function () { post.settled = true; };
             promise.then(settled, settled);
           }
           return promise;
         };",
    )
    .call0(&JsValue::NULL)
    .unwrap();
}

/// Whether a POST of a `kind` body (`display`, `response`, `decline`) of answer `id` has been
/// answered (here always with a failure) and handled by the widget.
fn post_settled(id: &str, kind: &str) -> bool {
    let check = Function::new_with_args(
        "id, kind",
        "return window.__posts.some(function (p) {
           return p.settled && p.body.indexOf('{\"id\":\"' + id + '\",') === 0
             && p.body.indexOf('\"type\":\"' + kind + '\"') > 0;
         });",
    );
    check
        .call2(
            &JsValue::NULL,
            &JsValue::from_str(id),
            &JsValue::from_str(kind),
        )
        .unwrap()
        .is_truthy()
}

/// Waits (up to five seconds) until the widget has handled the failed delivery of a `kind`
/// body of answer `id`: the endpoint does not exist, so every POST fails.
async fn delivery_failed(id: &str, kind: &str) {
    for _ in 0..250 {
        if post_settled(id, kind) {
            return;
        }
        sleep(20).await;
    }
    panic!("no failed POST of the {kind} of {id} within five seconds");
}

/// Removes any widget left by an earlier test and forgets every stored state.
fn fresh() {
    serve_language_files();
    record_posts();
    Function::new_no_args("window.__posts = [];")
        .call0(&JsValue::NULL)
        .unwrap();
    cmd("destroy", None);
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    assert!(host().is_none(), "destroy left a <nps-widget> element");
}

fn host() -> Option<Element> {
    document().query_selector("nps-widget").unwrap()
}

/// The card's shadow root, reached from the page like any script would.
fn root() -> ShadowRoot {
    let host = host().expect("no <nps-widget> element on the page");
    host.shadow_root()
        .expect("the card's shadow root is not open")
}

fn all(root: &ShadowRoot, selector: &str) -> Vec<HtmlElement> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into::<HtmlElement>().unwrap())
        .collect()
}

fn one(root: &ShadowRoot, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector} in the card"))
        .dyn_into::<HtmlElement>()
        .unwrap()
}

fn radios(root: &ShadowRoot) -> Vec<HtmlElement> {
    all(root, "[role=radio]")
}

fn attr(element: &Element, name: &str) -> String {
    element
        .get_attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", element.tag_name()))
}

fn heading(root: &ShadowRoot) -> String {
    one(root, "h2").text_content().unwrap_or_default()
}

fn active(root: &ShadowRoot) -> Option<Element> {
    root.active_element()
}

/// Dispatches keydown `key` on `target` as a real key press would (bubbles, composed,
/// cancelable). Returns whether the card handled it (prevented the default).
fn press(target: &Element, key: &str) -> bool {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    !target.dispatch_event(&event).unwrap()
}

/// Resolves after `ms` milliseconds: lets fetches, microtasks and timers run.
async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits (up to two seconds) for the card to appear: languages other than English load first.
async fn wait_for_card() -> ShadowRoot {
    for _ in 0..100 {
        if host().is_some() {
            return root();
        }
        sleep(20).await;
    }
    panic!("the card did not appear within two seconds");
}

/// Records the payloads of one widget event (`on(name, fn)`).
struct Recorder {
    seen: Rc<RefCell<Vec<JsValue>>>,
    _listener: Closure<dyn FnMut(JsValue)>,
}

fn record(event: &str) -> Recorder {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let listener =
        Closure::<dyn FnMut(JsValue)>::new(move |payload| sink.borrow_mut().push(payload));
    command(
        &JsValue::from_str("on"),
        &Array::of2(&JsValue::from_str(event), listener.as_ref()),
    );
    Recorder {
        seen,
        _listener: listener,
    }
}

impl Recorder {
    fn count(&self) -> usize {
        self.seen.borrow().len()
    }

    fn field(&self, index: usize, key: &str) -> JsValue {
        js_sys::Reflect::get(&self.seen.borrow()[index], &JsValue::from_str(key)).unwrap()
    }
}

/// Asserts that every radio is unchecked and the card is still on step 1.
fn assert_step_one_unchosen(root: &ShadowRoot) {
    let radios = radios(root);
    assert_eq!(radios.len(), 11, "step 1 should still show 11 radios");
    for radio in &radios {
        assert_eq!(
            attr(radio, "aria-checked"),
            "false",
            "moving focus must not choose a score"
        );
    }
    assert!(
        root.query_selector("textarea").unwrap().is_none(),
        "moving focus must not open step 2"
    );
}

/// Asserts that radio `score` has focus and is the only one in the tab order.
fn assert_focused(root: &ShadowRoot, score: usize) {
    let radios = radios(root);
    let focused = active(root).expect("nothing in the card has focus");
    assert_eq!(
        attr(&focused, "data-score"),
        score.to_string(),
        "focus is on the wrong radio"
    );
    assert!(
        focused == *radios[score],
        "the active element is not the radio for {score}"
    );
    for (i, radio) in radios.iter().enumerate() {
        assert_eq!(
            attr(radio, "tabindex"),
            if i == score { "0" } else { "-1" },
            "tabindex of radio {i}"
        );
    }
}

#[wasm_bindgen_test]
fn card_renders_an_accessible_scale_in_an_open_shadow_root() {
    fresh();
    init("en");
    assert!(
        host().is_none(),
        "without a load trigger, init must not show the card"
    );
    show(true);

    let host = host().expect("show() did not add <nps-widget>");
    assert_eq!(
        document()
            .query_selector_all("nps-widget")
            .unwrap()
            .length(),
        1
    );
    let root = root();
    assert_eq!(root.mode(), ShadowRootMode::Open);
    assert!(
        JsValue::from(root.clone()) == shadow_root(),
        "api::shadow_root() is not the host's shadow root"
    );
    assert!(
        host.children().length() == 0,
        "the card must live in the shadow root, not in the light DOM"
    );

    // Dialog labelled by its heading.
    let dialog = one(&root, "[role=dialog]");
    assert_eq!(all(&root, "[role=dialog]").len(), 1);
    let labelled_by = attr(&dialog, "aria-labelledby");
    let title = root
        .get_element_by_id(&labelled_by)
        .expect("aria-labelledby points to nothing");
    assert_eq!(title.tag_name(), "H2");
    assert!(
        dialog.contains(Some(title.as_ref())),
        "the heading is outside the dialog"
    );
    assert_eq!(
        title.text_content().unwrap(),
        "How likely are you to recommend Acme to a friend or colleague?"
    );
    assert_eq!(attr(&dialog, "lang"), "en");
    assert_eq!(attr(&dialog, "dir"), "ltr");

    // One radiogroup holding exactly 11 radios, 0..10, only the first in the tab order.
    let groups = all(&root, "[role=radiogroup]");
    assert_eq!(groups.len(), 1, "expected exactly one radiogroup");
    assert_eq!(attr(&groups[0], "aria-label"), "Score from 0 to 10");
    let in_group = groups[0]
        .query_selector_all("[role=radio]")
        .unwrap()
        .length();
    let radios = radios(&root);
    assert_eq!(radios.len(), 11, "expected 11 radios");
    assert_eq!(in_group, 11, "every radio must be inside the radiogroup");
    for (score, radio) in radios.iter().enumerate() {
        assert_eq!(
            attr(radio, "tabindex"),
            if score == 0 { "0" } else { "-1" },
            "tabindex of radio {score}"
        );
        assert_eq!(attr(radio, "aria-checked"), "false");
        assert_eq!(attr(radio, "aria-label"), format!("{score} out of 10"));
        assert_eq!(radio.text_content().unwrap(), score.to_string());
    }
    // The end labels describe the ends of the scale.
    let low = root
        .get_element_by_id(&attr(&radios[0], "aria-describedby"))
        .expect("radio 0 describedby");
    let high = root
        .get_element_by_id(&attr(&radios[10], "aria-describedby"))
        .expect("radio 10 describedby");
    assert_eq!(low.text_content().unwrap(), "Not at all likely");
    assert_eq!(high.text_content().unwrap(), "Extremely likely");
    assert_eq!(
        attr(&one(&root, "button.close"), "aria-label"),
        "Close survey"
    );
}

#[wasm_bindgen_test]
async fn forced_show_in_german_uses_german_labels() {
    fresh();
    init("de");
    show(true);
    let root = wait_for_card().await;
    assert_eq!(attr(&one(&root, "[role=dialog]"), "lang"), "de");
    assert_eq!(
        heading(&root),
        "Wie wahrscheinlich ist es, dass Sie Acme einem Freund oder Kollegen empfehlen?"
    );
    let radios = radios(&root);
    assert_eq!(radios.len(), 11);
    for (score, radio) in radios.iter().enumerate() {
        assert_eq!(attr(radio, "aria-label"), format!("{score} von 10"));
    }
    assert_eq!(
        attr(&one(&root, "[role=radiogroup]"), "aria-label"),
        "Bewertung von 0 bis 10"
    );
    assert_eq!(
        attr(&one(&root, "button.close"), "aria-label"),
        "Umfrage schließen"
    );
}

#[wasm_bindgen_test]
fn arrow_keys_move_focus_without_choosing() {
    fresh();
    init("en");
    show(true);
    let root = root();
    let radios = radios(&root);
    radios[0].focus().unwrap();
    assert_focused(&root, 0);

    let steps: [(&str, usize); 7] = [
        ("ArrowRight", 1),
        ("ArrowRight", 2),
        ("ArrowLeft", 1),
        ("ArrowLeft", 0),
        ("ArrowLeft", 0), // stays at the low end
        ("End", 10),
        ("Home", 0),
    ];
    for (key, expected) in steps {
        let focused = active(&root).expect("focus left the card");
        press(&focused, key);
        assert_focused(&root, expected);
        assert_step_one_unchosen(&root);
    }
    // ArrowDown/ArrowUp move like the forward/backward arrows; ArrowRight stops at 10.
    press(&active(&root).unwrap(), "End");
    press(&active(&root).unwrap(), "ArrowRight");
    assert_focused(&root, 10);
    press(&active(&root).unwrap(), "ArrowUp");
    assert_focused(&root, 9);
    press(&active(&root).unwrap(), "ArrowDown");
    assert_focused(&root, 10);
    assert_step_one_unchosen(&root);
    assert!(host().is_some());
}

// Keys that move focus in the radio group must not also scroll the host page. Fails while the
// card's keydown listener is registered passive (gloo-events' default), which makes the
// browser ignore its preventDefault().
#[wasm_bindgen_test]
fn keys_that_move_focus_do_not_scroll_the_page() {
    fresh();
    init("en");
    show(true);
    let root = root();
    radios(&root)[0].focus().unwrap();
    for key in [
        "ArrowRight",
        "ArrowDown",
        "ArrowLeft",
        "ArrowUp",
        "End",
        "Home",
    ] {
        assert!(
            press(&active(&root).unwrap(), key),
            "{key} on a radio should prevent the default (scrolling)"
        );
    }
    // Other keys are left to the browser.
    assert!(!press(&active(&root).unwrap(), "a"));
}

#[wasm_bindgen_test]
async fn a_language_that_cannot_be_loaded_falls_back_to_english() {
    fresh();
    init("fr"); // the test loader has no French file
    show(false);
    let root = wait_for_card().await;
    assert_eq!(attr(&one(&root, "[role=dialog]"), "lang"), "en");
    assert_eq!(attr(&radios(&root)[4], "aria-label"), "4 out of 10");
}

#[wasm_bindgen_test]
async fn arrow_keys_are_mirrored_in_right_to_left_languages() {
    fresh();
    init("ar");
    show(false);
    let root = wait_for_card().await;
    assert_eq!(attr(&radios(&root)[7], "aria-label"), "7 من 10");
    let dialog = one(&root, "[role=dialog]");
    assert_eq!(attr(&dialog, "dir"), "rtl");
    assert_eq!(attr(&dialog, "lang"), "ar");
    radios(&root)[0].focus().unwrap();
    assert_focused(&root, 0);

    for (key, expected) in [
        ("ArrowLeft", 1),
        ("ArrowLeft", 2),
        ("ArrowRight", 1),
        ("End", 10),
        ("ArrowLeft", 10),
        ("Home", 0),
    ] {
        let focused = active(&root).expect("focus left the card");
        press(&focused, key);
        assert_focused(&root, expected);
        assert_step_one_unchosen(&root);
    }
}

#[wasm_bindgen_test]
async fn choosing_a_score_shows_the_follow_up_with_focus_in_the_text_area() {
    fresh();
    init("en");
    let scores = record("score");
    show(true);
    let root = root();
    radios(&root)[9].click();

    let area = root
        .query_selector("textarea")
        .unwrap()
        .expect("step 2 has no textarea");
    // The question stays the dialog's heading; the follow-up question labels the box.
    assert_eq!(
        heading(&root),
        "How likely are you to recommend Acme to a friend or colleague?"
    );
    let label = one(&root, "label");
    assert_eq!(
        label.text_content().unwrap(),
        "Great to hear! What do you love most?"
    );
    assert_eq!(attr(&label, "for"), attr(&area, "id"));
    assert!(
        active(&root) == Some(area.clone()),
        "focus should be in the textarea"
    );
    // The scale stays, 9 chosen and in the tab order.
    let radios = radios(&root);
    assert_eq!(radios.len(), 11, "the scale stays on step 2");
    assert_eq!(attr(&radios[9], "aria-checked"), "true");
    assert_eq!(attr(&radios[9], "tabindex"), "0");
    // "Skip" while the box is empty, "Send" once it holds text, "Skip" again when emptied.
    let button = one(&root, "button.send");
    assert_eq!(button.text_content().unwrap(), "Skip");
    // Typing: the value changes, then an `input` event bubbles up.
    let typed = Function::new_with_args(
        "area, value",
        "area.value = value; area.dispatchEvent(new Event('input', { bubbles: true }));",
    );
    for (value, label) in [
        ("Fast", "Send"),
        ("  ", "Skip"),
        ("", "Skip"),
        ("x", "Send"),
    ] {
        typed
            .call2(&JsValue::NULL, &area, &JsValue::from_str(value))
            .unwrap();
        assert_eq!(button.text_content().unwrap(), label, "with {value:?}");
    }
    assert_eq!(scores.count(), 1, "one `score` event");
    assert_eq!(scores.field(0, "score").as_f64(), Some(9.0));
    assert_eq!(
        scores.field(0, "category").as_string().as_deref(),
        Some("promoter")
    );

    // The score's delivery fails (no such endpoint); the card stays on step 2 regardless.
    let id = scores.field(0, "id").as_string().expect("the score's id");
    delivery_failed(&id, "response").await;
    assert!(host().is_some(), "a failed delivery closed the card");
    let root = self::root();
    assert!(root.query_selector("textarea").unwrap().is_some());
    assert_eq!(
        one(&root, "label").text_content().unwrap(),
        "Great to hear! What do you love most?"
    );

    // Another score on step 2: sent again (a second `score` event), the follow-up question of
    // the new category, the comment kept, focus left on the scale.
    let radios = self::radios(&root);
    radios[3].click();
    assert_eq!(scores.count(), 2, "a changed score is sent again");
    assert_eq!(scores.field(1, "score").as_f64(), Some(3.0));
    assert_eq!(
        scores.field(1, "category").as_string().as_deref(),
        Some("detractor")
    );
    assert_eq!(scores.field(1, "id"), scores.field(0, "id"), "one answer");
    assert_eq!(attr(&radios[3], "aria-checked"), "true");
    assert_eq!(attr(&radios[9], "aria-checked"), "false");
    assert_eq!(
        one(&root, "label").text_content().unwrap(),
        "What could we do better?"
    );
    assert_eq!(one(&root, "button.send").text_content().unwrap(), "Send");
    // The same score again changes nothing.
    radios[3].click();
    assert_eq!(scores.count(), 2);
    cmd("destroy", None);
}

#[wasm_bindgen_test]
async fn escape_on_a_radio_closes_the_card() {
    fresh();
    init("en");
    let dismissed = record("dismissed");
    show(true);
    let root = root();
    let radio = radios(&root)[3].clone();
    radio.focus().unwrap();
    press(&radio, "Escape");
    assert!(host().is_none(), "Escape should remove <nps-widget>");
    assert!(
        shadow_root().is_null(),
        "api::shadow_root() should be null once closed"
    );
    assert_eq!(dismissed.count(), 1, "one `dismissed` event");
    // The decline's failed delivery must not bring anything back.
    let id = dismissed
        .field(0, "id")
        .as_string()
        .expect("the decline's id");
    delivery_failed(&id, "decline").await;
    assert!(host().is_none());
    cmd("destroy", None);
}

#[wasm_bindgen_test]
async fn the_close_button_closes_the_card() {
    fresh();
    init("en");
    let dismissed = record("dismissed");
    show(true);
    let root = root();
    let close = one(&root, "button[aria-label='Close survey']");
    assert_eq!(attr(&close, "type"), "button");
    close.click();
    assert!(
        host().is_none(),
        "the close button should remove <nps-widget>"
    );
    assert!(shadow_root().is_null());
    // The decline's failed delivery must not bring anything back.
    let id = dismissed
        .field(0, "id")
        .as_string()
        .expect("the decline's id");
    delivery_failed(&id, "decline").await;
    assert!(host().is_none());
}

#[wasm_bindgen_test]
async fn a_closed_card_is_not_shown_again_unless_forced() {
    fresh();
    init("en");
    let ineligible = record("ineligible");
    show(false);
    wait_for_card().await;
    one(&root(), "button.close").click();
    assert!(host().is_none());

    // Decided at once, by the local rules: no lock, no network.
    show(false);
    assert!(
        host().is_none(),
        "a second show() within six months must not render"
    );
    assert_eq!(
        ineligible.count(),
        1,
        "the refusal is reported as `ineligible`"
    );
    let next = ineligible
        .field(0, "nextEligibleAt")
        .as_string()
        .expect("nextEligibleAt");
    let next_ms = js_sys::Date::parse(&next);
    let months = (next_ms - js_sys::Date::now()) / 86_400_000.0 / 30.44;
    assert!(
        (5.5..6.5).contains(&months),
        "next eligible about six months ahead, got {next}"
    );

    // A new init (as on the next page load) remembers it too.
    init("en");
    show(false);
    assert!(
        host().is_none(),
        "the six-month rule must survive a new init"
    );

    show(true);
    assert!(
        host().is_some(),
        "show({{force:true}}) must render regardless"
    );
    assert_eq!(radios(&root()).len(), 11);
    cmd("destroy", None);
}

#[wasm_bindgen_test]
fn a_bad_config_renders_nothing_and_does_not_throw() {
    fresh();
    // A good widget first: a bad init must replace it, not keep it.
    init("en");
    show(true);
    assert!(host().is_some());

    cmd("init", Some(&json("{}")));
    assert!(host().is_none(), "init({{}}) must leave no <nps-widget>");
    assert!(shadow_root().is_null());
    cmd("init", Some(&json(r#"{"endpoint":"/x","nope":1}"#)));
    assert!(
        host().is_none(),
        "an unknown key must leave no <nps-widget>"
    );
    cmd(
        "init",
        Some(&json(r#"{"endpoint":"/x","triggers":"load"}"#)),
    );
    assert!(host().is_none());
    cmd("init", None);
    cmd("init", Some(&JsValue::from_str("nonsense")));
    // With no valid init, every other command is refused quietly.
    show(true);
    cmd("track", Some(&JsValue::from_str("browser-test")));
    cmd("hide", None);
    cmd("no-such-command", None);
    command(&JsValue::from_f64(1.0), &Array::new());
    assert!(host().is_none());
    assert_eq!(
        document()
            .query_selector_all("nps-widget")
            .unwrap()
            .length(),
        0
    );
}

#[wasm_bindgen_test]
fn destroy_removes_the_host_element() {
    fresh();
    init("en");
    show(true);
    assert!(host().is_some());
    cmd("destroy", None);
    assert!(host().is_none(), "destroy() should remove <nps-widget>");
    assert!(shadow_root().is_null());
    // Destroy is idempotent, and nothing renders without a new init.
    cmd("destroy", None);
    show(true);
    assert!(host().is_none());
}

/// Makes every localStorage call throw (Safari private mode, storage blocked by policy), and
/// hides Web Locks so that a show is decided at once (the test stays synchronous); or puts the
/// real ones back.
fn break_storage(broken: bool) {
    let script = if broken {
        "var p = Storage.prototype; window.__storage = [p.getItem, p.setItem, p.removeItem];
         p.getItem = p.setItem = p.removeItem = function () { throw new DOMException('denied', 'SecurityError'); };
         Object.defineProperty(navigator, 'locks', { get: function () { return undefined; }, configurable: true });"
    } else {
        "var p = Storage.prototype, s = window.__storage; p.getItem = s[0]; p.setItem = s[1]; p.removeItem = s[2];
         delete navigator.locks;"
    };
    Function::new_no_args(script).call0(&JsValue::NULL).unwrap();
}

// Synchronous on purpose: async tests interleave at their await points, and no other test may
// run while Storage.prototype is broken.
#[wasm_bindgen_test]
fn throwing_storage_still_renders_and_throttles_in_memory() {
    fresh();
    break_storage(true);
    init("en");
    let ineligible = record("ineligible");
    show(false);
    assert!(host().is_some(), "show() renders without storage");
    one(&root(), "button.close").click();
    assert!(host().is_none());
    show(false);
    assert!(
        host().is_none(),
        "the display is remembered in memory for the page's life"
    );
    assert_eq!(ineligible.count(), 1);
    assert!(ineligible
        .field(0, "reason")
        .as_string()
        .unwrap()
        .starts_with("dismissed on "));
    show(true);
    assert!(
        host().is_some(),
        "show({{force:true}}) renders without storage too"
    );
    cmd("destroy", None);
    break_storage(false);
    assert_eq!(
        web_sys::window()
            .unwrap()
            .local_storage()
            .unwrap()
            .unwrap()
            .length()
            .unwrap(),
        0,
        "nothing was written"
    );
}
