//! Key/value storage: localStorage when the browser allows it, else memory for the page's life
//! (Safari private mode, storage disabled by policy, or consent not yet given).

use std::cell::RefCell;
use web_sys::Storage;

/// Every key the widget writes starts with this prefix.
pub const PREFIX: &str = "nps-widget:";

/// The widget's storage.
pub struct Store {
    local: Option<Storage>,
    memory: RefCell<Vec<(String, String)>>,
}

impl Store {
    /// localStorage if a write and a delete succeed, else memory only.
    pub fn open() -> Store {
        let local = web_sys::window().and_then(|w| w.local_storage().ok().flatten()).filter(|storage| {
            let probe = "nps-widget:probe";
            storage.set_item(probe, "1").is_ok() && storage.remove_item(probe).is_ok()
        });
        Store { local, memory: RefCell::new(Vec::new()) }
    }

    /// A store that never touches localStorage.
    pub fn in_memory() -> Store {
        Store { local: None, memory: RefCell::new(Vec::new()) }
    }

    /// Whether values survive the page.
    pub fn is_durable(&self) -> bool {
        self.local.is_some()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<String> {
        if let Some(local) = &self.local {
            if let Ok(value) = local.get_item(key) {
                return value;
            }
        }
        self.memory.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    /// Stores `value`; when localStorage refuses (quota), keeps it in memory.
    pub fn set(&self, key: &str, value: &str) {
        if let Some(local) = &self.local {
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

    /// Deletes `key`.
    pub fn remove(&self, key: &str) {
        if let Some(local) = &self.local {
            let _ = local.remove_item(key);
        }
        self.memory.borrow_mut().retain(|(k, _)| k != key);
    }

    /// Deletes every key the widget wrote.
    pub fn clear(&self) {
        if let Some(local) = &self.local {
            let count = local.length().unwrap_or(0);
            let keys: Vec<String> = (0..count).filter_map(|i| local.key(i).ok().flatten()).filter(|k| k.starts_with(PREFIX)).collect();
            for key in keys {
                let _ = local.remove_item(&key);
            }
        }
        self.memory.borrow_mut().clear();
    }
}
