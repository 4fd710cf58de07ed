//! Step 2: the departed member's customers and groups. All pages load (with a cancellable
//! progress), then filter, select and deselect over id sets in virtualised lists.

use leptos::prelude::*;

use crate::api::types::{Customer, CustomerKind, Group};
use crate::domain::backup::{member_backup, BackupLabels};
use crate::domain::selection::{Catalog, Filter, PickOp, Pickable};
use crate::domain::wizard::Listed;
use crate::i18n::codes::code_text;
use crate::i18n::Messages;
use crate::ui::browser;
use crate::ui::format;
use crate::ui::lists::{self, Load};
use crate::ui::state::{use_ctx, Ctx};
use crate::ui::widgets::error::ErrorNotice;
use crate::ui::widgets::load_progress::LoadProgress;
use crate::ui::widgets::repeats::RepeatsNotice;
use crate::ui::widgets::search::SearchBox;
use crate::ui::widgets::tag_filter::TagFilter;
use crate::ui::widgets::virtual_list::{Slot, VirtualList};
use crate::ui::{use_lang, Lang};

const ROW_HEIGHT: f64 = 56.0;
const LIST_HEIGHT: f64 = 448.0;
const GROUP_LIST_HEIGHT: f64 = 280.0;

#[component]
pub fn CustomersStep() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let picks = ctx.picks;
    let Some(departed) = ctx
        .wizard
        .with_untracked(|w| w.departed().map(|d| d.id.clone()))
    else {
        return view! { <p>{move || lang.t().blocker_no_member}</p> }.into_any();
    };
    // Usually already loading: choosing the member on step 1 starts it.
    lists::ensure_loaded(ctx);
    let loaded_in_draft = move || ctx.wizard.with(|w| w.lists_needed().is_none());
    // Rows show as soon as the first page has arrived; choices open once every page has. A load
    // that failed or was cancelled shows its notice, not a part of the lists.
    let has_rows = move || {
        let arriving = picks.state.get() == Load::Loading
            && ctx.wizard.with(|w| {
                w.picked::<Customer>().preview().is_some()
                    || w.picked::<Group>().preview().is_some()
            });
        arriving || loaded_in_draft()
    };
    measure_once("customers:first-rows", move || {
        ctx.wizard.with(|w| {
            w.picked::<Customer>()
                .preview()
                .is_some_and(|c| !c.is_empty())
        })
    });
    measure_once("customers:list-ready", loaded_in_draft);
    let state = picks.state;
    let loaded = picks.progress;
    let error = picks.error;
    let cancel = picks.cancel;
    let reload = move || lists::load(ctx, departed.clone());
    let retry = reload.clone();
    ctx.on_token_renewed(move || {
        if error.with_untracked(Option::is_some) {
            retry();
        }
    });

    view! {
        <div class="hoc-picks">
            <Show when=move || state.get() == Load::Loading>
                <LoadProgress id="hoc-load-progress" progress=loaded>
                    <button type="button" class="hoc-button" on:click=move |_| cancel.set(true)>
                        {move || lang.t().cancel}
                    </button>
                </LoadProgress>
            </Show>
            <RepeatsNotice count=picks.repeats />
            <ErrorNotice error=error on_retry={
                let reload = reload.clone();
                move |_| reload()
            } />
            <Show when=move || state.get() == Load::Cancelled>
                <p role="status">{move || lang.t().loading_cancelled}</p>
                <button type="button" class="hoc-button" on:click={
                    let reload = reload.clone();
                    move |_| reload()
                }>{move || lang.t().retry}</button>
            </Show>
            <Show when=has_rows>
                <Show when=loaded_in_draft>
                    <p class="hoc-backup">
                        <button type="button" class="hoc-button" on:click=move |_| export_backup(lang, ctx)>
                            {move || lang.t().export_backup}
                        </button>
                        <span class="hoc-help">" " {move || lang.t().backup_help}</span>
                    </p>
                </Show>
                {picker::<Customer, _, _>("customers", |m| m.customers, true, LIST_HEIGHT, |c, checked, on_click| {
                    view! { <CustomerRow customer=c checked=checked on_click=on_click /> }
                })}
                <GroupLimitWarning />
                {picker::<Group, _, _>("groups", |m| m.groups, false, GROUP_LIST_HEIGHT, |g, checked, on_click| {
                    view! { <GroupRow group=g checked=checked on_click=on_click /> }
                })}
            </Show>
        </div>
    }
    .into_any()
}

