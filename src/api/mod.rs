//! The Blinger API client: configuration, transport, one function per endpoint, wire types that
//! tolerate what real servers send, and a typed error with words a user understands.
//!
//! Nothing in here knows about Yew or the DOM, so it is tested natively with `cargo test`.
