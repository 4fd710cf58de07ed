//! Browser entry point: the panic overlay first, then the app.

fn main() {
    handover_console::ui::panic::install();
    leptos::mount::mount_to_body(handover_console::App);
}
