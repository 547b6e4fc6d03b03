fn main() {
    leptos::mount::mount_to_body(coffer_app::app::App);
}
