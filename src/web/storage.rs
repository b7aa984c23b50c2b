//! Key/value storage: localStorage when the browser allows it and the host allows it (consent),
//! else memory for the page's life (Safari private mode, storage disabled by policy, consent
//! not yet given). Every key starts with [`PREFIX`].

use crate::prelude::*;

use core::cell::RefCell;
use web_sys::Storage;

/// Every key the widget writes starts with this prefix.
pub const PREFIX: &str = "nps-widget:";

/// The widget's storage.
pub struct Store {
    local: Option<Storage>,
    durable: bool,
    memory: RefCell<Vec<(String, String)>>,
}

impl Store {
    /// Opens storage; with `durable` false (consent pending) nothing reaches localStorage.
    pub fn open(durable: bool) -> Store {
        let local = super::guards::window().and_then(|w| w.local_storage().ok().flatten()).filter(|storage| {
            let probe = "nps-widget:probe";
            storage.set_item(probe, "1").is_ok() && storage.remove_item(probe).is_ok()
        });
        Store { local, durable, memory: RefCell::new(Vec::new()) }
    }

    /// Whether localStorage works in this browser.
    pub fn is_available(&self) -> bool {
        self.local.is_some()
    }

    fn local(&self) -> Option<&Storage> {
        self.local.as_ref().filter(|_| self.durable)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<String> {
        if let Some(local) = self.local() {
            if let Ok(value) = local.get_item(key) {
                return value;
            }
        }
        self.memory.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    /// Stores `value`; when localStorage refuses (quota), keeps it in memory.
    pub fn set(&self, key: &str, value: &str) {
        if let Some(local) = self.local() {
            if local.set_item(key, value).is_ok() {
                return;
            }
        }
        let mut memory = self.memory.borrow_mut();
        match memory.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.into(),
            None => memory.push((key.into(), value.into())),
        }
    }

    /// From now on values go to localStorage; what was kept in memory is written there.
    pub fn make_durable(&mut self) {
        self.durable = true;
        let memory = core::mem::take(&mut *self.memory.borrow_mut());
        for (key, value) in memory {
            self.set(&key, &value);
        }
    }

    /// Deletes every key the widget wrote and keeps further values in memory only.
    pub fn forget_all(&mut self) {
        if let Some(local) = &self.local {
            let count = local.length().unwrap_or(0);
            let keys: Vec<String> =
                (0..count).filter_map(|i| local.key(i).ok().flatten()).filter(|k| k.starts_with(PREFIX)).collect();
            for key in keys {
                let _ = local.remove_item(&key);
            }
        }
        self.memory.borrow_mut().clear();
        self.durable = false;
    }
}
