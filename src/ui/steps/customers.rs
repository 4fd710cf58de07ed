//! Step 2: the departed member's customers and groups. All pages load (with a cancellable
//! progress), then filter, select and deselect over id sets in virtualised lists.

use leptos::prelude::*;

use crate::api::types::{Customer, CustomerKind, Group};
use crate::domain::selection::{Catalog, Filter, Pickable, Selection};
use crate::i18n::codes::code_text;
use crate::ui::browser;
use crate::ui::lists::{self, sync_draft, Load};
use crate::ui::state::use_ctx;
use crate::ui::use_lang;
use crate::ui::widgets::error::ErrorNotice;
use crate::ui::widgets::virtual_list::VirtualList;

const ROW_HEIGHT: f64 = 56.0;
const LIST_HEIGHT: f64 = 448.0;
const GROUP_LIST_HEIGHT: f64 = 280.0;

#[component]
pub fn CustomersStep() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let picks = ctx.picks;
    let Some(departed) = ctx.wizard.with_untracked(|w| w.draft.departed.clone()) else {
        return view! { <p>{move || lang.t().blocker_no_member}</p> }.into_any();
    };
    // Usually already loading: choosing the member on step 1 starts it.
    if picks.member.get_untracked().as_deref() != Some(departed.id.as_str()) {
        lists::load(ctx, departed.id.clone());
    }
    let state = picks.state;
    let loaded = picks.progress;
    let error = picks.error;
    let cancel = picks.cancel;
    let id = departed.id.clone();
    let reload = move || lists::load(ctx, id.clone());

    view! {
        <div class="hoc-picks">
            <Show when=move || state.get() == Load::Loading>
                <div class="hoc-progress-block">
                    <label for="hoc-load-progress">
                        {move || {
                            let (n, total) = loaded.get();
                            (lang.t().loaded_of)(n, total.unwrap_or(0) as usize)
                        }}
                    </label>
                    <progress
                        id="hoc-load-progress"
                        max=move || loaded.get().1.unwrap_or(1).max(1)
                        value=move || loaded.get().0
                    ></progress>
                    <button type="button" class="hoc-button" on:click=move |_| cancel.set(true)>
                        {move || lang.t().cancel}
                    </button>
                </div>
            </Show>
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
            <Show when=move || state.get() == Load::Done>
                <CustomerPicker />
                <GroupPicker />
            </Show>
        </div>
    }
    .into_any()
}

/// Names which list a bulk button acts on, for screen readers (the section heading says it
/// visually).
fn hidden(what: &'static str) -> impl IntoView {
    view! { <span class="hoc-visually-hidden">" " {what}</span> }
}

