//! The widget's one error type. Messages are `'static` pieces joined only when shown, so the
//! wasm carries no formatting machinery.

use crate::prelude::*;

use super::text::concat;

/// Everything that can go wrong, as shown to the host page's developer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// A configuration key holds a value of the wrong form; `expected` names the accepted form.
    Config {
        /// Dotted path of the key, e.g. `theme.mode`.
        key: String,
        /// The accepted form, e.g. `"one of light, dark, auto"`.
        expected: &'static str,
    },
    /// A configuration key the widget does not know.
    UnknownKey {
        /// Dotted path of the key.
        key: String,
        /// Dotted path of a known key close to it (a typo, or a different case), if one is.
        suggestion: Option<String>,
    },
    /// A command was called with the wrong arguments, or before `init`.
    Command {
        /// The command's name.
        command: String,
        /// What it needs.
        expected: &'static str,
    },
    /// The browser refused an operation the widget needs.
    Browser(&'static str),
}

impl Error {
    /// A configuration error for `key`.
    pub fn config(key: &str, expected: &'static str) -> Error {
        Error::Config {
            key: key.into(),
            expected,
        }
    }

    /// The message for the console, prefixed `nps-widget:`.
    pub fn message(&self) -> String {
        match self {
            Error::Config { key, expected } => {
                concat(&["nps-widget: config `", key, "` must be ", expected])
            }
            Error::UnknownKey { key, suggestion } => match suggestion {
                Some(known) => concat(&[
                    "nps-widget: unknown config key `",
                    key,
                    "`; did you mean `",
                    known,
                    "`?",
                ]),
                None => concat(&["nps-widget: unknown config key `", key, "`"]),
            },
            Error::Command { command, expected } => {
                concat(&["nps-widget: `", command, "` ", expected])
            }
            Error::Browser(what) => concat(&["nps-widget: ", what]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_key_and_the_form() {
        assert_eq!(
            Error::config("theme.mode", "one of light, dark, auto").message(),
            "nps-widget: config `theme.mode` must be one of light, dark, auto"
        );
        assert_eq!(
            Error::UnknownKey {
                key: "colour".into(),
                suggestion: None,
            }
            .message(),
            "nps-widget: unknown config key `colour`"
        );
    }
}
