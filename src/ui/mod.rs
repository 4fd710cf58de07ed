//! Views: thin components that read state and send intents to `domain`.

pub mod browser;
mod config_panel;
pub(crate) mod events;
mod fetch_all;
pub mod first;
pub mod format;
mod handover;
pub mod host;
pub(crate) mod later;
pub mod lifetime;
mod lists;
pub mod mount;
pub mod panic;
mod records;
mod resume;
pub mod router;
mod run;
mod shell;
mod state;
mod steps;
mod widgets;

use leptos::prelude::*;

use crate::config::{self, Page, Resolved, Routing};
use crate::i18n::{self, Locale, Messages};

/// Server searches wait this long after the last keystroke, so a word costs one request.
pub const SEARCH_DEBOUNCE_MS: u64 = 200;

/// Storage key of the admin's language choice.
pub(crate) const LANG_KEY: &str = "handover-console.lang";

/// The UI language, shared through context.
#[derive(Clone, Copy)]
pub struct Lang {
    locale: RwSignal<Locale>,
    /// The standalone page keeps `?lang=` in step; an embedded app leaves the address alone.
    in_query: bool,
}

impl Lang {
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// The current message table; reading it inside a closure re-renders on language change.
    pub fn t(&self) -> &'static Messages {
        self.locale.get().messages()
    }

    /// Switches language, remembers it, and keeps the URL's `lang` in step so a reload agrees.
    pub fn set(&self, locale: Locale) {
        self.locale.set(locale);
        remember_locale(locale, self.in_query);
    }
}

/// Remembers the admin's language choice, and keeps the URL's `lang` in step (`in_query`: the
/// standalone page's query routing) so a reload agrees. The first screen's switch too.
pub(crate) fn remember_locale(locale: Locale, in_query: bool) {
    browser::local_set(LANG_KEY, locale.tag());
    let query = browser::query();
    if in_query && config::query_param(&query, "lang").is_some() {
        browser::replace_query(&config::with_query_param(
            &query,
            "lang",
            Some(locale.tag()),
        ));
    }
}

/// The offer of saved runs, with the run's code, only when a run saved something (at start-up,
/// or later in another tab): a fresh page downloads none of it.
#[component]
fn SavedRuns() -> impl IntoView {
    let at_start = run::anything_saved();
    let saved = RwSignal::new(at_start);
    if !at_start {
        let listener = window_event_listener(leptos::ev::storage, move |e| {
            let key = e.key().and_then(|k| browser::app_key(&k));
            if key.as_deref().is_some_and(run::is_saved_run_key) {
                saved.set(true);
            }
        });
        on_cleanup(move || listener.remove());
    }
    move || {
        saved
            .get()
            .then(|| view! { <later::Later part=later::Part::Resume { start_up: at_start } quiet=true /> })
    }
}

pub fn use_lang() -> Lang {
    expect_context::<Lang>()
}

/// The standalone app as component tests mount it: configured from this page's `<meta>` tags
/// and query string, no host element.
#[component]
pub fn App() -> impl IntoView {
    let page = Page::Standalone {
        query: browser::query(),
    };
    let resolved = config::resolve(&[mount::meta_layer()], &page);
    view! { <Console resolved=resolved host=None seed=None /> }
}

