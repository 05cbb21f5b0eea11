//! [`Client`]: one async function per Blinger endpoint.

mod endpoints;
mod events;
mod exchange;
mod handle;

pub use handle::{AbortScope, Client, ListMemo, Polled, WebClient};
