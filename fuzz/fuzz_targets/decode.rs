//! Feeds arbitrary bytes to every response decoder. Framing (shared with the native corpus
//! replay test in `tests/api_decode.rs`): the first byte picks the HTTP status, the rest is the
//! body. Run: `cargo +nightly fuzz run decode -- -max_total_time=60` from the repo root.
#![no_main]

use blinger_api::HttpResponse;
use blinger_api::wire::{decode_all, fuzz_input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = fuzz_input(data);
    let mut resp = HttpResponse::new(status, body);
    if status == 429 {
        resp.headers
            .push(("retry-after".to_owned(), "5".to_owned()));
    }
    decode_all(&resp);
});
