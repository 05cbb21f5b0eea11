//! Entry point of the standalone app that Trunk builds (`index.html`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    blinger_inbox::app::run();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("blinger-inbox-app is a WebAssembly app: run `make run` or `trunk serve`.");
}
