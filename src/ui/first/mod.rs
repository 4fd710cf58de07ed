//! The first screen without Leptos (issue 12). A fresh visit opens on step 1, and step 1 needs
//! none of the reactive runtime, the renderer or the later steps: `screen` draws it with a few
//! DOM calls, so the first download carries only this, the API client and the configuration.
//! Choosing a member starts the whole app (`ui::later::app`, in the later module) off the page,
//! so step 2's lists load meanwhile; leaving step 1 (Next, a link to another page, the address
//! naming one, a run saved in another tab) puts it in the first screen's place, or fetches it
//! then, and hands it what the admin chose. The whole app draws the page at once for any other
//! visit (a saved draft or run, a deep link, a configuration with problems, an iframe that
//! talks to its parent).
//!
//! Nothing here may reach Leptos: what this module calls is what the first download holds.

mod dom;
mod screen;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use self::dom::Node;
use self::screen::{Screen, Shared};
use super::host::{self, Host};
use super::router::Router;
use super::{browser, later, run, state, LANG_KEY};
use crate::api::types::{DepartedMember, Session};
use crate::api::{ApiError, Backend};
use crate::config::{self, Layer, Page, Resolved, Route};
use crate::domain::host_events::HostEvent;
use crate::domain::wizard::Step;
use crate::i18n::{self, errors::error_text, Locale};

/// What leaving the first screen asks of the whole app.
#[derive(Clone, Debug, PartialEq)]
pub enum Intent {
    /// Show step 1 as it is (another tab saved a run: the app offers it).
    Stay,
    /// Go on to step 2 with the chosen member.
    Next,
    /// Open another page.
    Go(Route),
}

/// What the first screen hands the whole app.
#[derive(Clone)]
pub struct Seed {
    pub locale: Locale,
    pub chosen: Option<DepartedMember>,
    pub intent: Intent,
    /// The backend the first screen used (the demo's state, a token the host renewed).
    pub backend: Backend,
    /// The session as the first screen loaded it, or its failure (the app says so, with
    /// Retry, rather than asking again unseen); `None` while it was still loading.
    pub session: Option<Result<Session, ApiError>>,
}

/// The whole app, mounted (`ui::mount::Mounted`, in the later module).
pub trait App {
    fn unmount(&mut self);
    fn set_token(&self, token: &str) -> bool;
    fn set_locale(&self, tag: &str) -> bool;
    /// The admin chose another member on the first screen (the app is warm, off the page).
    fn choose(&self, member: DepartedMember);
    /// The app took the first screen's place: go on as the admin asked there.
    fn go(&self, intent: Intent);
}

enum Stage {
    First(Shared),
    /// The whole app is being fetched; what the host asked meanwhile is done once it is in.
    Loading {
        token: Option<String>,
        locale: Option<String>,
    },
    App(Box<dyn App>),
    Gone,
}

/// The whole app mounted off the page while the first screen shows: started when the admin
/// chooses a member, so that step 2's lists load meanwhile (as they did when step 1 was the
/// whole app's), and put in the first screen's place when the admin leaves step 1.
#[derive(Default)]
struct Warm {
    app: Option<(Box<dyn App>, HtmlElement)>,
    starting: bool,
    /// Leaving step 1 while the app was on its way.
    pending: Option<Intent>,
}

struct Console {
    host: HtmlElement,
    stage: RefCell<Stage>,
    warm: RefCell<Warm>,
}

/// A mounted console, as `mountConsole` hands it to JavaScript.
pub struct Started {
    console: Rc<Console>,
}

/// Mounts into `host`: the first screen for a fresh visit to step 1, the whole app otherwise.
pub fn mount(host: HtmlElement, layers: Vec<Layer>, page: Page) -> Started {
    let resolved = config::resolve(&layers, &page);
    browser::set_storage_prefix(&resolved.config.storage_prefix);
    host::set_token(None);
    Backend::forget_renewal();
    let console = Rc::new(Console {
        host: host.clone(),
        stage: RefCell::new(Stage::Loading {
            token: None,
            locale: None,
        }),
        warm: RefCell::new(Warm::default()),
    });
    let c = &resolved.config;
    let locale = i18n::negotiate(
        c.locale.map(Locale::tag),
        browser::local_get(LANG_KEY).as_deref(),
        &browser::languages(),
    );
    let fresh = resolved.problems.is_empty()
        && c.parent_origin.is_none()
        && Router::new(c.routing, c.hash_prefix.clone()).read() == Route::Wizard
        && !state::draft_saved()
        && !run::anything_saved();
    if !fresh {
        take_over(&console, resolved, None, locale);
        return Started { console };
    }
    let events = Host::new(host.clone(), None);
    let (demo, backend) = (c.is_demo(), state::backend_for(c));
    let screen: Shared = Rc::new(RefCell::new(Screen::new(
        host,
        resolved.config.clone(),
        backend,
        locale,
        events,
    )));
    {
        let mut s = screen.borrow_mut();
        let c = Rc::downgrade(&console);
        s.leave = Some(Rc::new(move |intent| {
            if let Some(c) = c.upgrade() {
                leave(&c, intent);
            }
        }));
        let c = Rc::downgrade(&console);
        s.chose = Some(Rc::new(move || {
            if let Some(c) = c.upgrade() {
                warm_up(&c);
            }
        }));
    }
    *console.stage.borrow_mut() = Stage::First(screen.clone());
    screen::start(&screen);
    // Told as the whole app tells them: once mounted, then the step it opens on.
    let s = screen.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let s = s.borrow();
        if s.is_alive() {
            s.emit(HostEvent::Ready {
                demo,
                locale: s.locale.tag(),
            });
            s.emit(HostEvent::Step(Step::Member));
        }
    });
    Started { console }
}