/// Filter + bulk actions + count + list for one catalogue.
#[component]
fn CustomerPicker() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let picks = ctx.picks;
    let catalog = move || picks.customers.get();
    let text = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let important_only = RwSignal::new(false);
    let filter = Memo::new(move |_| Filter {
        text: text.get(),
        tag: Some(tag.get()).filter(|t| !t.is_empty()),
        important_only: important_only.get(),
    });
    let rows = Memo::new(move |_| {
        let f = filter.get();
        picks
            .customers
            .with(|c| c.as_ref().map(|c| c.matching(&f)).unwrap_or_default())
    });
    let tags = Memo::new(move |_| {
        picks
            .customers
            .with(|c| c.as_ref().map(|c| c.tags()).unwrap_or_default())
    });
    let total = move || picks.customers.with(|c| c.as_ref().map_or(0, |c| c.len()));
    let last_clicked = StoredValue::new(None::<usize>);

    let bulk = move |mark: &'static str, f: fn(&mut Selection, &Catalog<Customer>, &[u32])| {
        browser::mark(mark);
        if let Some(cat) = catalog() {
            rows.with_untracked(|r| picks.customer_sel.update(|s| f(s, &cat, r)));
        }
        sync_draft(ctx);
    };

    view! {
        <section class="hoc-pick-section" aria-labelledby="hoc-customers-h">
            <h3 id="hoc-customers-h">{move || lang.t().customers}</h3>
            <div class="hoc-filters">
                <label class="hoc-field">
                    <span>{move || lang.t().search}</span>
                    <input
                        type="search"
                        prop:value=text
                        on:input:target=move |e| {
                            browser::mark("filter-start");
                            text.set(e.target().value());
                            request_animation_frame(|| browser::measure("customers:filter", "filter-start"));
                        }
                    />
                </label>
                <label class="hoc-field">
                    <span>{move || lang.t().filter_tag}</span>
                    <select on:change:target=move |e| tag.set(e.target().value())>
                        <option value="">{move || lang.t().all_tags}</option>
                        {move || tags.get().into_iter().map(|t| { let v = t.clone(); view! { <option value=v>{t}</option> } }).collect_view()}
                    </select>
                </label>
                <label class="hoc-check">
                    <input type="checkbox" prop:checked=important_only on:change:target=move |e| important_only.set(e.target().checked()) />
                    <span>{move || lang.t().important_only}</span>
                </label>
            </div>
            <div class="hoc-bulk">
                <button type="button" class="hoc-button" on:click=move |_| {
                    bulk("select-all-start", |s, c, r| s.select_all(c, r));
                    request_animation_frame(|| browser::measure("customers:select-all", "select-all-start"));
                }>{move || lang.t().select_all_matching}{move || hidden(lang.t().customers)}</button>
                <button type="button" class="hoc-button" on:click=move |_| bulk("clear-start", |s, c, r| s.clear_rows(c, r))>
                    {move || lang.t().clear_selection}{move || hidden(lang.t().customers)}
                </button>
                <button type="button" class="hoc-button" on:click=move |_| bulk("invert-start", |s, c, r| s.invert(c, r))>
                    {move || lang.t().invert_selection}{move || hidden(lang.t().customers)}
                </button>
                <p class="hoc-count" role="status" aria-live="polite">
                    {move || (lang.t().selected_of)(picks.customer_sel.with(Selection::count), total())}
                </p>
            </div>
            <VirtualList
                rows=rows
                row_height=ROW_HEIGHT
                height=LIST_HEIGHT
                label=Signal::derive(move || lang.t().customers.to_string())
                render=move |pos, i| {
                    let c = picks.customers.with_untracked(|c| c.as_ref().and_then(|c| c.get(i).cloned()));
                    c.map(|c| {
                        view! {
                            <CustomerRow
                                customer=c
                                checked=Signal::derive(move || picks.customer_sel.with(|s| s.contains(i)))
                                on_click=Callback::new(move |shift: bool| {
                                    let Some(cat) = catalog() else { return };
                                    let prev = last_clicked.get_value();
                                    picks.customer_sel.update(|s| match prev {
                                        Some(a) if shift => {
                                            let on = !s.contains(i);
                                            rows.with_untracked(|r| s.set_range(&cat, r, a, pos, on));
                                        }
                                        _ => s.toggle(&cat, i),
                                    });
                                    last_clicked.set_value(Some(pos));
                                    sync_draft(ctx);
                                })
                            />
                        }
                    })
                }
            />
        </section>
    }
}

#[component]
fn CustomerRow(
    customer: Customer,
    checked: Signal<bool>,
    on_click: Callback<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let id = format!("hoc-c-{}", customer.id);
    let disabled = !customer.transferable();
    let reason = customer.reason;
    let kind = customer.kind;
    let corp = customer.corp_name.clone().unwrap_or_default();
    let last = customer.last_contact_at.clone();
    view! {
        <div class="hoc-row" data-disabled=disabled.to_string()>
            <input
                type="checkbox"
                id=id.clone()
                disabled=disabled
                prop:checked=checked
                on:click=move |ev: web_sys::MouseEvent| on_click.run(ev.shift_key())
            />
            <label for=id class="hoc-row-name">
                {customer.name.clone()}
            </label>
            <span class="hoc-row-meta">
                {move || match kind {
                    CustomerKind::Wechat => lang.t().wechat.to_string(),
                    CustomerKind::Wecom => format!("{} · {}", lang.t().wecom, corp),
                }}
                {customer.important.then(|| view! { <span class="hoc-badge">{move || lang.t().important}</span> })}
                {customer.tags.iter().map(|t| view! { <span class="hoc-tag">{t.clone()}</span> }).collect_view()}
            </span>
            <span class="hoc-row-dates">
                {move || lang.t().added_on} " " {customer.added_at.get(..10).unwrap_or("").to_string()} " · "
                {move || lang.t().last_contact} " "
                {move || last.as_deref().and_then(|d| d.get(..10)).unwrap_or(lang.t().never).to_string()}
            </span>
            {reason.map(|r| view! { <span class="hoc-reason">{move || code_text(lang.locale(), r)}</span> })}
        </div>
    }
}

