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
    /// Every key that starts with `prefix`.
    ///
    /// # Errors
    /// [`StorageError`] when the store throws.
    fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError>;
}

/// A shared handle to a store is a store (tests keep one to look into it; two `Persisted` over
/// one store are two tabs over one `localStorage`).
impl<T: KvStorage + ?Sized> KvStorage for std::rc::Rc<T> {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        (**self).set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StorageError> {
        (**self).remove(key)
    }
    fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        (**self).keys(prefix)
    }
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

    fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.entries
            .try_borrow()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|(k, _)| k.starts_with(prefix))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .map_err(|_| StorageError::Unavailable("busy".to_owned()))
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

    fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let len = self
            .storage
            .length()
            .map_err(|e| StorageError::Unavailable(js_text(&e)))?;
        let mut out = Vec::new();
        for i in 0..len {
            if let Ok(Some(key)) = self.storage.key(i) {
                if key.starts_with(prefix) {
                    out.push(key);
                }
            }
        }
        Ok(out)
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

/// Storage with a memory copy: every write goes to memory and to the primary store. A write the
/// primary refuses (quota, disabled storage) is an error the caller sees — it decides what may
/// not go ahead without it — and [`is_degraded`](Self::is_degraded) stays `true` until a write
/// succeeds again, so the UI can say "kept only in this tab". The primary is tried on every
/// write: a full store that gets room again is used again.
pub struct Persisted {
    primary: Option<Box<dyn KvStorage>>,
    memory: MemoryStorage,
    /// Keys whose latest value the primary refused: memory has it.
    unsynced: RefCell<Vec<String>>,
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
            unsynced: RefCell::new(Vec::new()),
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

    /// `true` while data lives only in this tab: there is no primary store, or its last write
    /// failed.
    #[must_use]
    pub fn is_degraded(&self) -> bool {
        self.degraded.get()
    }

    /// `true` when there is a primary store other tabs share.
    #[must_use]
    pub fn is_shared(&self) -> bool {
        self.primary.is_some()
    }

    /// The full key of `name` (`bi:v1:…:drafts`).
    #[must_use]
    pub fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.namespace)
    }

    /// The name of a full key of this namespace (the inverse of [`key`](Self::key)).
    #[must_use]
    pub fn name_of<'a>(&self, key: &'a str) -> Option<&'a str> {
        key.strip_prefix(self.namespace.as_str())?.strip_prefix(':')
    }

    /// Reads `name`: the primary's value; the memory copy when there is no primary, it throws,
    /// or it refused this key's latest write.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<String> {
        let key = self.key(name);
        let unsynced = self.unsynced.borrow().contains(&key);
        if let (Some(p), false) = (&self.primary, unsynced) {
            match p.get(&key) {
                Ok(v) => return v,
                Err(_) => self.degraded.set(true),
            }
        }
        self.memory.get(&key).ok().flatten()
    }

    fn synced(&self, key: &str, ok: bool) {
        let mut unsynced = self.unsynced.borrow_mut();
        let known = unsynced.iter().position(|k| k == key);
        match (ok, known) {
            (true, Some(i)) => {
                unsynced.swap_remove(i);
            }
            (false, None) => unsynced.push(key.to_owned()),
            _ => {}
        }
    }

    /// The names (without the namespace) that start with `prefix`.
    #[must_use]
    pub fn names(&self, prefix: &str) -> Vec<String> {
        let full = self.key(prefix);
        let keys = match &self.primary {
            Some(p) => p.keys(&full).ok(),
            None => None,
        }
        .unwrap_or_else(|| self.memory.keys(&full).unwrap_or_default());
        keys.iter()
            .filter_map(|k| self.name_of(k).map(str::to_owned))
            .collect()
    }

    /// Writes `name`: to memory always, then to the primary.
    ///
    /// # Errors
    /// The primary's [`StorageError`] (no primary: [`StorageError::Unavailable`]); the value is
    /// then only in this tab's memory.
    pub fn set(&self, name: &str, value: &str) -> Result<(), StorageError> {
        let key = self.key(name);
        let _ = self.memory.set(&key, value);
        let result = match &self.primary {
            Some(p) => p.set(&key, value),
            None => Err(StorageError::Unavailable("memory only".to_owned())),
        };
        self.synced(&key, result.is_ok());
        self.degraded.set(result.is_err());
        result
    }

    /// Removes `name`.
    ///
    /// # Errors
    /// The primary's [`StorageError`] (no primary: [`StorageError::Unavailable`]).
    pub fn remove(&self, name: &str) -> Result<(), StorageError> {
        let key = self.key(name);
        let _ = self.memory.remove(&key);
        let result = match &self.primary {
            Some(p) => p.remove(&key),
            None => Err(StorageError::Unavailable("memory only".to_owned())),
        };
        self.synced(&key, result.is_ok());
        result
    }
}

/// The key names used by the widget and the standalone app.
pub mod keys {
    /// Drafts of earlier versions, all in one key (read once, then split into [`DRAFT`] keys).
    pub const DRAFTS: &str = "drafts";
    /// One draft per key: `draft:{conversation}:{mode}`, the text as it is.
    pub const DRAFT: &str = "draft:";
    /// The outbox of earlier versions, all in one key (read once, then split into [`OUTBOX_ITEM`]
    /// keys).
    pub const OUTBOX: &str = "outbox";
    /// One outbox item per key: `outbox:{local id}`, its serde JSON.
    pub const OUTBOX_ITEM: &str = "outbox:";
    /// The send queue's owner lease where Web Locks is missing: `{tab id} {until, Unix ms}`.
    pub const OWNER: &str = "owner";
    /// The namespace of the standalone app's own keys (one per origin, not per account).
    pub const APP_NAMESPACE: &str = "bi:v1";
    /// The app's remembered address and operator, `{"base_url": …, "operator_id": …}`.
    pub const CONNECTION: &str = "connection";
    /// The app's settings (`app::Settings::to_json`).
    pub const SETTINGS: &str = "settings";
}
