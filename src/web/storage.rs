//! Key/value storage: localStorage when the browser allows it and the host allows it (consent),
//! else memory for the page's life (Safari private mode, storage disabled by policy, consent
//! not yet given). Every key starts with [`PREFIX`].

use crate::prelude::*;

use core::cell::{Cell, RefCell};
use web_sys::Storage;

/// Every key the widget writes starts with this prefix.
pub const PREFIX: &str = "nps-widget:";

/// The widget's storage.
pub struct Store {
    local: Option<Storage>,
    durable: Cell<bool>,
    memory: RefCell<Vec<(String, String)>>,
}

impl Store {
    /// Opens storage; with `durable` false (consent pending) nothing reaches localStorage.
    pub fn open(durable: bool) -> Store {
        let local = super::guards::window()
            .and_then(|w| w.local_storage().ok().flatten())
            // Probed by reading, not writing: a full localStorage (quota reached by the host)
            // still holds the user's record, and a write that fails keeps its value in memory.
            .filter(|storage| storage.get_item(PREFIX).is_ok());
        Store {
            local,
            durable: Cell::new(durable),
            memory: RefCell::new(Vec::new()),
        }
    }

    /// Whether localStorage can be read in this browser.
    pub fn is_available(&self) -> bool {
        self.local.is_some()
    }

    fn local(&self) -> Option<&Storage> {
        self.local.as_ref().filter(|_| self.durable.get())
    }

    /// The value of `key`. A value kept in memory (because localStorage refused it) is newer
    /// than whatever localStorage holds for the key, so it is read first.
    pub fn get(&self, key: &str) -> Option<String> {
        if let Some(value) = self
            .memory
            .borrow()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
        {
            return Some(value);
        }
        self.local()
            .and_then(|local| local.get_item(key).ok().flatten())
    }

    /// Stores `value`; when localStorage refuses (quota), keeps it in memory.
    pub fn set(&self, key: &str, value: &str) {
        let mut memory = self.memory.borrow_mut();
        if self
            .local()
            .is_some_and(|local| local.set_item(key, value).is_ok())
        {
            forget(&mut memory, key);
            return;
        }
        match memory.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value.into(),
            None => memory.push((key.into(), value.into())),
        }
    }

    /// Deletes `key`.
    pub fn remove(&self, key: &str) {
        if let Some(local) = self.local() {
            let _ = local.remove_item(key);
        }
        forget(&mut self.memory.borrow_mut(), key);
    }

    /// Every key starting with `prefix`, in localStorage and in memory.
    pub fn keys(&self, prefix: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for (key, _) in self.memory.borrow().iter() {
            if key.starts_with(prefix) {
                keys.push(key.clone());
            }
        }
        if let Some(local) = self.local() {
            push_keys(local, prefix, &mut keys);
        }
        keys
    }

    /// From now on values go to localStorage. What was kept in memory meanwhile is written
    /// there, except where localStorage already holds the key (a count kept across visits
    /// wins over this page's fresh one).
    pub fn make_durable(&self) {
        self.durable.set(true);
        let memory = core::mem::take(&mut *self.memory.borrow_mut());
        for (key, value) in memory {
            if self
                .local()
                .is_some_and(|local| matches!(local.get_item(&key), Ok(Some(_))))
            {
                continue;
            }
            self.set(&key, &value);
        }
    }

    /// Deletes every key the widget wrote and keeps further values in memory only.
    pub fn forget_all(&self) {
        if let Some(local) = &self.local {
            let mut keys = Vec::new();
            push_keys(local, PREFIX, &mut keys);
            for key in keys {
                let _ = local.remove_item(&key);
            }
        }
        self.memory.borrow_mut().clear();
        self.durable.set(false);
    }
}

/// Appends every key of `local` starting with `prefix` that `keys` does not hold yet.
/// A plain loop: iterator adapters here cost the wasm a few hundred bytes.
fn push_keys(local: &Storage, prefix: &str, keys: &mut Vec<String>) {
    for i in 0..local.length().unwrap_or(0) {
        if let Ok(Some(key)) = local.key(i) {
            if key.starts_with(prefix) && !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
}

/// Drops `key` from the values kept in memory (each key is there at most once, see
/// [`Store::set`]); smaller in the wasm than `Vec::retain` with a closure.
fn forget(memory: &mut Vec<(String, String)>, key: &str) {
    if let Some(at) = memory.iter().position(|(k, _)| k == key) {
        memory.remove(at);
    }
}
