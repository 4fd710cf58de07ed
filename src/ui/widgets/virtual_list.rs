//! A virtualised list: whatever its length, the DOM holds only the rows in view plus a few.
//! Arrow keys, Home and End move focus between rows.
//!
//! The rows are a pool of slots kept by position: slot `k` shows the `k`-th row of the window
//! in view. A new filter or a scroll changes what the slots show (their text, state and
//! attributes are updated in place) instead of building rows anew, which was most of a
//! keystroke's time. Slots stay in list order in the DOM, so Tab still goes row by row.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const OVERSCAN: usize = 6;

/// What a slot shows: the row's position in the list and its catalogue position.
pub type Slot = Signal<Option<(usize, u32)>>;

#[component]
pub fn VirtualList<R, V>(
    /// Catalogue positions of the rows to show, in order.
    rows: Memo<Vec<u32>>,
    row_height: f64,
    height: f64,
    #[prop(into)] label: Signal<String>,
    /// Renders a slot once; the view follows what [`Slot`] holds as it changes.
    render: R,
) -> impl IntoView
where
    R: Fn(Slot) -> V + Clone + Send + Sync + 'static,
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
    let in_view = (height / row_height).ceil() as usize;
    let first = Memo::new(move |_| (scroll.get() / row_height).floor() as usize);
    // The window: from `start`, `count` rows.
    let start = Memo::new(move |_| first.get().saturating_sub(OVERSCAN));
    let count = Memo::new(move |_| {
        let end = (first.get() + in_view + OVERSCAN).min(len.get());
        end.saturating_sub(start.get())
    });

    // The slot showing the list's row `pos`, if it is in the window.
    let slot_input = move |pos: usize| -> Option<web_sys::HtmlElement> {
        let k = pos.checked_sub(start.get_untracked())?;
        if k >= count.get_untracked() {
            return None;
        }
        container
            .get_untracked()?
            .query_selector(&format!(".hoc-vlist-inner > :nth-child({}) input", k + 1))
            .ok()
            .flatten()?
            .dyn_into::<web_sys::HtmlElement>()
            .ok()
    };
    // The row position shown by the slot holding focus, if focus is in the list.
    let focused_pos = move || -> Option<usize> {
        let active = web_sys::window()?.document()?.active_element()?;
        if !container.get_untracked()?.contains(Some(&active)) {
            return None;
        }
        active
            .closest("[data-pos]")
            .ok()
            .flatten()?
            .get_attribute("data-pos")?
            .parse()
            .ok()
    };
    let on_scroll = move || {
        let Some(el) = container.get_untracked() else {
            return;
        };
        let before = start.get_untracked();
        let focused = focused_pos();
        scroll.set(f64::from(el.scroll_top()));
        // The slots now show other rows: focus stays with its row, not with its slot.
        if start.get_untracked() != before {
            if let Some(input) = focused.and_then(slot_input) {
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = input.focus_with_options(&options);
            }
        }
    };

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
            if let Some(target) = slot_input(pos) {
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
            on:scroll=move |_| on_scroll()
            // Tab onto a row in the overscan scrolls the list at once, but the scroll event
            // comes with the next frame: the window follows focus now, so that quick Tabs on a
            // busy page never run past the rows the window holds and out of the list.
            // Right after the handler, not within it: moving focus to another slot fires
            // `focusin` at once, and a handler cannot run inside itself.
            on:focusin=move |_| leptos::task::spawn_local(async move { on_scroll() })
            on:keydown=on_key
        >
            <div class="hoc-vlist-inner" style:height=move || format!("{}px", len.get() as f64 * row_height)>
                // Slots are made or dropped only when the window's size changes (a filter
                // with fewer rows than the window), never for a new filter or a scroll.
                <For
                    each=move || 0..count.get()
                    key=|k| *k
                    children=move |k| {
                        let slot = Memo::new(move |_| {
                            let p = start.get() + k;
                            rows.with(|r| r.get(p).map(|&i| (p, i)))
                        });
                        let pos = move || slot.get().map(|(p, _)| p);
                        let render = render.clone();
                        view! {
                            <div
                                role="listitem"
                                class="hoc-vrow"
                                data-pos=pos
                                aria-setsize=move || len.get()
                                aria-posinset=move || pos().map(|p| p + 1)
                                style:transform=move || {
                                    format!("translateY({}px)", pos().unwrap_or(0) as f64 * row_height)
                                }
                                style:height=format!("{row_height}px")
                            >
                                {render(slot.into())}
                            </div>
                        }
                    }
                />
            </div>
        </div>
    }
}
