//! What the admin sees when the host page configured the console wrongly: every problem, the
//! key and the source it came from, in their language; the browser console says the same.

use leptos::prelude::*;

use super::use_lang;
use crate::config::Problem;
use crate::i18n::config_problems::{describe, panel};
use crate::i18n::Locale;

/// The same list on the browser console, for the portal team.
pub fn log(locale: Locale, problems: &[Problem]) {
    let mut text = panel(locale).title.to_string();
    for p in problems {
        text.push_str("\n- ");
        text.push_str(&describe(locale, p));
    }
    web_sys::console::error_1(&text.into());
}

#[component]
pub fn ConfigPanel(problems: Vec<Problem>) -> impl IntoView {
    let lang = use_lang();
    let problems = StoredValue::new(problems);
    view! {
        <section class="hoc-config-error" role="alert" aria-labelledby="hoc-config-error-h">
            <h2 id="hoc-config-error-h">{move || panel(lang.locale()).title}</h2>
            <p>{move || panel(lang.locale()).intro}</p>
            <ul>
                {move || {
                    let l = lang.locale();
                    problems.with_value(|ps| {
                        ps.iter().map(|p| view! { <li>{describe(l, p)}</li> }).collect_view()
                    })
                }}
            </ul>
            <p>{move || panel(lang.locale()).docs}</p>
        </section>
    }
}
