//! Installable app: registers the service worker that keeps the app shell
//! for offline use. The worker never sees customer data (it caches only the
//! app's own files; records stay encrypted in IndexedDB).

use wasm_bindgen::JsValue;

pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    // Absent outside secure contexts (plain http on a non-local host).
    let supported =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    if !supported {
        return;
    }
    let _ = navigator.service_worker().register("/sw.js");
}