/// What the first screen hands the whole app.
fn seed_of(s: &Screen, intent: Intent) -> Seed {
    Seed {
        locale: s.locale,
        chosen: s.chosen_member(),
        intent,
        backend: s.backend.clone(),
        session: s.session.clone(),
    }
}

fn first_screen(c: &Console) -> Option<Shared> {
    match &*c.stage.borrow() {
        Stage::First(s) => Some(s.clone()),
        _ => None,
    }
}

/// A member was chosen: the whole app starts off the page with it, or takes the new choice.
fn warm_up(c: &Rc<Console>) {
    let Some(member) = first_screen(c).and_then(|s| s.borrow().chosen_member()) else {
        return;
    };
    {
        let warm = c.warm.borrow();
        if let Some((app, _)) = &warm.app {
            app.choose(member);
            return;
        }
        // The app takes the member chosen when it mounts.
        if warm.starting {
            return;
        }
    }
    c.warm.borrow_mut().starting = true;
    let c = c.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let loaded = later::preload_app().await.is_ok();
        let screen = first_screen(&c).filter(|_| loaded);
        let started = match screen {
            Some(screen) => {
                let (seed, config) = {
                    let s = screen.borrow();
                    (seed_of(&s, Intent::Stay), s.config.clone())
                };
                let into = dom::Node::new("div").el();
                let into: HtmlElement = into.unchecked_into();
                let resolved = Resolved {
                    config,
                    problems: Vec::new(),
                };
                later::app(into.clone(), c.host.clone(), resolved, Some(seed))
                    .await
                    .ok()
                    .map(|app| (app, into))
            }
            None => None,
        };
        let pending = {
            let mut warm = c.warm.borrow_mut();
            warm.starting = false;
            warm.app = started;
            warm.pending.take()
        };
        if let Some(intent) = pending {
            // Left while the app was on its way: it takes the first screen's place now, or
            // (its code did not load) step 1 says so.
            if let Some(s) = first_screen(&c) {
                s.borrow_mut().leaving = false;
            }
            leave(&c, intent);
        }
    });
}

/// The admin leaves step 1: the warm app takes the first screen's place, or the whole app is
/// fetched and mounted for it.
fn leave(c: &Rc<Console>, intent: Intent) {
    let Some(screen) = first_screen(c) else {
        return;
    };
    if c.warm.borrow().app.is_some() {
        attach(c, intent);
        return;
    }
    // Once: a second Next while the app is on its way changes nothing (`cannot_leave` allows
    // the next try).
    if std::mem::replace(&mut screen.borrow_mut().leaving, true) {
        return;
    }
    if c.warm.borrow().starting {
        c.warm.borrow_mut().pending = Some(intent);
        return;
    }
    let (seed, config, locale) = {
        let s = screen.borrow();
        (seed_of(&s, intent), s.config.clone(), s.locale)
    };
    let resolved = Resolved {
        config,
        problems: Vec::new(),
    };
    take_over(c, resolved, Some(seed), locale);
}

/// Puts the warm app in the first screen's place and goes on as the admin asked.
fn attach(c: &Rc<Console>, intent: Intent) {
    let Some((app, into)) = c.warm.borrow_mut().app.take() else {
        return;
    };
    let focused = (intent == Intent::Stay).then(focused_id).flatten();
    let before = std::mem::replace(&mut *c.stage.borrow_mut(), Stage::Gone);
    if let Stage::First(s) = before {
        s.borrow_mut().end();
    }
    while let Some(node) = into.first_child() {
        let _ = c.host.append_child(&node);
    }
    app.go(intent);
    *c.stage.borrow_mut() = Stage::App(app);
    if let Some(id) = focused {
        browser::focus(&format!("#{id}"));
    }
}