/// Runs `change` (which sets signals) and records what showing it cost, as User Timing
/// measures from the mark `<name>-start`:
///
/// - `name`: until the DOM of `shown` (the list) holds the result, i.e. the first tick of the
///   async executor after the effects `change` set off (Leptos runs them as microtasks) in
///   which `shown` no longer changes. What the change costs, nothing else.
/// - `<name>:frame`: until the start of the next animation frame (this figure's definition
///   before; it adds the wait for that frame, up to 16.7 ms, which is the browser's schedule).
/// - `<name>:task`: until the next task (which the browser may run only after painting).
fn measure_update(name: String, shown: Option<web_sys::Element>, change: impl FnOnce()) {
    /// Effects that keep setting off effects would be a bug; the measure ends anyway.
    const MAX_TICKS: usize = 32;
    let start = format!("{name}-start");
    browser::mark(&start);
    let watch = shown.as_ref().and_then(browser::DomChanges::watch);
    change();
    let (frame, task) = (format!("{name}:frame"), format!("{name}:task"));
    let (start_frame, start_task) = (start.clone(), start.clone());
    request_animation_frame(move || browser::measure(&frame, &start_frame));
    set_timeout(
        move || browser::measure(&task, &start_task),
        std::time::Duration::ZERO,
    );
    leptos::task::spawn_local(async move {
        for _ in 0..MAX_TICKS {
            browser::next_tick().await;
            if !watch.as_ref().is_some_and(browser::DomChanges::changed) {
                break;
            }
        }
        browser::measure(&name, &start);
    });
}

/// Once per visit of the step: the User Timing measure `name` from the step's start to the
/// frame after `reached` first holds (at once if it already does). The list-ready one carries
/// the page's wasm memory in its detail, for the benchmark.
fn measure_once(name: &'static str, reached: impl Fn() -> bool + 'static) {
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !reached() {
            return done.unwrap_or(false);
        }
        request_animation_frame(move || {
            browser::measure_with(
                name,
                "step-start",
                &[("wasm_bytes", browser::wasm_memory_bytes())],
            )
        });
        true
    });
}

/// WeCom moves at most `limits.groups_per_owner_per_day` groups of one departed member a day:
/// warn before the extra ones come back rejected, and offer to keep only what fits.
#[component]
fn GroupLimitWarning() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let per_day = move || {
        ctx.session
            .get()
            .and_then(Result::ok)
            .map(|s| s.limits.groups_per_owner_per_day)
    };
    let over = move || per_day().map_or(0, |d| ctx.wizard.with(|w| w.groups_over_daily_limit(d)));
    view! {
        <div role="alert" class="hoc-alert-region">
            <Show when=move || { over() > 0 }>
                <div class="hoc-warning">
                    <p>{move || (lang.t().groups_over_daily_limit)(per_day().unwrap_or(0) as usize, over())}</p>
                    <button type="button" class="hoc-button" on:click=move |_| {
                        if let Some(d) = per_day() {
                            ctx.wizard.update(|w| w.trim_groups_to_daily_limit(d));
                        }
                    }>
                        {move || lang.t().trim_groups}
                    </button>
                </div>
            </Show>
        </div>
    }
}

/// Offers the member's whole loaded list (not only the selection) as a CSV download.
fn export_backup(lang: Lang, ctx: Ctx) {
    let m = lang.t();
    let labels = BackupLabels {
        header: m.backup_header,
        customer: m.customers,
        group: m.groups,
        yes: m.yes,
        no: m.no,
    };
    let doc = ctx.wizard.with_untracked(|w| {
        let customers = w.picked::<Customer>().catalog().map(|c| c.items());
        let groups = w.picked::<Group>().catalog().map(|g| g.items());
        let id = w.departed().map(|d| d.id.clone()).unwrap_or_default();
        (
            id,
            member_backup(customers.unwrap_or(&[]), groups.unwrap_or(&[]), &labels),
        )
    });
    browser::download(
        &format!("backup-{}.csv", doc.0),
        "text/csv;charset=utf-8",
        &doc.1,
    );
}

/// Names which list a bulk button acts on, for screen readers (the section heading says it
/// visually).
fn hidden(what: &'static str) -> impl IntoView {
    view! { <span class="hoc-visually-hidden">" " {what}</span> }
}

