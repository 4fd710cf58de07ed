//! Demo mode in the browser: the demo store behind the same seam as the HTTP client, with
//! realistic latency and its state kept in local storage so a reload keeps the demo's history.

use std::cell::{Cell, RefCell};

use leptos::wasm_split::SplitLoaderError;

use super::types::{BatchResult, Problem};
use super::ApiError;
use crate::demo::{Options, State, Store};
// The demo store runs only in the browser build, so it shares the UI's timing and storage
// helpers (the latter apply `storagePrefix`, so two consoles on one origin keep two demos).
use crate::ui::browser::{local_get, local_keep, local_remove, now_ms, sleep};

const STORAGE_KEY: &str = "handover-console.demo-state";

/// Told whether the demo's saves are kept (`DemoBackend::on_saved`).
type Tell = Box<dyn Fn(bool)>;

pub struct DemoBackend {
    store: RefCell<Store>,
    /// The saved demo, not read yet (`restore`).
    saved: RefCell<Option<String>>,
    actor: String,
    latency_ms: u32,
    calls: Cell<u32>,
    /// Simulated expiry (`?expire_after=N`): batches still answered before the session expires.
    expires_in: Cell<Option<u32>>,
    /// The simulated session has expired: every call answers 401 until `sign_in_again`.
    expired: Cell<bool>,
    /// Told whether each save was kept, when that changes (`on_saved`).
    on_saved: RefCell<Option<Tell>>,
    kept: Cell<bool>,
}

impl DemoBackend {
    /// The demo as saved in this browser, or a fresh one: the saved one is read by the first
    /// call (`restore`).
    pub fn load(actor: &str, latency_ms: u32) -> DemoBackend {
        let saved = local_get(STORAGE_KEY);
        let store = Store::new(Options::default(), now_ms());
        DemoBackend {
            store: RefCell::new(store),
            saved: RefCell::new(saved),
            actor: actor.into(),
            latency_ms,
            calls: Cell::new(0),
            expires_in: Cell::new(None),
            expired: Cell::new(false),
            on_saved: RefCell::new(None),
            kept: Cell::new(true),
        }
    }

    /// Forgets every demo handover and starts from the seeded data again.
    pub fn reset(&self) {
        local_remove(STORAGE_KEY);
        self.saved.borrow_mut().take();
        *self.store.borrow_mut() = Store::new(Options::default(), now_ms());
        // Nothing is left unsaved: the seeded data needs no save.
        self.report(true);
    }

    /// Keeps the demo in local storage; a browser that refuses (storage full or turned off)
    /// is reported through `on_saved`, since a reload would then lose what was done.
    fn save(&self) {
        let kept = match self.store.borrow().state().to_saved_json() {
            Ok(json) => local_keep(STORAGE_KEY, &json),
            Err(_) => false,
        };
        self.report(kept);
    }

    fn report(&self, kept: bool) {
        if kept != self.kept.replace(kept) {
            if let Some(tell) = &*self.on_saved.borrow() {
                tell(kept);
            }
        }
    }

    /// `tell(kept)` each time the demo's saves start or stop being kept.
    pub fn on_saved(&self, tell: impl Fn(bool) + 'static) {
        *self.on_saved.borrow_mut() = Some(Box::new(tell));
    }

    /// Demo only: the session expires after `batches` more answered batches, as a real one
    /// can mid-run, so the sign-in prompt can be shown (and tested) without a backend.
    pub fn expire_after(&self, batches: u32) {
        self.expires_in.set(Some(batches));
        self.expired.set(batches == 0);
    }

    /// Demo only: the admin signed in again (once: the simulation does not expire twice).
    pub fn sign_in_again(&self) {
        self.expires_in.set(None);
        self.expired.set(false);
    }

    /// A batch, counted towards the simulated expiry.
    pub async fn batch(
        &self,
        op: impl FnOnce(&mut Store, &str, i64) -> Result<BatchResult, Problem>,
    ) -> Result<BatchResult, ApiError> {
        let result = self.write(op).await;
        if result.is_ok() {
            if let Some(left) = self.expires_in.get() {
                let left = left.saturating_sub(1);
                self.expires_in.set(Some(left));
                self.expired.set(left == 0);
            }
        }
        result
    }

    /// A call that changes the demo: as `read`, then saved. Apart so that reads (all the first
    /// screen makes) do not carry the saving code into the first download (issue 12).
    pub async fn write<T>(
        &self,
        op: impl FnOnce(&mut Store, &str, i64) -> Result<T, Problem>,
    ) -> Result<T, ApiError> {
        let result = self.read(op).await;
        if !self.expired.get() {
            self.save();
        }
        result
    }

    /// One contract call: waits like a network would, then runs the store.
    pub async fn read<T>(
        &self,
        op: impl FnOnce(&mut Store, &str, i64) -> Result<T, Problem>,
    ) -> Result<T, ApiError> {
        // Latency varies a little, as it does on a real network.
        let n = self.calls.get().wrapping_add(1);
        self.calls.set(n);
        sleep(self.latency_ms + (n * 37) % 20).await;
        self.restore().await?;
        if self.expired.get() {
            return Err(Problem::new(401, "unauthenticated", "The session has expired").into());
        }
        op(&mut self.store.borrow_mut(), &self.actor, now_ms()).map_err(ApiError::from)
    }

    /// Reads the saved demo before any call answers. Its decoder comes with the later module
    /// (`read_saved`): a first visit has nothing saved, so the first download does not carry
    /// it. Every caller waits for the module; the first then reads the save, which completes
    /// without yielding, so no call answers from the fresh demo meanwhile. A save that does not
    /// parse leaves the fresh demo.
    async fn restore(&self) -> Result<(), ApiError> {
        if self.saved.borrow().is_none() {
            return Ok(());
        }
        preload_saved()
            .await
            .map_err(|_| ApiError::Network("the later module did not load".into()))?;
        let Some(json) = self.saved.borrow_mut().take() else {
            return Ok(());
        };
        if let Ok(Some(state)) = read_saved(json).await {
            *self.store.borrow_mut() = Store::with_state(Options::default(), state);
        }
        Ok(())
    }
}

/// A saved demo (its own form, or `State`'s from earlier versions); `None` when it does not
/// parse.
#[cfg(all(feature = "split", target_family = "wasm"))]
#[leptos::wasm_split::wasm_split(
    later,
    wasm_split_path = ::leptos::wasm_split,
    preload(preload_saved),
    fallible
)]
fn read_saved(json: String) -> Result<Option<State>, SplitLoaderError> {
    Ok(serde_json::from_str(&json).ok())
}

#[cfg(not(all(feature = "split", target_family = "wasm")))]
async fn read_saved(json: String) -> Result<Option<State>, SplitLoaderError> {
    Ok(serde_json::from_str(&json).ok())
}

#[cfg(not(all(feature = "split", target_family = "wasm")))]
async fn preload_saved() -> Result<(), SplitLoaderError> {
    Ok(())
}
