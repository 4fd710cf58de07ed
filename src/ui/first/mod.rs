//! The first screen without Leptos (issue 12). A fresh visit opens on step 1, and step 1 needs
//! none of the reactive runtime, the renderer or the later steps: `screen` draws it with a few
//! DOM calls, so the first download carries only this, the API client and the configuration.
//! Leaving step 1 (Next with a member chosen, a link to another page, a run saved in another
//! tab) fetches the whole app (`ui::later::app`, in the later module) and hands it what the admin
//! chose; the whole app then draws the page, as it does at once for any other visit (a saved
//! draft or run, a deep link, a configuration with problems, an iframe that talks to its
//! parent).
//!
//! Nothing here may reach Leptos: what this module calls is what the first download holds.

mod dom;
mod screen;

use std::cell::RefCell;
use std::rc::Rc;

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

/// A mounted console, as `mountConsole` hands it to JavaScript.
pub struct Started {
    stage: Rc<RefCell<Stage>>,
}

/// Mounts into `host`: the first screen for a fresh visit to step 1, the whole app otherwise.
pub fn mount(host: HtmlElement, layers: Vec<Layer>, page: Page) -> Started {
    let resolved = config::resolve(&layers, &page);
    browser::set_storage_prefix(&resolved.config.storage_prefix);
    host::set_token(None);
    Backend::forget_renewal();
    let stage = Rc::new(RefCell::new(Stage::Loading {
        token: None,
        locale: None,
    }));
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
        take_over(&stage, host, resolved, None, locale);
        return Started { stage };
    }
    let events = Host::new(host.clone(), None);
    let (demo, backend) = (c.is_demo(), state::backend_for(c));
    let screen: Shared = Rc::new(RefCell::new(Screen::new(
        host.clone(),
        resolved.config.clone(),
        backend,
        locale,
        Some(events),
    )));
    let leave = {
        let (stage, screen, host) = (stage.clone(), Rc::downgrade(&screen), host.clone());
        Rc::new(move |intent: Intent| {
            let Some(screen) = screen.upgrade() else {
                return;
            };
            let seed = {
                let mut s = screen.borrow_mut();
                if s.leaving || !s.is_alive() {
                    return;
                }
                s.leaving = true;
                Seed {
                    locale: s.locale,
                    chosen: s.chosen_member(),
                    intent,
                    backend: s.backend.clone(),
                    session: s.session.clone(),
                }
            };
            let resolved = Resolved {
                config: screen.borrow().config.clone(),
                problems: Vec::new(),
            };
            take_over(
                &stage,
                host.clone(),
                resolved,
                Some(seed.clone()),
                seed.locale,
            );
        })
    };
    screen.borrow_mut().leave = Some(leave);
    *stage.borrow_mut() = Stage::First(screen.clone());
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
    Started { stage }
}

/// Fetches the whole app and mounts it in place of the first screen (if any). Until it is in,
/// the first screen stays as it was; if it cannot be fetched, the admin is told, with Retry.
fn take_over(
    stage: &Rc<RefCell<Stage>>,
    host: HtmlElement,
    resolved: Resolved,
    seed: Option<Seed>,
    locale: Locale,
) {
    let stage = stage.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let loaded = later::preload_app().await.is_ok();
        let screen = match &*stage.borrow() {
            Stage::Gone | Stage::App(_) => return,
            Stage::First(s) => Some(s.clone()),
            Stage::Loading { .. } => None,
        };
        if !loaded {
            failed(&stage, host, resolved, seed, locale, screen);
            return;
        }
        // The focused control, to focus again once the app has drawn the same one.
        let focused = screen.as_ref().and_then(|_| focused_id());
        let queued = match std::mem::replace(
            &mut *stage.borrow_mut(),
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
                *stage.borrow_mut() = other;
                return;
            }
        };
        if let Some(s) = &screen {
            s.borrow_mut().end();
        }
        let stay = seed.as_ref().is_some_and(|s| s.intent == Intent::Stay);
        match later::app(host, resolved, seed).await {
            Ok(app) => {
                if let Some(tag) = queued.1 {
                    app.set_locale(&tag);
                }
                if let Some(token) = queued.0 {
                    app.set_token(&token);
                }
                *stage.borrow_mut() = Stage::App(app);
                if stay {
                    if let Some(id) = focused {
                        browser::focus(&format!("#{id}"));
                    }
                }
            }
            Err(_) => *stage.borrow_mut() = Stage::Gone,
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
    stage: &Rc<RefCell<Stage>>,
    host: HtmlElement,
    resolved: Resolved,
    seed: Option<Seed>,
    locale: Locale,
    screen: Option<Shared>,
) {
    let m = locale.first();
    let error = ApiError::Network("the app's code did not load".into());
    let retry = {
        let (stage, host) = (stage.clone(), host.clone());
        move || take_over(&stage, host.clone(), resolved.clone(), seed.clone(), locale)
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
            host.set_text_content(None);
            let _ = host.append_child(&region.el());
            // The element and its listener go together when the app mounts or the host unmounts.
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
        match std::mem::replace(&mut *self.stage.borrow_mut(), Stage::Gone) {
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
        match &mut *self.stage.borrow_mut() {
            Stage::First(s) => {
                screen::renew(s, token);
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
        let first = match &mut *self.stage.borrow_mut() {
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