/// One list of step 2: optional filters, bulk actions, the count, and a virtualised list whose
/// rows `row` renders. Every change goes to the wizard as a [`PickOp`].
///
/// `slug` names the section's ids and its User Timing measures (`<slug>:filter`, …); `filters`
/// adds search, tag and "important only" (the customer list has them).
fn picker<T, R, V>(
    slug: &'static str,
    title: fn(&Messages) -> &'static str,
    filters: bool,
    height: f64,
    row: R,
) -> impl IntoView
where
    T: Listed + Clone + PartialEq + Send + Sync + 'static,
    R: Fn(Signal<Option<T>>, Signal<bool>, Callback<bool>) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let lang = use_lang();
    let ctx = use_ctx();
    let wizard = ctx.wizard;
    // Which rows are there (another list, or more pages of this one), without holding them: the
    // draft keeps the only reference, so a page arriving extends the list in place.
    let version =
        Memo::new(move |_| wizard.with(|w| w.picked::<T>().preview().map(Catalog::version)));
    // Choices open once every page of both lists has arrived (as Next does).
    let ready = Memo::new(move |_| wizard.with(|w| w.lists_needed().is_none()));
    let text = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let important_only = RwSignal::new(false);
    let filter = Memo::new(move |_| Filter {
        text: text.get(),
        tag: Some(tag.get()).filter(|t| !t.is_empty()),
        important_only: important_only.get(),
    });
    // The match list is refilled in place: two buffers take turns (the one shown and the one
    // filled), so a keystroke allocates nothing, and the list changes only when the rows do.
    let spare = StoredValue::new(Vec::<u32>::new());
    let rows = Memo::new_owning(move |shown: Option<Vec<u32>>| {
        version.track();
        let mut next = spare.try_update_value(std::mem::take).unwrap_or_default();
        filter.with(|f| {
            wizard.with_untracked(|w| match w.picked::<T>().preview() {
                Some(c) => c.matching_into(f, &mut next),
                None => next.clear(),
            })
        });
        let changed = shown.as_ref() != Some(&next);
        if let Some(shown) = shown {
            spare.set_value(shown);
        }
        (next, changed)
    });
    let tags = Memo::new(move |_| {
        version.track();
        wizard.with_untracked(|w| {
            w.picked::<T>()
                .preview()
                .map(Catalog::tags)
                .unwrap_or_default()
        })
    });
    let total = move || version.get().map_or(0, |(_, len)| len);
    let count = move || wizard.with(|w| w.picked::<T>().count());
    let heading = format!("hoc-{slug}-h");
    let section = NodeRef::<leptos::html::Section>::new();
    let shown = move || section.get_untracked().map(Into::into);
    let measured = move |what: &'static str, op: fn(Vec<u32>) -> PickOp| {
        measure_update(format!("{slug}:{what}"), shown(), || {
            let op = op(rows.get_untracked());
            wizard.update(|w| w.pick::<T>(op));
        });
    };
    let name = move || title(lang.t());

    view! {
        <section class="hoc-pick-section" aria-labelledby=heading.clone() node_ref=section>
            <h3 id=heading.clone()>{name}</h3>
            <Show when=move || filters>
                <div class="hoc-filters">
                    <SearchBox
                        label=Signal::derive(move || lang.t().search)
                        on_search=move |v| {
                            measure_update(format!("{slug}:filter"), shown(), || text.set(v));
                        }
                    />
                    <TagFilter tags=tags tag=tag important_only=important_only />
                </div>
            </Show>
            // Until every page has arrived nothing can be chosen (the draft refuses it too): a
            // "select all matching" now would leave out the rows still on their way.
            <fieldset class="hoc-pick-rows" disabled=move || !ready.get()>
            <div class="hoc-bulk">
                <button type="button" class="hoc-button" on:click=move |_| measured("select-all", PickOp::SelectAll)>
                    {move || lang.t().select_all_matching}{move || hidden(name())}
                </button>
                <button type="button" class="hoc-button" on:click=move |_| measured("clear", PickOp::Clear)>
                    {move || lang.t().clear_selection}{move || hidden(name())}
                </button>
                <button type="button" class="hoc-button" on:click=move |_| measured("invert", PickOp::Invert)>
                    {move || lang.t().invert_selection}{move || hidden(name())}
                </button>
                <Show
                    when=move || ready.get()
                    fallback=move || view! {
                        <p class="hoc-loading-note" role="status">{move || lang.t().choose_after_loading}</p>
                    }
                >
                    <p class="hoc-count" role="status" aria-live="polite">
                        {move || (lang.t().selected_of)(count(), total())}
                    </p>
                </Show>
            </div>
            <Show when=move || { total() > 0 } fallback=move || view! {
                <p class="hoc-empty">{move || if ready.get() { lang.t().no_items } else { lang.t().loading }}</p>
            }>
                <VirtualList
                    rows=rows
                    row_height=ROW_HEIGHT
                    height=height
                    label=Signal::derive(move || name().to_string())
                    render={
                        let row = row.clone();
                        move |slot: Slot| {
                            // The row the slot shows; a new list of the same length (another
                            // member's) shows anew too.
                            let item = Memo::new(move |_| {
                                version.track();
                                slot.get().and_then(|(_, i)| {
                                    wizard.with_untracked(|w| w.picked::<T>().preview().and_then(|c| c.get(i).cloned()))
                                })
                            });
                            let checked = Signal::derive(move || {
                                slot.get().is_some_and(|(_, i)| wizard.with(|w| w.picked::<T>().contains(i)))
                            });
                            let on_click = Callback::new(move |shift: bool| {
                                let Some((pos, i)) = slot.get_untracked() else { return };
                                let view = rows.get_untracked();
                                wizard.update(|w| w.pick::<T>(PickOp::Click { view, pos, i, shift }));
                            });
                            row(item.into(), checked, on_click)
                        }
                    }
                />
            </Show>
            </fieldset>
        </section>
    }
}

