//! One caller at a time, no call lost. The widget and its delivery are each kept in an
//! [`Owned`]; everything that reaches them (a command, a timer, a listener, a promise) goes
//! through [`run`]. A call that arrives while another is running (a host's `focusin` listener
//! calling `nps()` while the card moves focus, a console the host overrides) is queued and run
//! as soon as the running one returns, in order, instead of being dropped.

use crate::prelude::*;

use alloc::boxed::Box;
use alloc::rc::{Rc, Weak};
use core::cell::RefCell;

/// A call waiting for the value to be free.
type Later<T> = Box<dyn FnOnce(&mut T)>;

/// A value with the calls that wait for it.
pub struct Owned<T> {
    value: RefCell<T>,
    later: RefCell<Vec<Later<T>>>,
}

impl<T> Owned<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Owned<T> {
        Owned {
            value: RefCell::new(value),
            later: RefCell::new(Vec::new()),
        }
    }

    /// Reads the value if no call is running (for getters, which cannot wait).
    pub fn peek<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.value.try_borrow().ok().map(|value| f(&value))
    }
}

/// Runs `f` on the value behind `owner` now, or, when another call is running, right after
/// it; nothing when the value is gone. Then delivers the events the calls raised.
pub fn run<T: 'static>(owner: &Weak<Owned<T>>, f: impl FnOnce(&mut T) + 'static) {
    if let Some(owned) = owner.upgrade() {
        owned.call(Box::new(f));
    }
    super::events::deliver();
}

/// [`run`] on a value held strongly, without delivering events (the caller's `run` does).
pub fn run_on<T: 'static>(owned: &Rc<Owned<T>>, f: impl FnOnce(&mut T) + 'static) {
    owned.call(Box::new(f));
}

impl<T> Owned<T> {
    /// The one body behind [`run`] and [`run_on`]: boxed, so that the wasm holds it once per
    /// owner type rather than once per call site.
    fn call(&self, f: Later<T>) {
        match self.value.try_borrow_mut() {
            Ok(mut value) => f(&mut value),
            Err(_) => return self.later.borrow_mut().push(f),
        }
        // The calls that arrived meanwhile, each on the value as the previous one left it. A
        // call queued by one of them runs in this loop too.
        loop {
            // A Vec rather than a VecDeque: the queue holds a call or two, and less code.
            let next = {
                let mut later = self.later.borrow_mut();
                if later.is_empty() {
                    return;
                }
                later.remove(0)
            };
            match self.value.try_borrow_mut() {
                Ok(mut value) => next(&mut value),
                // Only when this loop itself runs inside a call (which drains the queue after).
                Err(_) => return self.later.borrow_mut().insert(0, next),
            }
        }
    }
}
