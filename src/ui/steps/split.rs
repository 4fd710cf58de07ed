//! Several successors (issue 13): how the selection is shared, the preview table, and moving
//! customers by hand. The split itself is `Wizard::split` (plain Rust, `domain::split`); these
//! views read it and send intents.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::api::types::{Customer, ItemKind, Member};
use crate::domain::selection::Filter;
use crate::domain::split::{GroupRule, SplitError, Strategy, MAX_SUCCESSORS};
use crate::domain::wizard::{Planned, Wizard};
use crate::i18n::Messages;
use crate::ui::browser;
use crate::ui::format;
use crate::ui::state::{use_ctx, Ctx};
use crate::ui::use_lang;
use crate::ui::widgets::search::SearchBox;
use crate::ui::widgets::tag_filter::TagFilter;
use crate::ui::widgets::virtual_list::{Slot, VirtualList};

const ROW_HEIGHT: f64 = 44.0;
const LIST_HEIGHT: f64 = 352.0;

pub type PlannedSplit = Option<Result<Planned, SplitError>>;

/// The draft's split, recomputed whenever the draft changes. The balanced computation is
/// marked for User Timing (`assign:balanced`), which the wizard benchmark reads.
pub fn planned(ctx: Ctx) -> Memo<PlannedSplit> {
    Memo::new(move |_| {
        ctx.wizard.with(|w| {
            let timed = w.several() && w.strategy() == Strategy::Balanced;
            if timed {
                browser::mark("assign:balanced-start");
            }
            let p = w.split();
            if timed && p.is_some() {
                browser::measure("assign:balanced", "assign:balanced-start");
            }
            p
        })
    })
}

/// The session's groups a day per departed member, kept in the draft so the preview and the
/// request measure groups alike.
pub fn keep_group_limit(ctx: Ctx) {
    Effect::new(move |_| {
        let per_day = ctx
            .session
            .get()
            .and_then(Result::ok)
            .map(|s| s.limits.groups_per_owner_per_day);
        if per_day.is_some() {
            ctx.wizard.update(|w| w.set_groups_per_day(per_day));
        }
    });
}

fn name_of(successors: &[Member], id: &str) -> String {
    successors
        .iter()
        .find(|m| m.id == id)
        .map(|m| m.name.clone())
        .unwrap_or_else(|| id.to_string())
}

fn strategy_label(m: &Messages, s: Strategy) -> &'static str {
    match s {
        Strategy::Balanced => m.strategy_balanced,
        Strategy::RoundRobin => m.strategy_round_robin,
        Strategy::ByHand => m.strategy_by_hand,
    }
}

/// One successor or several.
#[component]
pub fn ModeChoice() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let several = move || ctx.wizard.with(Wizard::several);
    view! {
        <fieldset class="hoc-choices hoc-split-mode">
            <legend>{move || lang.t().successor_mode}</legend>
            <label class="hoc-check">
                <input
                    type="radio"
                    name="hoc-successor-mode"
                    value="one"
                    prop:checked=move || !several()
                    on:change=move |_| ctx.wizard.update(|w| w.set_several(false))
                />
                <span>{move || lang.t().one_successor}</span>
            </label>
            <label class="hoc-check">
                <input
                    type="radio"
                    name="hoc-successor-mode"
                    value="several"
                    prop:checked=several
                    on:change=move |_| ctx.wizard.update(|w| w.set_several(true))
                />
                <span>{move || lang.t().several_successors}</span>
            </label>
        </fieldset>
    }
}