/// One row of the customer list, kept in a slot of the list: `customer` is whichever row the
/// slot shows now (`None` only in passing), and every part of the row follows it in place.
#[component]
fn CustomerRow(
    customer: Signal<Option<Customer>>,
    checked: Signal<bool>,
    on_click: Callback<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let with = move |f: fn(&Customer) -> Option<String>| customer.with(|c| c.as_ref().and_then(f));
    let id = move || with(|c| Some(format!("hoc-c-{}", c.id)));
    let disabled = move || customer.with(|c| c.as_ref().is_some_and(|c| !c.transferable()));
    let kind = move || customer.with(|c| c.as_ref().map(|c| (c.kind, c.corp_name.clone())));
    let important = move || customer.with(|c| c.as_ref().is_some_and(|c| c.important));
    let tags = move || customer.with(|c| c.as_ref().map(|c| c.tags.clone()).unwrap_or_default());
    let reason = move || customer.with(|c| c.as_ref().and_then(|c| c.reason));
    view! {
        <div class="hoc-row" data-disabled=move || disabled().to_string()>
            <input
                type="checkbox"
                id=id
                disabled=disabled
                prop:checked=checked
                on:click=move |ev: web_sys::MouseEvent| on_click.run(ev.shift_key())
            />
            <label for=id class="hoc-row-name">
                {move || with(|c| Some(c.name.clone()))}
            </label>
            <span class="hoc-row-meta">
                {move || match kind() {
                    Some((CustomerKind::Wechat, _)) => lang.t().wechat.to_string(),
                    Some((CustomerKind::Wecom, corp)) => {
                        format!("{} · {}", lang.t().wecom, corp.unwrap_or_default())
                    }
                    None => String::new(),
                }}
                {move || important().then(|| view! { <span class="hoc-badge">{move || lang.t().important}</span> })}
                {move || tags().into_iter().map(|t| view! { <span class="hoc-tag">{t}</span> }).collect_view()}
            </span>
            <span class="hoc-row-dates">
                {move || lang.t().added_on} " " {
                    move || customer.with(|c| c.as_ref().map(|c| format::date(lang.locale(), &c.added_at)))
                } " · "
                {move || lang.t().last_contact} " "
                {move || customer.with(|c| {
                    c.as_ref()?.last_contact_at.as_deref().map(|d| format::date(lang.locale(), d))
                }).unwrap_or_else(|| lang.t().never.to_string())}
            </span>
            {move || reason().map(|r| view! { <span class="hoc-reason">{move || code_text(lang.locale(), r)}</span> })}
        </div>
    }
}

/// One row of the group list, kept in a slot like [`CustomerRow`].
#[component]
fn GroupRow(
    group: Signal<Option<Group>>,
    checked: Signal<bool>,
    on_click: Callback<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let id = move || group.with(|g| g.as_ref().map(|g| format!("hoc-g-{}", g.id)));
    let disabled = move || group.with(|g| g.as_ref().is_some_and(|g| !g.transferable));
    let reason = move || group.with(|g| g.as_ref().and_then(|g| g.reason));
    view! {
        <div class="hoc-row" data-disabled=move || disabled().to_string()>
            <input
                type="checkbox"
                id=id
                disabled=disabled
                prop:checked=checked
                on:click=move |ev: web_sys::MouseEvent| on_click.run(ev.shift_key())
            />
            <label for=id class="hoc-row-name">
                {move || group.with(|g| g.as_ref().map(|g| g.name.clone()))}
            </label>
            <span class="hoc-row-meta">
                {move || group.with(|g| g.as_ref().map(|g| g.member_count))} " " {move || lang.t().members_count}
            </span>
            <span class="hoc-row-dates">{move || lang.t().created_on} " " {
                move || group.with(|g| g.as_ref().map(|g| format::date(lang.locale(), &g.created_at)))
            }</span>
            {move || reason().map(|r| view! { <span class="hoc-reason">{move || code_text(lang.locale(), r)}</span> })}
        </div>
    }
}
