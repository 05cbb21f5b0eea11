//! Key-value storage behind a trait, so what is kept survives a reload when `localStorage`
//! works, and the widget keeps working in memory (and says so) when it does not.
//!
//! What is stored ([`keys`]): each widget's drafts and outbox, and the standalone app's settings
//! and remembered address and operator. The token is never stored: nothing in this crate passes
//! it here.

use std::cell::{Cell, RefCell};

use thiserror::Error;

use crate::api::OperatorId;

/// Why storage failed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum StorageError {
    /// Storage is not available (disabled, sandboxed iframe, private mode…).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The write did not fit (quota) or the browser refused it.
    #[error("storage write failed: {0}")]
    WriteFailed(String),
}

/// A string key-value store.
pub trait KvStorage {
    /// Reads a key.
    ///
    /// # Errors
    /// [`StorageError`] when the store throws.
    fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    /// Writes a key.
    ///
    /// # Errors
    /// [`StorageError`] when the store throws (e.g. quota).
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    /// Removes a key.
    ///
    /// # Errors
    /// [`StorageError`] when the store throws.
    fn remove(&self, key: &str) -> Result<(), StorageError>;
}

/// In-memory storage (one tab, gone on reload). A handful of keys: a list, not a hash map (whose
/// code per key and value type the wasm would carry).
#[derive(Debug, Default)]
pub struct MemoryStorage {
    entries: RefCell<Vec<(String, String)>>,
}

impl MemoryStorage {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

impl KvStorage for MemoryStorage {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.entries
            .try_borrow()
            .map(|entries| {
                entries
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
            })
            .map_err(|_| StorageError::Unavailable("busy".to_owned()))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.entries
            .try_borrow_mut()
            .map(
                |mut entries| match entries.iter_mut().find(|(k, _)| k == key) {
                    Some((_, v)) => value.clone_into(v),
                    None => entries.push((key.to_owned(), value.to_owned())),
                },
            )
            .map_err(|_| StorageError::WriteFailed("busy".to_owned()))
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.entries
            .try_borrow_mut()
            .map(|mut entries| entries.retain(|(k, _)| k != key))
            .map_err(|_| StorageError::WriteFailed("busy".to_owned()))
    }
}

/// The browser's `localStorage`; every thrown exception becomes a [`StorageError`].
#[cfg(target_arch = "wasm32")]
#[derive(Debug, Clone)]
pub struct LocalStorage {
    storage: web_sys::Storage,
}

#[cfg(target_arch = "wasm32")]
impl LocalStorage {
    /// Opens `window.localStorage`.
    ///
    /// # Errors
    /// [`StorageError::Unavailable`] when there is no window or access throws.
    pub fn open() -> Result<Self, StorageError> {
        let window =
            web_sys::window().ok_or_else(|| StorageError::Unavailable("no window".to_owned()))?;
        match window.local_storage() {
            Ok(Some(storage)) => Ok(Self { storage }),
            Ok(None) => Err(StorageError::Unavailable(
                "localStorage is missing".to_owned(),
            )),
            Err(e) => Err(StorageError::Unavailable(js_text(&e))),
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn js_text(e: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the browser refused".to_owned())
}

#[cfg(target_arch = "wasm32")]
impl KvStorage for LocalStorage {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.storage
            .get_item(key)
            .map_err(|e| StorageError::Unavailable(js_text(&e)))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.storage
            .set_item(key, value)
            .map_err(|e| StorageError::WriteFailed(js_text(&e)))
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.storage
            .remove_item(key)
            .map_err(|e| StorageError::WriteFailed(js_text(&e)))
    }
}

/// The namespace of one widget's keys: `bi:v1:{hash of base URL and operator}`, so two widgets
/// (or two accounts) on one origin never read each other's drafts.
#[must_use]
pub fn namespace(base_url: &str, operator: Option<OperatorId>) -> String {
    // FNV-1a 64: stable across builds and platforms (std's hasher is not).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let op = operator.map_or_else(|| "owner".to_owned(), |o| o.to_string());
    for b in base_url
        .trim_end_matches('/')
        .bytes()
        .chain(std::iter::once(b'|'))
        .chain(op.bytes())
    {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("bi:v1:{hash:016x}")
}

/// Storage with a memory fallback: if the primary store is missing or throws, the data stays
/// in memory for this tab and [`is_degraded`](Self::is_degraded) turns `true` so the UI can
/// say "drafts are kept only in this tab".
pub struct Persisted {
    primary: Option<Box<dyn KvStorage>>,
    memory: MemoryStorage,
    degraded: Cell<bool>,
    namespace: String,
}

impl std::fmt::Debug for Persisted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Persisted")
            .field("namespace", &self.namespace)
            .field("degraded", &self.degraded.get())
            .finish_non_exhaustive()
    }
}

impl Persisted {
    /// Storage under `namespace` (see [`namespace`]); `primary` `None` = memory only (degraded).
    #[must_use]
    pub fn new(primary: Option<Box<dyn KvStorage>>, namespace: String) -> Self {
        let degraded = primary.is_none();
        Self {
            primary,
            memory: MemoryStorage::new(),
            degraded: Cell::new(degraded),
            namespace,
        }
    }