/// Strategy, where the groups go, the preview and (by hand) the move list.
#[component]
pub fn SplitSettings(planned: Memo<PlannedSplit>) -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let count = move || ctx.wizard.with(|w| w.successors().len());
    let strategy = move || ctx.wizard.with(Wizard::strategy);
    let successors = move || ctx.wizard.with(|w| w.successors().to_vec());
    let rule = move || match ctx.wizard.with(|w| w.group_rule().clone()) {
        GroupRule::FollowCustomers => String::new(),
        GroupRule::AllTo(id) => id,
    };
    view! {
        <p class="hoc-count" role="status" aria-live="polite">
            {move || (lang.t().successors_chosen)(count(), MAX_SUCCESSORS)}
        </p>
        <div class="hoc-split-settings">
            <fieldset class="hoc-choices">
                <legend>{move || lang.t().split_strategy}</legend>
                {Strategy::ALL.into_iter().map(|s| view! {
                    <label class="hoc-check">
                        <input
                            type="radio"
                            name="hoc-split-strategy"
                            value=s.as_str()
                            prop:checked=move || strategy() == s
                            on:change=move |_| ctx.wizard.update(|w| w.set_strategy(s))
                        />
                        <span>{move || strategy_label(lang.t(), s)}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <label class="hoc-field">
                <span>{move || lang.t().split_groups}</span>
                <select
                    prop:value=rule
                    on:change:target=move |e| {
                        let v = e.target().value();
                        let r = if v.is_empty() { GroupRule::FollowCustomers } else { GroupRule::AllTo(v) };
                        ctx.wizard.update(|w| w.set_group_rule(r));
                    }
                >
                    <option value="" selected=move || rule().is_empty()>{move || lang.t().groups_follow}</option>
                    {move || successors().into_iter().map(|m| {
                        let id = m.id.clone();
                        let chosen = rule() == id;
                        view! { <option value=id selected=chosen>{move || (lang.t().groups_all_to)(&m.name)}</option> }
                    }).collect_view()}
                </select>
            </label>
        </div>
        <SplitPreview planned=planned />
        <Show when=move || { strategy() == Strategy::ByHand && count() > 0 }>
            <ByHand planned=planned />
        </Show>
    }
}

/// The preview: per successor, customers and groups, important customers, capacity before and
/// after; a live warning for anyone over their limit and for what nobody can take.
#[component]
pub fn SplitPreview(planned: Memo<PlannedSplit>) -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let rows = move || {
        let successors = ctx.wizard.with(|w| w.successors().to_vec());
        planned.with(|p| match p {
            Some(Ok(p)) => p
                .split
                .shares
                .iter()
                .map(|s| {
                    (
                        s.successor.clone(),
                        name_of(&successors, &s.successor),
                        s.customers.len(),
                        s.groups.len(),
                        s.important,
                        s.capacity_before,
                        s.capacity_after(),
                    )
                })
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    };
    let totals = move || {
        planned.with(|p| match p {
            Some(Ok(p)) => Some((
                p.split.customer_count(),
                p.split.group_count(),
                p.split.important_count(),
            )),
            _ => None,
        })
    };
    let warnings = move || {
        let m = lang.t();
        let successors = ctx.wizard.with(|w| w.successors().to_vec());
        planned.with(|p| {
            let Some(Ok(p)) = p else {
                return Vec::new();
            };
            let s = &p.split;
            let mut out: Vec<String> = Vec::new();
            for w in s.warnings() {
                let name = s
                    .shares
                    .get(w.share)
                    .map(|x| name_of(&successors, &x.successor))
                    .unwrap_or_default();
                if w.customers_over > 0 {
                    out.push((m.split_over)(&name, w.customers_over));
                }
                if w.groups_over > 0 {
                    out.push((m.split_groups_over)(&name, w.groups_over));
                }
            }
            if !s.unassigned_customers.is_empty() {
                out.push((m.split_unassigned)(s.unassigned_customers.len()));
            }
            let groups_left = s.unassigned_groups.len() + s.groups_over_day_allowance();
            if groups_left > 0 {
                out.push((m.split_unassigned_groups)(groups_left));
            }
            out
        })
    };
    let n = move |v: usize| format::number(lang.locale(), v as f64);
    view! {
        <Show when=move || totals().is_some()>
            <table class="hoc-table hoc-split-table">
                <caption>{move || lang.t().split_preview}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t().step_successor}</th>
                        <th scope="col">{move || lang.t().customers}</th>
                        <th scope="col">{move || lang.t().groups}</th>
                        <th scope="col">{move || lang.t().important_customers}</th>
                        <th scope="col">{move || lang.t().capacity_before}</th>
                        <th scope="col">{move || lang.t().capacity_after}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || rows().into_iter().map(|(id, name, c, g, imp, before, after)| view! {
                        <tr data-successor=id data-over=(after < 0).to_string()>
                            <th scope="row">{name}</th>
                            <td data-col="customers">{n(c)}</td>
                            <td data-col="groups">{n(g)}</td>
                            <td data-col="important">{n(imp)}</td>
                            <td data-col="before">{format::number(lang.locale(), before)}</td>
                            <td data-col="after" class:hoc-warn=after < 0>{format::number(lang.locale(), after as f64)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    {move || totals().map(|(c, g, imp)| view! {
                        <tr>
                            <th scope="row">{move || lang.t().split_total}</th>
                            <td data-col="customers">{n(c)}</td>
                            <td data-col="groups">{n(g)}</td>
                            <td data-col="important">{n(imp)}</td>
                            <td></td>
                            <td></td>
                        </tr>
                    })}
                </tfoot>
            </table>
        </Show>
        <div role="alert" class="hoc-alert-region hoc-split-warnings">
            <Show when=move || !warnings().is_empty()>
                <ul class="hoc-warning">
                    {move || warnings().into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            </Show>
        </div>
    }
}

/// Moving the chosen customers to a successor, from a list filtered like step 2's.
#[component]
fn ByHand(planned: Memo<PlannedSplit>) -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let wizard = ctx.wizard;
    let text = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let important_only = RwSignal::new(false);
    let checked = RwSignal::new(HashSet::<u32>::new());
    let target = RwSignal::new(wizard.with_untracked(|w| {
        w.successors()
            .first()
            .map(|m| m.id.clone())
            .unwrap_or_default()
    }));
    let filter = Memo::new(move |_| Filter {
        text: text.get(),
        tag: Some(tag.get()).filter(|t| !t.is_empty()),
        important_only: important_only.get(),
    });
    // The chosen customers the filter keeps, as catalogue positions.
    let rows = Memo::new(move |_| {
        let f = filter.get();
        wizard.with(|w| {
            let picked = w.picked::<Customer>();
            picked
                .catalog()
                .map(|c| {
                    c.matching(&f)
                        .into_iter()
                        .filter(|&i| picked.contains(i))
                        .collect::<Vec<u32>>()
                })
                .unwrap_or_default()
        })
    });
    let tags = Memo::new(move |_| {
        wizard.with(|w| {
            w.picked::<Customer>()
                .catalog()
                .map(|c| c.tags())
                .unwrap_or_default()
        })
    });
    let owners = Memo::new(move |_| {
        let len = wizard.with(|w| w.picked::<Customer>().catalog().map_or(0, |c| c.len()));
        planned.with(|p| match p {
            Some(Ok(p)) => {
                let ids: Vec<String> = p.split.shares.iter().map(|s| s.successor.clone()).collect();
                (p.customer_owners(len), ids)
            }
            _ => (Vec::new(), Vec::new()),
        })
    });
    let ids_of = move |positions: Vec<u32>| -> Vec<String> {
        wizard.with_untracked(|w| {
            w.picked::<Customer>()
                .catalog()
                .map(|c| {
                    positions
                        .iter()
                        .filter_map(|&i| c.get(i).map(|x| x.id.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
    };
    let move_rows = move |positions: Vec<u32>| {
        let to = target.get_untracked();
        let ids = ids_of(positions);
        if !to.is_empty() && !ids.is_empty() {
            wizard.update(|w| w.move_items(ItemKind::Customer, ids, &to));
        }
        checked.set(HashSet::new());
    };
    let moved = move || wizard.with(|w| w.moves().len());
    view! {
        <section class="hoc-pick-section hoc-by-hand" aria-labelledby="hoc-by-hand-h">
            <h3 id="hoc-by-hand-h">{move || lang.t().by_hand_title}</h3>
            <div class="hoc-filters">
                <SearchBox label=Signal::derive(move || lang.t().search) on_search=move |v| text.set(v) />
                <TagFilter tags=tags tag=tag important_only=important_only />
            </div>
            <div class="hoc-bulk">
                <label class="hoc-field">
                    <span>{move || lang.t().move_to}</span>
                    <select prop:value=move || target.get() on:change:target=move |e| target.set(e.target().value())>
                        {move || wizard.with(|w| w.successors().to_vec()).into_iter().map(|m| {
                            let id = m.id.clone();
                            let selected = target.get_untracked() == id;
                            view! { <option value=id selected=selected>{m.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" class="hoc-button" on:click=move |_| {
                    let mut positions: Vec<u32> = checked.get_untracked().into_iter().collect();
                    positions.sort_unstable();
                    move_rows(positions);
                }>
                    {move || lang.t().move_checked}
                </button>
                <button type="button" class="hoc-button" on:click=move |_| move_rows(rows.get_untracked())>
                    {move || lang.t().move_matching}
                </button>
                <button type="button" class="hoc-button" on:click=move |_| wizard.update(Wizard::clear_moves)>
                    {move || lang.t().undo_moves}
                </button>
                <p class="hoc-count" role="status" aria-live="polite">
                    {move || (lang.t().moved_n)(moved())}
                    " · "
                    {move || (lang.t().selected_of)(checked.with(HashSet::len), rows.with(Vec::len))}
                </p>
            </div>
            <VirtualList
                rows=rows
                row_height=ROW_HEIGHT
                height=LIST_HEIGHT
                label=Signal::derive(move || lang.t().by_hand_title.to_string())
                render=move |slot: Slot| {
                    // The slot's row, updated in place as the list or the scroll moves.
                    let item = Memo::new(move |_| {
                        slot.get().and_then(|(_, i)| {
                            wizard.with_untracked(|w| w.picked::<Customer>().catalog().and_then(|c| c.get(i).cloned()))
                        })
                    });
                    let at = move || slot.get().map(|(_, i)| i);
                    let id = move || item.with(|c| c.as_ref().map(|c| format!("hoc-bh-{}", c.id)));
                    let owner = move || {
                        let Some(i) = at() else { return String::new() };
                        let successors = wizard.with(|w| w.successors().to_vec());
                        owners.with(|(o, ids)| match o.get(i as usize).copied().flatten() {
                            Some(s) => ids.get(s).map(|id| name_of(&successors, id)).unwrap_or_default(),
                            None => lang.t().not_assigned.to_string(),
                        })
                    };
                    view! {
                        <div class="hoc-row hoc-by-hand-row">
                            <input
                                type="checkbox"
                                id=id
                                prop:checked=move || at().is_some_and(|i| checked.with(|s| s.contains(&i)))
                                on:change:target=move |e| {
                                    let Some(i) = slot.get_untracked().map(|(_, i)| i) else { return };
                                    let on = e.target().checked();
                                    checked.update(|s| { if on { s.insert(i); } else { s.remove(&i); } });
                                }
                            />
                            <label for=id class="hoc-row-name">
                                {move || item.with(|c| c.as_ref().map(|c| c.name.clone()))}
                            </label>
                            <span class="hoc-row-meta">
                                {move || item.with(|c| c.as_ref().and_then(|c| c.corp_name.clone()))}
                                {move || item.with(|c| c.as_ref().is_some_and(|c| c.important))
                                    .then(|| view! { <span class="hoc-badge">{move || lang.t().important}</span> })}
                            </span>
                            <span class="hoc-row-owner">{owner}</span>
                        </div>
                    }
                }
            />
        </section>
    }
}

/// The summary's lines for a split: one per successor who takes something.
pub fn summary_lines(m: &Messages, planned: &PlannedSplit, successors: &[Member]) -> Vec<String> {
    let Some(Ok(p)) = planned else {
        return Vec::new();
    };
    p.split
        .shares
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            (m.labelled)(
                &name_of(successors, &s.successor),
                &format!(
                    "{}{}{}",
                    (m.customers_n)(s.customers.len()),
                    m.list_separator,
                    (m.groups_n)(s.groups.len())
                ),
            )
        })
        .collect()
}