/// The app under its root element, for a resolved configuration: the configuration-error panel
/// when the configuration has problems, the console otherwise.
#[component]
pub fn Console(
    resolved: Resolved,
    host: Option<web_sys::HtmlElement>,
    /// What the first screen (`ui::first`) hands over, when it was there before.
    seed: Option<first::Seed>,
) -> impl IntoView {
    let Resolved { config, problems } = resolved;
    let locale = seed.as_ref().map(|s| s.locale).unwrap_or_else(|| {
        i18n::negotiate(
            config.locale.map(Locale::tag),
            browser::local_get(LANG_KEY).as_deref(),
            &browser::languages(),
        )
    });
    let lang = Lang {
        locale: RwSignal::new(locale),
        in_query: config.routing == Routing::Query,
    };
    provide_context(lang);
    let scheme = config.color_scheme.as_str();
    if !config.embedded {
        Effect::new(move |_| {
            let l = lang.locale();
            browser::set_document_language(l.tag(), l.messages().app_title);
        });
    }
    let lang_attr = move || lang.locale().tag();
    if !problems.is_empty() {
        // Its words, in three languages, come with the later module: a console configured
        // right never needs them.
        return view! {
            <div class="hoc-app" data-scheme=scheme lang=lang_attr>
                <later::Later part=later::Part::ConfigProblems(problems) />
            </div>
        }
        .into_any();
    }
    if let Some(el) = host {
        let h = host::Host::new(el, config.parent_origin.clone());
        provide_context(StoredValue::new_local(h));
    }
    let router = router::Router::new(config.routing, config.hash_prefix.clone());
    provide_context(router.clone());
    let handed = seed
        .as_ref()
        .map(|s| (s.backend.clone(), s.session.clone()));
    let ctx = state::Ctx::new(&config, &router, handed);
    provide_context(ctx);
    provide_context(config.clone());
    router.follow(ctx.route);
    // Going offline pauses the run and says so; coming back resumes it.
    lifetime::on_window(leptos::ev::offline, move |_| ctx.run.offline.set(true));
    lifetime::on_window(leptos::ev::online, move |_| {
        ctx.run.offline.set(false);
        later::with_run(ctx, run::Task::Workers);
    });
    run::prepare(ctx, lang, &config);
    events::wire(
        ctx,
        lang,
        &config,
        seed.as_ref().map(|_| crate::domain::wizard::Step::Member),
        seed.as_ref()
            .is_some_and(|s| matches!(&s.session, Some(Err(e)) if events::unauthenticated(e))),
    );
    if let Some(seed) = seed {
        carry_on(ctx, seed);
    }
    mount::publish(ctx, lang);
    if let Some(h) = host::current() {
        h.with_value(|h| h.on_parent_token(move |token| mount::renew(&ctx, &lang, &token)));
    }

    view! {
        <div class="hoc-app" data-scheme=scheme lang=lang_attr>
            <SavedRuns />
            <shell::Shell />
        </div>
    }
    .into_any()
}

/// Goes on from what the first screen handed over: the member chosen there (its lists start
/// loading now), then Next or another page, as the admin asked there.
fn carry_on(ctx: state::Ctx, seed: first::Seed) {
    if let Some(member) = seed.chosen {
        adopt(ctx, member);
    }
    go_on(ctx, seed.intent, false);
}

/// The member chosen on the first screen: the wizard takes it, and its lists start loading.
pub(crate) fn adopt(ctx: state::Ctx, member: crate::api::types::DepartedMember) {
    ctx.wizard.update(|w| w.choose_member(member));
    lists::ensure_loaded(ctx);
}

/// Goes on as the admin asked on the first screen. `drawn`: the app has drawn step 1 (it was
/// warm, off the page), so a step change moves focus as any does.
pub(crate) fn go_on(ctx: state::Ctx, intent: first::Intent, drawn: bool) {
    match intent {
        first::Intent::Stay => {}
        first::Intent::Next => {
            ctx.wizard.update(|w| {
                let _ = w.try_next();
            });
            // Focus to step 2's heading once drawn (a warm app's own step change may come
            // before its effects first ran, and step 2 may be the first drawing).
            request_animation_frame(move || {
                browser::focus("#hoc-step-heading");
                if !drawn {
                    browser::measure("step:customers:ready", "step-start");
                }
            });
        }
        first::Intent::Go(route) => {
            ctx.navigate(route);
            request_animation_frame(|| browser::focus("#hoc-page-heading, #hoc-step-heading"));
        }
    }
}
