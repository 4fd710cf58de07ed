//! What the views share: the backend seam, the session, the wizard, and the loaded lists of the
//! customers step (kept while the departed member stays the same).

use std::rc::Rc;

use leptos::prelude::*;

use super::browser;
use super::lifetime::{self, Lifetime};
use super::lists::Load;
use super::router::Router;
use super::run::{self, Run};
use crate::api::demo::DemoBackend;
use crate::api::http::HttpClient;
use crate::api::types::{Handover, Session};
use crate::api::{ApiError, Backend};
use crate::config::{Auth, Config, Mode, Route};
use crate::domain::paging::Progress;
use crate::domain::retry::{Decision, RetryPolicy};
use crate::domain::wizard::Wizard;

const WIZARD_KEY: &str = "handover-console.wizard";
/// How long after a change the draft is saved (changes within it are saved together).
const SAVE_AFTER_MS: u64 = 40;
/// Demo latency: enough to feel like a network, short enough not to annoy.
const DEMO_LATENCY_MS: u32 = 40;

/// How the customers step's lists are loading; what is chosen lives in the wizard's draft.
#[derive(Clone, Copy)]
pub struct Picks {
    /// Whose lists are loading (or were last loaded).
    pub member: RwSignal<Option<String>>,
    pub state: RwSignal<Load>,
    /// Customers loaded so far, of how many (if the backend says).
    pub progress: RwSignal<Progress>,
    /// Entries the backend sent twice (each is kept once).
    pub repeats: RwSignal<usize>,
    pub error: RwSignal<Option<ApiError>>,
    pub cancel: RwSignal<bool>,
    pub generation: RwSignal<u32>,
}

#[derive(Clone, Copy)]
pub struct Ctx {
    backend: StoredValue<Backend, LocalStorage>,
    pub session: LocalResource<Result<Session, ApiError>>,
    pub wizard: RwSignal<Wizard>,
    pub picks: Picks,
    /// The handover "Confirm handover" created.
    pub created: RwSignal<Option<Handover>>,
    /// Counts the tokens the host handed over (`setToken`): what failed loads again.
    pub renewed: RwSignal<u32>,
    pub run: Run,
    /// Which page the URL shows.
    pub route: RwSignal<Route>,
    /// The mount's tasks end with it.
    life: StoredValue<Lifetime, LocalStorage>,
    router: StoredValue<Router, LocalStorage>,
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// The session, tried again with backoff while the failure is transient: without it the app
/// knows neither the admin's permissions nor the backend's limits. What is left of the failure
/// reaches the shell's notice, with a retry.
pub(crate) async fn load_session(b: Backend, life: Lifetime) -> Result<Session, ApiError> {
    let policy = RetryPolicy {
        base_ms: 500,
        max_ms: 4_000,
        max_attempts: 4,
    };
    let mut attempts = 0;
    loop {
        attempts += 1;
        // Unmounted: no more requests.
        if !life.is_alive() {
            return Err(ApiError::Aborted);
        }
        match b.session().await {
            Err(e) => match policy.decide(&e, attempts, js_sys::Math::random()) {
                Decision::Retry { after_ms } => {
                    browser::sleep(u32::try_from(after_ms).unwrap_or(u32::MAX)).await
                }
                _ => return Err(e),
            },
            ok => return ok,
        }
    }
}

/// A new client-generated handover id.
pub fn new_handover_id() -> String {
    let rand = (js_sys::Math::random() * 1e12) as u64;
    format!("ho-{:x}-{rand:x}", js_sys::Date::now() as u64)
}

/// The backend a configuration names: the demo store or the HTTP client.
pub fn backend_for(config: &Config) -> Backend {
    match &config.mode {
        Mode::Demo => Backend::Demo(Rc::new(DemoBackend::load(
            &config.demo_admin,
            DEMO_LATENCY_MS,
        ))),
        Mode::Http { base_url } => Backend::Http(Rc::new(HttpClient::from_config(
            base_url.clone(),
            config,
            config.auth.clone(),
        ))),
    }
}

/// Swaps the HTTP client for one with the host's newest token (or the page's `<meta>` one).
pub fn renew_client(config: &Config, backend: &Backend) {
    let Mode::Http { base_url } = &config.mode else {
        return;
    };
    let from_meta = || {
        matches!(config.auth, Auth::Bearer(_))
            .then(|| browser::meta_content("handover-console:token"))
            .flatten()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    };
    let Some(token) = super::host::token().or_else(from_meta) else {
        return;
    };
    backend.renew(HttpClient::from_config(
        base_url.clone(),
        config,
        Auth::Bearer(token),
    ));
}

/// This tab keeps a wizard draft: the page opens where it was.
pub fn draft_saved() -> bool {
    browser::session_get(WIZARD_KEY).is_some()
}

impl Ctx {
    /// `handed`: the backend the first screen used, and the session it loaded (or failed to),
    /// so that the app neither asks again nor forgets that it failed.
    pub fn new(
        config: &Config,
        router: &Router,
        handed: Option<(Backend, Option<Result<Session, ApiError>>)>,
    ) -> Ctx {
        let (backend, known) = match handed {
            Some((b, s)) => (b, s),
            None => (backend_for(config), None),
        };
        let backend = StoredValue::new_local(backend);
        // Taken by the first load; a refetch (Retry) asks the backend.
        let known = StoredValue::new_local(known);
        let life = lifetime::current();
        let session = LocalResource::new(move || {
            let known = known.try_update_value(Option::take).flatten();
            let (b, life) = (backend.get_value(), life.clone());
            async move {
                match known {
                    Some(s) => s,
                    None => load_session(b, life).await,
                }
            }
        });
        let saved =
            browser::session_get(WIZARD_KEY).and_then(|j| serde_json::from_str::<Wizard>(&j).ok());
        let wizard = RwSignal::new(saved.unwrap_or_else(|| Wizard::new(new_handover_id())));
        // Saving the draft writes every chosen id (20,000 for a big member): once per burst of
        // changes, a little after the change has shown (a click or a select-all does not wait
        // for it), and at once when the page goes.
        let save = move || {
            wizard.try_with_untracked(|w| {
                if let Ok(json) = serde_json::to_string(w) {
                    browser::session_set(WIZARD_KEY, &json);
                }
            });
        };
        let queued = StoredValue::new(false);
        Effect::new(move |_| {
            wizard.track();
            if queued.try_get_value() == Some(false) {
                queued.try_set_value(true);
                set_timeout(
                    move || {
                        queued.try_set_value(false);
                        save();
                    },
                    std::time::Duration::from_millis(SAVE_AFTER_MS),
                );
            }
        });
        lifetime::on_window(leptos::ev::pagehide, move |_| save());
        on_cleanup(save);
        Ctx {
            backend,
            session,
            wizard,
            picks: Picks {
                member: RwSignal::new(None),
                state: RwSignal::new(Load::Idle),
                progress: RwSignal::new(Progress::default()),
                repeats: RwSignal::new(0),
                error: RwSignal::new(None),
                cancel: RwSignal::new(false),
                generation: RwSignal::new(0),
            },
            created: RwSignal::new(None),
            renewed: RwSignal::new(0),
            run: Run::new(config.in_flight),
            route: RwSignal::new(router.read()),
            life: StoredValue::new_local(lifetime::current()),
            router: StoredValue::new_local(router.clone()),
        }
    }

