//! The handful of DOM calls the first screen is built with. Its elements are made from constant
//! tag names, so making one cannot fail; text always goes in as text, never as markup.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

/// A listener the screen keeps alive for as long as its element is on the page.
pub type Listener = Closure<dyn FnMut(Event)>;

pub fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// An element under construction.
pub struct Node(pub Element);

impl Node {
    pub fn new(tag: &str) -> Node {
        let doc = document().expect("the first screen runs in a page");
        Node(doc.create_element(tag).expect("a constant tag name"))
    }

    pub fn class(self, class: &str) -> Node {
        self.attr("class", class)
    }

    pub fn attr(self, name: &str, value: &str) -> Node {
        let _ = self.0.set_attribute(name, value);
        self
    }

    pub fn attr_if(self, on: bool, name: &str, value: &str) -> Node {
        if on {
            self.attr(name, value)
        } else {
            self
        }
    }

    pub fn text(self, text: &str) -> Node {
        self.0.set_text_content(Some(text));
        self
    }

    pub fn child(self, child: impl Into<Element>) -> Node {
        let _ = self.0.append_child(&child.into());
        self
    }

    pub fn children(self, children: impl IntoIterator<Item = Node>) -> Node {
        for c in children {
            let _ = self.0.append_child(&c.0);
        }
        self
    }

    /// Calls `f` on `event`; the listener is pushed to `keep`, which must outlive the element.
    pub fn on(self, event: &str, keep: &mut Vec<Listener>, f: impl FnMut(Event) + 'static) -> Node {
        listen(&self.0, event, keep, f);
        self
    }

    pub fn el(&self) -> Element {
        self.0.clone()
    }
}

impl From<Node> for Element {
    fn from(n: Node) -> Element {
        n.0
    }
}

pub fn listen(
    target: &web_sys::EventTarget,
    event: &str,
    keep: &mut Vec<Listener>,
    f: impl FnMut(Event) + 'static,
) {
    let c = Closure::<dyn FnMut(Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, c.as_ref().unchecked_ref());
    keep.push(c);
}

/// The value of the `<input>` or `<select>` an event came from.
pub fn value_of(e: &Event) -> String {
    let Some(t) = e.target() else {
        return String::new();
    };
    if let Some(i) = t.dyn_ref::<web_sys::HtmlInputElement>() {
        i.value()
    } else if let Some(s) = t.dyn_ref::<web_sys::HtmlSelectElement>() {
        s.value()
    } else {
        String::new()
    }
}

/// Replaces what `region` shows.
pub fn fill(region: &Element, children: impl IntoIterator<Item = Node>) {
    region.set_text_content(None);
    for c in children {
        let _ = region.append_child(&c.0);
    }
}
