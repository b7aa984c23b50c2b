//! The words of the hosted pages and of survey emails, in every language the widget speaks
//! (its own texts, the question and the scale's labels, come from the widget's catalogs).
//! `{product}` stands for the product's name.

use nps_widget::core::i18n::{is_rtl, resolve};

/// The words of one language.
#[derive(Debug)]
pub struct Words {
    /// The language's tag, one of the widget's.
    pub tag: &'static str,
    /// Shown when the survey page cannot run its script.
    pub noscript: &'static str,
    /// A link whose time is over.
    pub expired_title: &'static str,
    /// What to do about an expired link.
    pub expired_text: &'static str,
    /// A link that was changed or cut.
    pub invalid_title: &'static str,
    /// What to do about a broken link.
    pub invalid_text: &'static str,
    /// A link whose answer is already complete.
    pub answered_title: &'static str,
    /// Said when the answer is already complete.
    pub answered_text: &'static str,
    /// A link to a survey the collector does not know.
    pub unknown_survey_title: &'static str,
    /// Said of a survey the collector does not know.
    pub unknown_survey_text: &'static str,
    /// The unsubscribe page's title.
    pub unsubscribe_title: &'static str,
    /// What unsubscribing does.
    pub unsubscribe_text: &'static str,
    /// The unsubscribe button.
    pub unsubscribe_button: &'static str,
    /// The title once unsubscribed.
    pub unsubscribed_title: &'static str,
    /// Said once unsubscribed.
    pub unsubscribed_text: &'static str,
    /// Above the scores in an email.
    pub email_prompt: &'static str,
    /// Why the reader got the email.
    pub email_footer: &'static str,
    /// The email's unsubscribe link.
    pub email_unsubscribe: &'static str,
}

impl Words {
    /// `rtl` or `ltr`.
    pub fn dir(&self) -> &'static str {
        if is_rtl(self.tag) {
            "rtl"
        } else {
            "ltr"
        }
    }
}

const EN: Words = Words {
    tag: "en",
    noscript: "This survey needs JavaScript. Please turn it on and open the link again.",
    expired_title: "This link has expired",
    expired_text: "Survey links work for a limited time. Thank you for wanting to answer!",
    invalid_title: "This link does not work",
    invalid_text: "It may have been cut short or changed. Please open it again from the email.",
    answered_title: "Thank you!",
    answered_text: "Your answer is already recorded.",
    unknown_survey_title: "This survey is not available",
    unknown_survey_text: "Please check the link, or open it again from the email.",
    unsubscribe_title: "Unsubscribe from survey emails",
    unsubscribe_text: "You will no longer receive survey emails from {product}.",
    unsubscribe_button: "Unsubscribe",
    unsubscribed_title: "You are unsubscribed",
    unsubscribed_text: "You will not receive survey emails from {product} again.",
    email_prompt: "Click a number to answer.",
    email_footer: "You received this email because you use {product}.",
    email_unsubscribe: "Unsubscribe",
};

/// Every language's words (English first).
const ALL: &[&Words] = &[&EN];

/// The words of the widget's language that best matches `tag` (English when there are none).
pub fn words(tag: &str) -> &'static Words {
    let tag = resolve(tag);
    ALL.iter().find(|w| w.tag == tag).copied().unwrap_or(&EN)
}
