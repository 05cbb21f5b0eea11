//! Browser tests of the standalone shell's connection screen.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use blinger_inbox::app::{ConnectionScreen, ConnectionScreenProps, ConnectionSettings};
use common::*;
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn mount(seen: Rc<RefCell<Vec<(ConnectionSettings, bool)>>>) -> web_sys::Element {
    let root = fresh_root();
    let props = ConnectionScreenProps {
        initial: Default::default(),
        locale: Default::default(),
        onconnect: Callback::from(move |v| seen.borrow_mut().push(v)),
    };
    yew::Renderer::<ConnectionScreen>::with_root_and_props(root.clone(), props).render();
    root
}

#[wasm_bindgen_test]
async fn rejects_a_javascript_url_and_says_why() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let root = mount(seen.clone());
    settle().await;
    type_into(
        &by_testid(&root, "connect-base-url").unwrap(),
        "javascript:alert(1)",
    );
    settle().await;
    click(&by_testid(&root, "connect-submit").unwrap());
    settle().await;

    let field = by_testid(&root, "connect-base-url").unwrap();
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    let alert = root
        .query_selector("[role=alert]")
        .unwrap()
        .expect("an error message");
    assert!(
        text(&alert).contains("http://"),
        "message was {:?}",
        text(&alert)
    );
    assert!(seen.borrow().is_empty(), "an invalid form must not connect");
    // Focus lands on the field to fix.
    let active = gloo_utils_document().active_element().unwrap();
    assert_eq!(active, field);
}

#[wasm_bindgen_test]
async fn connects_with_valid_settings_and_keeps_the_token_out_of_the_dom() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let root = mount(seen.clone());
    settle().await;
    type_into(
        &by_testid(&root, "connect-base-url").unwrap(),
        "https://app.blinger.io/",
    );
    type_into(&by_testid(&root, "connect-operator-id").unwrap(), "3");
    type_into(&by_testid(&root, "connect-token").unwrap(), "tok-123");
    settle().await;
    click(&by_testid(&root, "connect-submit").unwrap());
    settle().await;

    let seen = seen.borrow();
    assert_eq!(seen.len(), 1);
    let (settings, remember) = &seen[0];
    assert_eq!(settings.base_url, "https://app.blinger.io");
    assert_eq!(settings.operator_id, Some(3));
    assert_eq!(settings.token.as_deref(), Some("tok-123"));
    assert!(!remember);
    // The password field's value is a property, never an attribute in the markup.
    assert!(!root.outer_html().contains("tok-123"));
    assert!(root.query_selector("[role=alert]").unwrap().is_none());
}
