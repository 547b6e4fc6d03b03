fn main() {
    // A panic shows in the browser's console with its place, instead of a
    // bare "unreachable" trap. Messages are the code's own (`expect` texts,
    // borrow errors), and the console stays on this device.
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("coffer panicked: {info}").into());
    }));
    leptos::mount::mount_to_body(coffer_app::app::App);
}