    /// Memory only (tests, or when storage is known to be unavailable).
    #[must_use]
    pub fn memory_only(namespace: String) -> Self {
        Self::new(None, namespace)
    }

    /// `localStorage` when it opens, memory otherwise (always memory outside a browser).
    #[must_use]
    pub fn browser(namespace: String) -> Self {
        #[cfg(target_arch = "wasm32")]
        let primary = LocalStorage::open()
            .ok()
            .map(|s| Box::new(s) as Box<dyn KvStorage>);
        #[cfg(not(target_arch = "wasm32"))]
        let primary: Option<Box<dyn KvStorage>> = None;
        Self::new(primary, namespace)
    }

    /// `true` once the primary store failed (or was missing): data lives only in this tab.
    #[must_use]
    pub fn is_degraded(&self) -> bool {
        self.degraded.get()
    }

    /// The full key of `name` (`bi:v1:…:drafts`).
    #[must_use]
    pub fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.namespace)
    }

    fn primary(&self) -> Option<&dyn KvStorage> {
        if self.degraded.get() {
            None
        } else {
            self.primary.as_deref()
        }
    }

    /// Reads `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<String> {
        let key = self.key(name);
        if let Some(p) = self.primary() {
            match p.get(&key) {
                Ok(v) => return v,
                Err(_) => self.degraded.set(true),
            }
        }
        self.memory.get(&key).ok().flatten()
    }

    /// Writes `name` (always to memory too, so a later failure loses nothing from this tab).
    pub fn set(&self, name: &str, value: &str) {
        let key = self.key(name);
        let _ = self.memory.set(&key, value);
        if let Some(p) = self.primary() {
            if p.set(&key, value).is_err() {
                self.degraded.set(true);
            }
        }
    }

    /// Removes `name`.
    pub fn remove(&self, name: &str) {
        let key = self.key(name);
        let _ = self.memory.remove(&key);
        if let Some(p) = self.primary() {
            if p.remove(&key).is_err() {
                self.degraded.set(true);
            }
        }
    }
}

/// The key names used by the widget and the standalone app.
pub mod keys {
    /// Drafts ([`Drafts::to_json`](super::super::drafts::Drafts::to_json)), per widget
    /// [`namespace`](super::namespace).
    pub const DRAFTS: &str = "drafts";
    /// The outbox (serde JSON of [`Outbox`](super::super::outbox::Outbox)), per widget
    /// [`namespace`](super::namespace).
    pub const OUTBOX: &str = "outbox";
    /// The namespace of the standalone app's own keys (one per origin, not per account).
    pub const APP_NAMESPACE: &str = "bi:v1";
    /// The app's remembered address and operator, `{"base_url": …, "operator_id": …}`.
    pub const CONNECTION: &str = "connection";
    /// The app's settings (`app::Settings::to_json`).
    pub const SETTINGS: &str = "settings";
}
