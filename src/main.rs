//! Browser entry point: the panic overlay, and the functions `js/entry.js` calls to mount the
//! app (the standalone page, `mountHandover`, `<handover-console>`).

use handover_console::config::{Layer, Page};
use handover_console::ui::first::{self, Started};
use handover_console::ui::mount;
use wasm_bindgen::prelude::*;

fn main() {
    handover_console::ui::panic::install();
}

/// A mounted console, as JavaScript holds it.
#[wasm_bindgen]
pub struct MountedConsole(Started);

#[wasm_bindgen]
impl MountedConsole {
    pub fn unmount(&mut self) {
        self.0.unmount();
    }

    #[wasm_bindgen(js_name = setToken)]
    pub fn set_token(&self, token: &str) -> bool {
        self.0.set_token(token)
    }

    #[wasm_bindgen(js_name = setLocale)]
    pub fn set_locale(&self, tag: &str) -> bool {
        self.0.set_locale(tag)
    }
}

/// Mounts into `element`. `config_json` is config.json's text when the file exists;
/// `standalone` is the app's own index.html (whose query string configures too); `custom`
/// says `element` is a `<handover-console>` (every attribute is a setting).
#[wasm_bindgen(js_name = mountConsole)]
pub fn mount_console(
    element: web_sys::HtmlElement,
    options: JsValue,
    config_json: Option<String>,
    standalone: bool,
    custom: bool,
) -> MountedConsole {
    let page = if standalone {
        Page::Standalone {
            query: handover_console::ui::browser::query(),
        }
    } else {
        Page::Embedded
    };
    let layers: Vec<Layer> = vec![
        mount::file_layer(config_json),
        mount::meta_layer(),
        mount::element_layer(&element, custom),
        mount::options_layer(&options),
    ];
    handover_console::ui::panic::watch(&element);
    MountedConsole(first::mount(element, layers, page))
}
