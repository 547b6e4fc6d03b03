//! The contact list in a real page: with thousands of contacts only the rows
//! in view exist in the DOM, and scrolling reaches the last one.

use coffer_app::components::contact_list::ContactList;
use coffer_app::pages::contacts::Editing;
use coffer_app::state::{AppState, ContactBook};
use coffer_core::contact::Contact;
use coffer_core::settings::Locale;
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const CONTACTS: usize = 5_000;

fn contact(i: usize) -> Contact {
    let mut c = Contact::new(Uuid::from_u128(i as u128 + 1), 0);
    // Zero-padded so name order is numeric order: the last one sorts last.
    c.given_name = format!("Person{i:05}");
    c.family_name = "Example".into();
    c.company = if i.is_multiple_of(2) {
        "Even Co".into()
    } else {
        "Odd Ltd".into()
    };
    c
}

async fn next_frame() {
    gloo_timers::future::TimeoutFuture::new(50).await;
}

fn rendered_names(host: &web_sys::Element) -> Vec<String> {
    let rows = host
        .query_selector_all(".contact-list > li .name")
        .expect("query");
    (0..rows.length())
        .filter_map(|i| rows.item(i))
        .filter_map(|n| n.text_content())
        .collect()
}

#[wasm_bindgen_test]
async fn only_visible_rows_are_rendered_and_scrolling_reaches_the_end() {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let host: web_sys::HtmlElement = document
        .create_element("div")
        .expect("div")
        .dyn_into()
        .expect("html element");
    document
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    // The app's own stylesheet, which fixes each row's height.
    let style = document.create_element("style").expect("style");
    style.set_text_content(Some(include_str!("../style/main.css")));
    document
        .head()
        .expect("head")
        .append_child(&style)
        .expect("append style");

    let query = RwSignal::new(String::new());
    let handle = leptos::mount::mount_to(host.clone(), move || {
        let state = AppState::new(Locale::En);
        state
            .book
            .set(ContactBook::from_contacts((0..CONTACTS).map(contact)));
        provide_context(state);
        let editing = RwSignal::new(None::<Editing>);
        view! { <ContactList query=query editing=editing/> }
    });
    next_frame().await;

    let names = rendered_names(&host);
    assert!(!names.is_empty(), "some rows are shown");
    assert!(
        names.len() < 60,
        "only a window of rows exists, not {}",
        names.len()
    );
    assert_eq!(names[0], "Person00000 Example");

    let scroller: web_sys::HtmlElement = host
        .query_selector(".contact-scroll")
        .expect("query")
        .expect("scroll container")
        .dyn_into()
        .expect("html element");
    // The list's box is sized as in a 600 px tall window.
    scroller
        .style()
        .set_property("height", "600px")
        .expect("height");
    scroller.set_scroll_top(scroller.scroll_height());
    scroller
        .dispatch_event(&web_sys::Event::new("scroll").expect("event"))
        .expect("dispatch");
    next_frame().await;
    let names = rendered_names(&host);
    assert!(names.len() < 60);
    assert_eq!(
        names.last().map(String::as_str),
        Some("Person04999 Example")
    );

    // A search narrows the list and starts again at the top.
    query.set("odd ltd".into());
    next_frame().await;
    let names = rendered_names(&host);
    assert_eq!(names[0], "Person00001 Example");
    let status = host
        .query_selector(".empty")
        .expect("query")
        .and_then(|e| e.text_content());
    assert_eq!(status.as_deref(), Some("2500 matches"));

    drop(handle);
    host.remove();
    style.remove();
}