    /// How pages map to addresses (for links).
    pub fn router(&self) -> Router {
        self.router
            .try_get_value()
            .unwrap_or_else(|| Router::new(crate::config::Routing::Memory, String::new()))
    }

    pub fn backend(&self) -> Backend {
        self.backend.get_value()
    }

    /// Forgets the draft and begins a new handover.
    pub fn start_over(&self) {
        run::forget();
        self.run.ledger.set(None);
        self.run.paused.set(false);
        self.created.set(None);
        self.picks.generation.update(|g| *g = g.wrapping_add(1));
        self.picks.state.set(Load::Idle);
        self.picks.member.set(None);
        self.wizard.set(Wizard::new(new_handover_id()));
    }

    /// Shows another page, as a new history entry where the routing keeps one.
    pub fn navigate(&self, route: Route) {
        if let Some(router) = self.router.try_get_value() {
            router.push(&route);
        }
        self.route.set(route);
    }

    /// Runs `task` until it finishes or the app is unmounted (then it is dropped, and any
    /// request it awaits is aborted).
    pub fn spawn(&self, task: impl std::future::Future<Output = ()> + 'static) {
        if let Some(life) = self.life.try_get_value() {
            life.spawn(task);
        }
    }

    /// Runs `retry` each time the host hands over a new token after a 401, so a list that failed
    /// for want of a session loads again without the admin pressing Retry.
    pub fn on_token_renewed(&self, retry: impl Fn() + 'static) {
        let renewed = self.renewed;
        Effect::watch(move || renewed.get(), move |_, _, _| retry(), false);
    }

    /// Demo only: back to the seeded data.
    pub fn reset_demo(&self) {
        if let Backend::Demo(d) = self.backend() {
            d.reset();
        }
        self.start_over();
        self.session.refetch();
    }
}