/// Fetches the whole app and mounts it in place of the first screen (if any). Until it is in,
/// the first screen stays as it was; if it cannot be fetched, the admin is told, with Retry.
fn take_over(c: &Rc<Console>, resolved: Resolved, seed: Option<Seed>, locale: Locale) {
    let c = c.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let loaded = later::preload_app().await.is_ok();
        let screen = match &*c.stage.borrow() {
            Stage::Gone | Stage::App(_) => return,
            Stage::First(s) => Some(s.clone()),
            Stage::Loading { .. } => None,
        };
        if !loaded {
            failed(&c, resolved, seed, locale, screen);
            return;
        }
        // The focused control, to focus again once the app has drawn the same one.
        let focused = screen.as_ref().and_then(|_| focused_id());
        let queued = match std::mem::replace(
            &mut *c.stage.borrow_mut(),
            Stage::Loading {
                token: None,
                locale: None,
            },
        ) {
            // The seed carries the language; the token the host gave stays set (a seeded
            // mount keeps it).
            Stage::First(_) => (None, None),
            Stage::Loading { token, locale } => (token, locale),
            other => {
                *c.stage.borrow_mut() = other;
                return;
            }
        };
        if let Some(s) = &screen {
            s.borrow_mut().end();
        }
        let stay = seed.as_ref().is_some_and(|s| s.intent == Intent::Stay);
        match later::app(c.host.clone(), c.host.clone(), resolved, seed).await {
            Ok(app) => {
                if let Some(tag) = queued.1 {
                    app.set_locale(&tag);
                }
                if let Some(token) = queued.0 {
                    app.set_token(&token);
                }
                *c.stage.borrow_mut() = Stage::App(app);
                if stay {
                    if let Some(id) = focused {
                        browser::focus(&format!("#{id}"));
                    }
                }
            }
            Err(_) => *c.stage.borrow_mut() = Stage::Gone,
        }
    });
}

/// The id of the focused element, when it has one (a radio, the language switch).
fn focused_id() -> Option<String> {
    let el = dom::document()?.active_element()?;
    let id = el.id();
    (!id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c)))
    .then_some(id)
}

/// The whole app could not be fetched: the first screen stays and says so (the admin's choices
/// with it); with no first screen, the element says so. Retry tries again.
fn failed(
    c: &Rc<Console>,
    resolved: Resolved,
    seed: Option<Seed>,
    locale: Locale,
    screen: Option<Shared>,
) {
    let m = locale.first();
    let error = ApiError::Network("the app's code did not load".into());
    let retry = {
        let c = c.clone();
        move || take_over(&c, resolved.clone(), seed.clone(), locale)
    };
    match screen {
        Some(s) => screen::cannot_leave(&s, error, retry),
        None => {
            let mut keep = Vec::new();
            let region = Node::new("div").class("hoc-app");
            let button = Node::new("button")
                .attr("type", "button")
                .class("hoc-button")
                .text(m.retry)
                .on("click", &mut keep, move |_| retry());
            dom::fill(
                &region.el(),
                [
                    Node::new("p")
                        .attr("role", "alert")
                        .class("hoc-error")
                        .text(&error_text(m, &error)),
                    button,
                ],
            );
            c.host.set_text_content(None);
            let _ = c.host.append_child(&region.el());
            // Kept for the page's life: one small listener per failed attempt.
            std::mem::forget(keep);
        }
    }
}

/// Starts fetching the whole app without waiting for it (the admin is about to need it).
pub fn prefetch() {
    wasm_bindgen_futures::spawn_local(async {
        let _ = later::preload_app().await;
    });
}

impl Started {
    /// Stops everything the console runs, then removes it from the page.
    pub fn unmount(&mut self) {
        let c = &self.console;
        if let Some((mut app, _)) = c.warm.borrow_mut().app.take() {
            app.unmount();
        }
        match std::mem::replace(&mut *c.stage.borrow_mut(), Stage::Gone) {
            Stage::First(s) => s.borrow_mut().end(),
            Stage::App(mut app) => app.unmount(),
            Stage::Loading { .. } | Stage::Gone => {}
        }
    }

    /// A new bearer token from the host: later requests carry it, and what failed is asked again.
    pub fn set_token(&self, token: &str) -> bool {
        let token = token.trim();
        if token.is_empty() || token.chars().any(char::is_control) {
            return false;
        }
        match &mut *self.console.stage.borrow_mut() {
            // The warm app shares the first screen's backend; it asks again what failed.
            Stage::First(s) => {
                screen::renew(s, token);
                if let Some((app, _)) = &self.console.warm.borrow().app {
                    app.set_token(token);
                }
                true
            }
            Stage::Loading { token: queued, .. } => {
                *queued = Some(token.to_string());
                true
            }
            Stage::App(app) => app.set_token(token),
            Stage::Gone => false,
        }
    }

    /// Switches the UI language; `false` for a tag the console does not speak.
    pub fn set_locale(&self, tag: &str) -> bool {
        let Some(locale) = Locale::from_tag(tag) else {
            return false;
        };
        if let Some((app, _)) = &self.console.warm.borrow().app {
            app.set_locale(tag);
        }
        let first = match &mut *self.console.stage.borrow_mut() {
            Stage::First(s) => Some(s.clone()),
            Stage::Loading { locale: queued, .. } => {
                *queued = Some(locale.tag().to_string());
                None
            }
            Stage::App(app) => return app.set_locale(tag),
            Stage::Gone => return false,
        };
        if let Some(s) = first {
            screen::switch_language(&s, locale);
        }
        true
    }
}
