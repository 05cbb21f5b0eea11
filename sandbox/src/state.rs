//! The state every API handler shares: the database, the account token, the webhook sender and
//! the random generator (client-message tokens, the simulator).

use std::sync::{Arc, Mutex};

use crate::db::Db;
use crate::rng::Rng;
use crate::webhooks::Webhooks;

/// Shared server state.
pub struct AppState {
    pub db: Db,
    pub token: String,
    pub webhooks: Option<Webhooks>,
    pub rng: Mutex<Rng>,
}

/// Never prints the token.
impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("webhooks", &self.webhooks)
            .finish_non_exhaustive()
    }
}

/// The state handlers see.
pub type Shared = Arc<AppState>;
