//! A virtualised list: whatever its length, the DOM holds only the rows in view plus a few.
//! Arrow keys, Home and End move focus between rows.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const OVERSCAN: usize = 6;

#[component]
pub fn VirtualList<R, V>(
    /// Catalogue positions of the rows to show, in order.
    rows: Memo<Vec<u32>>,
    row_height: f64,
    height: f64,
    #[prop(into)] label: Signal<String>,
    /// Renders a row from its position in `rows` and its catalogue position.
    render: R,
) -> impl IntoView
where
    R: Fn(usize, u32) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let container = NodeRef::<Div>::new();
    let scroll = RwSignal::new(0.0f64);
    let len = Memo::new(move |_| rows.with(Vec::len));
    // A new filter starts at the top. Only when not there already: setting `scrollTop` lays the
    // page out at once, which took most of a keystroke's time.
    Effect::watch(
        move || rows.track(),
        move |_, _, _| {
            if scroll.get_untracked() == 0.0 {
                return;
            }
            if let Some(el) = container.get_untracked() {
                el.set_scroll_top(0);
            }
            scroll.set(0.0);
        },
        false,
    );
    let visible = Memo::new(move |_| {
        let first = (scroll.get() / row_height).floor() as usize;
        let start = first.saturating_sub(OVERSCAN);
        let end = (first + (height / row_height).ceil() as usize + OVERSCAN).min(len.get());
        rows.with(|r| {
            (start..end)
                .filter_map(|p| r.get(p).map(|&i| (p, i)))
                .collect::<Vec<_>>()
        })
    });

    let focus_row = move |pos: usize| {
        let Some(el) = container.get_untracked() else {
            return;
        };
        let top = pos as f64 * row_height;
        let view_top = f64::from(el.scroll_top());
        if top < view_top {
            el.set_scroll_top(top as i32);
        } else if top + row_height > view_top + height {
            el.set_scroll_top((top + row_height - height) as i32);
        }
        scroll.set(f64::from(el.scroll_top()));
        request_animation_frame(move || {
            if let Some(target) = container
                .get_untracked()
                .and_then(|c| {
                    c.query_selector(&format!("[data-pos=\"{pos}\"] input"))
                        .ok()
                        .flatten()
                })
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = target.focus();
            }
        });
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let current = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-pos]").ok().flatten())
            .and_then(|e| e.get_attribute("data-pos"))
            .and_then(|p| p.parse::<usize>().ok());
        let Some(current) = current else { return };
        let last = len.get_untracked().saturating_sub(1);
        let page = (height / row_height).floor() as usize;
        let next = match ev.key().as_str() {
            "ArrowDown" => (current + 1).min(last),
            "ArrowUp" => current.saturating_sub(1),
            "PageDown" => (current + page).min(last),
            "PageUp" => current.saturating_sub(page),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        ev.prevent_default();
        focus_row(next);
    };

    view! {
        <div
            class="hoc-vlist"
            role="list"
            aria-label=move || label.get()
            style:height=format!("{height}px")
            node_ref=container
            on:scroll=move |_| {
                if let Some(el) = container.get_untracked() {
                    scroll.set(f64::from(el.scroll_top()));
                }
            }
            on:keydown=on_key
        >
            <div class="hoc-vlist-inner" style:height=move || format!("{}px", len.get() as f64 * row_height)>
                <For
                    each=move || visible.get()
                    key=|(p, i)| (*p, *i)
                    children=move |(p, i)| {
                        let render = render.clone();
                        view! {
                            <div
                                role="listitem"
                                class="hoc-vrow"
                                data-pos=p
                                aria-setsize=move || len.get()
                                aria-posinset=p + 1
                                style:transform=format!("translateY({}px)", p as f64 * row_height)
                                style:height=format!("{row_height}px")
                            >
                                {render(p, i)}
                            </div>
                        }
                    }
                />
            </div>
        </div>
    }
}
