//! Views: thin components that read state and send intents to `domain`.

pub mod browser;
mod fetch_all;
pub mod format;
mod handover;
mod lists;
pub mod panic;
mod records;
mod resume;
mod run;
mod shell;
mod state;
mod steps;
mod widgets;

use leptos::prelude::*;

use crate::config::{self, Config};
use crate::i18n::{self, Locale, Messages};

/// Server searches wait this long after the last keystroke, so a word costs one request.
pub const SEARCH_DEBOUNCE_MS: u64 = 200;

/// Storage key of the admin's language choice.
const LANG_KEY: &str = "handover-console.lang";

/// The UI language, shared through context.
#[derive(Clone, Copy)]
pub struct Lang(RwSignal<Locale>);

impl Lang {
    pub fn locale(&self) -> Locale {
        self.0.get()
    }

    /// The current message table; reading it inside a closure re-renders on language change.
    pub fn t(&self) -> &'static Messages {
        self.0.get().messages()
    }

    /// Switches language, remembers it, and keeps the URL's `lang` in step so a reload agrees.
    pub fn set(&self, locale: Locale) {
        self.0.set(locale);
        browser::local_set(LANG_KEY, locale.tag());
        let query = browser::query();
        if config::query_param(&query, "lang").is_some() {
            browser::replace_query(&config::with_query_param(
                &query,
                "lang",
                Some(locale.tag()),
            ));
        }
    }
}

pub fn use_lang() -> Lang {
    expect_context::<Lang>()
}

#[component]
pub fn App() -> impl IntoView {
    let config = Config::from_sources(&browser::query(), |key| {
        browser::meta_content(&format!("handover-console:{key}"))
    });
    let locale = i18n::negotiate(
        config.lang.as_deref(),
        browser::local_get(LANG_KEY).as_deref(),
        &browser::languages(),
    );
    let lang = Lang(RwSignal::new(locale));
    Effect::new(move |_| {
        let l = lang.locale();
        browser::set_document_language(l.tag(), l.messages().app_title);
    });
    provide_context(lang);
    let ctx = state::Ctx::new(&config);
    provide_context(ctx);
    provide_context(config);
    // Going offline pauses the run and says so; coming back resumes it.
    let _ = window_event_listener(leptos::ev::offline, move |_| ctx.run.offline.set(true));
    let _ = window_event_listener(leptos::ev::online, move |_| {
        ctx.run.offline.set(false);
        run::spawn_workers(ctx);
    });
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        ctx.route.set(config::Route::from_query(&browser::query()));
    });
    run::restore(ctx, lang, &expect_context::<Config>());

    view! {
        <resume::ResumeOffers />
        <shell::Shell />
    }
}