#[component]
fn GroupPicker() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let picks = ctx.picks;
    let rows = Memo::new(move |_| {
        picks.groups.with(|g| {
            g.as_ref()
                .map(|g| g.matching(&Filter::default()))
                .unwrap_or_default()
        })
    });
    let total = move || picks.groups.with(|g| g.as_ref().map_or(0, |g| g.len()));
    let bulk = move |f: fn(&mut Selection, &Catalog<Group>, &[u32])| {
        if let Some(cat) = picks.groups.get_untracked() {
            rows.with_untracked(|r| picks.group_sel.update(|s| f(s, &cat, r)));
        }
        sync_draft(ctx);
    };
    view! {
        <section class="hoc-pick-section" aria-labelledby="hoc-groups-h">
            <h3 id="hoc-groups-h">{move || lang.t().groups}</h3>
            <div class="hoc-bulk">
                <button type="button" class="hoc-button" on:click=move |_| bulk(|s, c, r| s.select_all(c, r))>
                    {move || lang.t().select_all_matching}{move || hidden(lang.t().groups)}
                </button>
                <button type="button" class="hoc-button" on:click=move |_| bulk(|s, c, r| s.clear_rows(c, r))>
                    {move || lang.t().clear_selection}{move || hidden(lang.t().groups)}
                </button>
                <p class="hoc-count" role="status" aria-live="polite">
                    {move || (lang.t().selected_of)(picks.group_sel.with(Selection::count), total())}
                </p>
            </div>
            <Show when=move || { total() > 0 } fallback=move || view! { <p class="hoc-empty">{move || lang.t().no_items}</p> }>
                <VirtualList
                    rows=rows
                    row_height=ROW_HEIGHT
                    height=GROUP_LIST_HEIGHT
                    label=Signal::derive(move || lang.t().groups.to_string())
                    render=move |_, i| {
                        let g = picks.groups.with_untracked(|g| g.as_ref().and_then(|g| g.get(i).cloned()));
                        g.map(|g| {
                            let id = format!("hoc-g-{}", g.id);
                            let disabled = !g.transferable;
                            let reason = g.reason;
                            view! {
                                <div class="hoc-row" data-disabled=disabled.to_string()>
                                    <input
                                        type="checkbox"
                                        id=id.clone()
                                        disabled=disabled
                                        prop:checked=move || picks.group_sel.with(|s| s.contains(i))
                                        on:click=move |_| {
                                            if let Some(cat) = picks.groups.get_untracked() {
                                                picks.group_sel.update(|s| s.toggle(&cat, i));
                                                sync_draft(ctx);
                                            }
                                        }
                                    />
                                    <label for=id class="hoc-row-name">{g.name.clone()}</label>
                                    <span class="hoc-row-meta">{g.member_count} " " {move || lang.t().members_count}</span>
                                    <span class="hoc-row-dates">{move || lang.t().created_on} " " {g.created_at.get(..10).unwrap_or("").to_string()}</span>
                                    {reason.map(|r| view! { <span class="hoc-reason">{move || code_text(lang.locale(), r)}</span> })}
                                </div>
                            }
                        })
                    }
                />
            </Show>
        </section>
    }
}
