//! Browser entry point: report panics to the console, then mount the app.

fn main() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
    leptos::mount::mount_to_body(handover_console::App);
}
