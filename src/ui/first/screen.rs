//! Step 1 and the frame around it, drawn without Leptos: the worklist of departed members with
//! its filters, "load more", errors with Retry, the language switch and the demo banner. It
//! shows the same markup as the Leptos views (`ui::shell`, `ui::steps::member`), so the
//! stylesheet, the roles and the names are one. Leaving step 1 (Next with a member chosen, or a
//! link to another page) hands over to the whole app (`super::take_over`).
//!
//! State lives in one `Screen`; each part of the page is a region redrawn from it when what it
//! shows changes, so the filters the admin is typing in are never rebuilt under them.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::dom::{self, fill, listen, value_of, Listener, Node};
use super::Intent;
use crate::api::types::{AccountState, DepartedMember, DepartedQuery, Department, Session};
use crate::api::{ApiError, Backend};
use crate::config::{Config, Route, Routing};
use crate::domain::host_events::HostEvent;
use crate::domain::paging::{Admitted, PageGuard};
use crate::domain::wizard::{Blocker, Step};
use crate::i18n::errors::{blocker_text, error_text, reason_text, tech_label};
use crate::i18n::{First, Locale};
use crate::ui::host::Host;
use crate::ui::lifetime::Lifetime;
use crate::ui::router::Router;
use crate::ui::steps::member::worklist_query;
use crate::ui::{browser, format, SEARCH_DEBOUNCE_MS};

/// The badge's count of what awaits this admin's approval is asked again this often.
const AWAITING_EVERY_MS: i32 = 30_000;

/// The parts of the page that change after they are drawn.
struct Regions {
    nav: Element,
    /// Shown in `nav` while the admin may approve.
    approvals: Element,
    department: Element,
    session_error: Element,
    banner_status: Element,
    summary: Element,
    /// Leaving step 1 failed: the whole app's code did not load.
    leave_error: Element,
    repeats: Element,
    list_error: Element,
    fieldset: Element,
    list: Element,
    empty: Element,
    status: Element,
    more: Element,
}

pub struct Screen {
    host: HtmlElement,
    pub(super) config: Config,
    pub(super) backend: Backend,
    router: Router,
    events: Host,
    pub(super) locale: Locale,
    q: String,
    department: String,
    from: String,
    to: String,
    sort: String,
    departments: Vec<Department>,
    pub(super) items: Vec<DepartedMember>,
    /// How many of `items` have cards on the page (a first page redraws them all, "load more"
    /// adds its own), so a card is not redrawn under the admin's pointer.
    carded: usize,
    next: Option<String>,
    guard: PageGuard,
    repeats: usize,
    loading: bool,
    error: Option<ApiError>,
    generation: u32,
    pub(super) chosen: Option<String>,
    tried: bool,
    pub(super) session: Option<Result<Session, ApiError>>,
    awaiting: Option<usize>,
    demo_reset: bool,
    shown: bool,
    /// Set while the whole app is being fetched to take over.
    pub(super) leaving: bool,
    regions: Option<Regions>,
    /// Its requests: ending it drops them, which aborts them.
    life: Lifetime,
    /// Each region's listeners, dropped when it is drawn again (`Keep`).
    keeps: [Vec<Listener>; 6],
    window_listeners: Vec<(&'static str, Listener)>,
    search_timer: Option<(i32, Closure<dyn FnMut()>)>,
    composing: bool,
    awaiting_timer: Option<(i32, Closure<dyn FnMut()>)>,
    /// What leaving step 1 does, and choosing a member: set by `super`.
    pub(super) leave: Option<Rc<dyn Fn(Intent)>>,
    pub(super) chose: Option<Rc<dyn Fn()>>,
}

pub type Shared = Rc<RefCell<Screen>>;

/// Whose listeners: the whole drawing's, or one region's.
#[derive(Clone, Copy)]
enum Keep {
    Drawing,
    Cards,
    Session,
    Summary,
    List,
    Leave,
}

impl Screen {
    pub fn new(
        host: HtmlElement,
        config: Config,
        backend: Backend,
        locale: Locale,
        events: Host,
    ) -> Screen {
        let router = Router::new(config.routing, config.hash_prefix.clone());
        Screen {
            host,
            config,
            backend,
            router,
            events,
            locale,
            q: String::new(),
            department: String::new(),
            from: String::new(),
            to: String::new(),
            sort: "departed_at_desc".into(),
            departments: Vec::new(),
            items: Vec::new(),
            carded: 0,
            next: None,
            guard: PageGuard::default(),
            repeats: 0,
            loading: false,
            error: None,
            generation: 0,
            chosen: None,
            tried: false,
            session: None,
            awaiting: None,
            demo_reset: false,
            shown: false,
            leaving: false,
            regions: None,
            life: Lifetime::default(),
            keeps: Default::default(),
            window_listeners: Vec::new(),
            search_timer: None,
            composing: false,
            awaiting_timer: None,
            leave: None,
            chose: None,
        }
    }

    fn t(&self) -> &'static First {
        self.locale.first()
    }

    pub fn emit(&self, e: HostEvent) {
        self.events.emit(&e);
    }

    /// Stops what the screen runs (timers, listeners, answers still to come) and empties it.
    pub fn end(&mut self) {
        self.life.end();
        self.generation = self.generation.wrapping_add(1);
        if let Some(w) = web_sys::window() {
            if let Some((id, _)) = self.search_timer.take() {
                w.clear_timeout_with_handle(id);
            }
            if let Some((id, _)) = self.awaiting_timer.take() {
                w.clear_interval_with_handle(id);
            }
            for (event, l) in self.window_listeners.drain(..) {
                let _ = w.remove_event_listener_with_callback(event, l.as_ref().unchecked_ref());
            }
        }
        self.regions = None;
        self.host.set_text_content(None);
        // Dropped only now: nothing they listened on is on the page any more.
        self.keeps = Default::default();
    }

    /// Runs `task` until it finishes or the screen ends (a request it awaits is then aborted).
    fn spawn(&self, task: impl std::future::Future<Output = ()> + 'static) {
        let task = self.life.within(task);
        wasm_bindgen_futures::spawn_local(async move {
            task.await;
        });
    }

    fn keep(&mut self, region: Keep, listeners: Vec<Listener>) {
        self.keeps[region as usize] = listeners;
    }

    pub fn is_alive(&self) -> bool {
        self.life.is_alive()
    }

    pub fn chosen_member(&self) -> Option<DepartedMember> {
        let id = self.chosen.as_deref()?;
        self.items.iter().find(|m| m.id == id).cloned()
    }
}

/// Starts the screen: draws it, then asks for the session, the departments and the first page.
pub fn start(screen: &Shared) {
    draw(screen);
    watch_window(screen);
    load_session(screen.clone());
    load_departments(screen.clone());
    load(screen, false);
    let weak = Rc::downgrade(screen);
    let tick = Closure::<dyn FnMut()>::new(move || {
        if let Some(s) = weak.upgrade() {
            load_awaiting(s);
        }
    });
    if let Some(w) = web_sys::window() {
        if let Ok(id) = w.set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            AWAITING_EVERY_MS,
        ) {
            screen.borrow_mut().awaiting_timer = Some((id, tick));
        }
    }
}

/// Another tab saving a run: the whole app offers it (as it does at start-up); the address
/// naming another page: the whole app shows it.
fn watch_window(screen: &Shared) {
    let Some(w) = web_sys::window() else { return };
    let weak = Rc::downgrade(screen);
    let mut keep = Vec::new();
    listen(&w, "storage", &mut keep, move |e| {
        let Some(e) = e.dyn_ref::<web_sys::StorageEvent>() else {
            return;
        };
        let key = e.key().and_then(|k| browser::app_key(&k));
        if key.as_deref().is_some_and(crate::ui::run::is_saved_run_key) {
            leave(&weak, Intent::Stay);
        }
    });
    let mut events = vec!["storage"; keep.len()];
    // The address names another page (Back, Forward, an edited hash): that page is the app's.
    for event in ["hashchange", "popstate"] {
        let weak = Rc::downgrade(screen);
        listen(&w, event, &mut keep, move |_| {
            let route = weak.upgrade().map(|s| s.borrow().router.read());
            if let Some(route) = route.filter(|r| *r != Route::Wizard) {
                leave(&weak, Intent::Go(route));
            }
        });
        events.push(event);
    }
    screen
        .borrow_mut()
        .window_listeners
        .extend(events.into_iter().zip(keep));
}

fn leave(weak: &Weak<RefCell<Screen>>, intent: Intent) {
    let Some(s) = weak.upgrade() else { return };
    let go = s.borrow().leave.clone();
    if let Some(go) = go {
        go(intent);
    }
}

/// Draws the whole screen (at start and when the language changes).
pub fn draw(screen: &Shared) {
    let weak = Rc::downgrade(screen);
    let mut s = screen.borrow_mut();
    let m = s.t();
    let mut keep = Vec::new();

    let nav = Node::new("nav")
        .class("hoc-nav")
        .attr("aria-label", m.app_title)
        .child(nav_link(&s, Route::Wizard, m.nav_wizard, &weak, &mut keep))
        .child(nav_link(
            &s,
            Route::Records,
            m.nav_records,
            &weak,
            &mut keep,
        ));
    let approvals = nav_link(&s, Route::Approvals, m.nav_approvals, &weak, &mut keep);
    let languages = Locale::ALL.into_iter().map(|l| {
        Node::new("option")
            .attr("value", l.tag())
            .attr("lang", l.tag())
            .attr_if(l == s.locale, "selected", "")
            .text(l.native_name())
    });
    let w = weak.clone();
    let header = Node::new("header")
        .class("hoc-header")
        .child(Node::new("h1").class("hoc-title").text(m.app_title))
        .child(nav.el())
        .child(
            Node::new("div")
                .class("hoc-lang")
                .child(
                    Node::new("label")
                        .attr("for", "hoc-lang-select")
                        .text(m.language),
                )
                .child(
                    Node::new("select")
                        .attr("id", "hoc-lang-select")
                        .children(languages)
                        .on("change", &mut keep, move |e| {
                            if let Some(l) = Locale::from_tag(&value_of(&e)) {
                                set_locale(&w, l, true);
                            }
                        }),
                ),
        );

    let banner_status = Node::new("span").attr("role", "status");
    let banner = s.config.is_demo().then(|| {
        let w = weak.clone();
        Node::new("div")
            .class("hoc-demo-banner")
            .attr("role", "note")
            .child(Node::new("span").text(m.demo_banner))
            .child(
                Node::new("button")
                    .attr("type", "button")
                    .class("hoc-button")
                    .text(m.reset_demo)
                    .on("click", &mut keep, move |_| reset_demo(&w)),
            )
            .child(banner_status.el())
    });

    let session_error = Node::new("div");
    let stepper = Node::new("nav")
        .class("hoc-stepper")
        .attr("aria-label", m.steps_nav)
        .child(Node::new("ol").children(Step::ALL.into_iter().map(|step| {
            let first = step.index() == 0;
            Node::new("li")
                .class("hoc-stepper-item")
                .attr("data-state", if first { "current" } else { "todo" })
                .attr_if(first, "aria-current", "step")
                .child(
                    Node::new("span")
                        .class("hoc-stepper-num")
                        .attr("aria-hidden", "true")
                        .text(&(step.index() + 1).to_string()),
                )
                .child(
                    Node::new("span")
                        .class("hoc-stepper-label")
                        .text(m.step_title(step)),
                )
        })));

    let summary = Node::new("div")
        .attr("role", "alert")
        .class("hoc-alert-region");
    let leave_error = Node::new("div");
    let repeats = Node::new("div");
    let list_error = Node::new("div");
    let list = Node::new("ul").class("hoc-cards");
    let empty = Node::new("div");
    // Pointing at the list or tabbing into it starts the whole app's download: a member is
    // about to be chosen, and step 2 then opens ready sooner.
    let fieldset = Node::new("fieldset")
        .class("hoc-choices")
        .attr("id", "hoc-departed-field")
        .on("pointerenter", &mut keep, |_| super::prefetch())
        .on("focusin", &mut keep, |_| super::prefetch())
        .child(
            Node::new("legend")
                .class("hoc-visually-hidden")
                .text(m.departed_members_list),
        )
        .child(list.el())
        .child(empty.el());
    let status = Node::new("p").attr("role", "status").class("hoc-status");
    let more = Node::new("div");
    let (filters, department) = filters(&mut s, &weak, &mut keep);

    let w = weak.clone();
    let step = Node::new("section")
        .class("hoc-step")
        .attr("aria-labelledby", "hoc-step-heading")
        .child(
            Node::new("p")
                .class("hoc-step-position")
                .text(&(m.step_position)(1, Step::ALL.len())),
        )
        .child(
            Node::new("h2")
                .attr("id", "hoc-step-heading")
                .class("hoc-step-heading")
                .attr("tabindex", "-1")
                .text(m.step_title(Step::Member)),
        )
        .child(summary.el())
        .child(leave_error.el())
        .child(
            Node::new("p")
                .class("hoc-step-intro")
                .text(m.step_intro(Step::Member)),
        )
        .child(filters)
        .child(repeats.el())
        .child(list_error.el())
        .child(fieldset.el())
        .child(status.el())
        .child(more.el());
    let step_nav = Node::new("nav")
        .class("hoc-step-nav")
        .child(
            Node::new("button")
                .attr("type", "button")
                .class("hoc-button")
                .attr("disabled", "")
                .text(m.back),
        )
        .child(
            Node::new("div").class("hoc-next").child(
                Node::new("button")
                    .attr("type", "button")
                    .class("hoc-button hoc-button-primary")
                    .text(m.next)
                    .on("click", &mut keep, move |_| next(&w)),
            ),
        );

    let mut shell = Node::new("div").class("hoc-shell").child(header);
    if let Some(b) = banner {
        shell = shell.child(b);
    }
    let shell = shell.child(session_error.el()).child(stepper).child(
        Node::new("main")
            .class("hoc-main")
            .child(step)
            .child(step_nav),
    );
    let app = Node::new("div")
        .class("hoc-app")
        .attr("data-scheme", s.config.color_scheme.as_str())
        .attr("lang", s.locale.tag())
        .child(shell);
    s.host.set_text_content(None);
    let _ = s.host.append_child(&app.el());
    if !s.config.embedded {
        browser::set_document_language(s.locale.tag(), m.app_title);
    }
    // The previous drawing's listeners went with its elements.
    s.keep(Keep::Drawing, keep);
    s.carded = 0;
    s.regions = Some(Regions {
        nav: nav.el(),
        approvals: approvals.el(),
        department,
        session_error: session_error.el(),
        banner_status: banner_status.el(),
        summary: summary.el(),
        leave_error: leave_error.el(),
        repeats: repeats.el(),
        list_error: list_error.el(),
        fieldset: fieldset.el(),
        list: list.el(),
        empty: empty.el(),
        status: status.el(),
        more: more.el(),
    });
    drop(s);
    paint_departments(screen);
    paint_nav(screen);
    paint_session(screen);
    paint_banner(screen);
    paint_summary(screen);
    paint_list(screen);
}

/// The search box, the department, the two dates and the order.
fn filters(
    s: &mut Screen,
    weak: &Weak<RefCell<Screen>>,
    keep: &mut Vec<Listener>,
) -> (Node, Element) {
    let m = s.t();
    let field = |label: &str, control: Node| {
        Node::new("label")
            .class("hoc-field")
            .child(Node::new("span").text(label))
            .child(control)
    };
    let w = weak.clone();
    let (w1, w2) = (weak.clone(), weak.clone());
    let search = Node::new("input")
        .attr("type", "search")
        .on("compositionstart", keep, move |_| {
            if let Some(s) = w1.upgrade() {
                s.borrow_mut().composing = true;
            }
        })
        .on("compositionend", keep, move |e| {
            if let Some(s) = w2.upgrade() {
                s.borrow_mut().composing = false;
            }
            search_later(&w, value_of(&e));
        });
    let w = weak.clone();
    let search = search.on("input", keep, move |e| {
        let composing = w.upgrade().is_some_and(|s| s.borrow().composing);
        if !composing {
            search_later(&w, value_of(&e));
        }
    });
    set_value(&search.0, &s.q);
    let filter = |weak: &Weak<RefCell<Screen>>, set: fn(&mut Screen, String)| {
        let w = weak.clone();
        move |e: web_sys::Event| {
            let Some(s) = w.upgrade() else { return };
            set(&mut s.borrow_mut(), value_of(&e));
            load(&s, false);
        }
    };
    // Its options: `paint_departments`.
    let department = Node::new("select").on("change", keep, filter(weak, |s, v| s.department = v));
    let from =
        Node::new("input")
            .attr("type", "date")
            .on("change", keep, filter(weak, |s, v| s.from = v));
    set_value(&from.0, &s.from);
    let to =
        Node::new("input")
            .attr("type", "date")
            .on("change", keep, filter(weak, |s, v| s.to = v));
    set_value(&to.0, &s.to);
    let orders = [
        ("departed_at_desc", m.sort_recent),
        ("departed_at_asc", m.sort_oldest),
        ("pending_desc", m.sort_pending),
    ];
    let sort = Node::new("select")
        .children(orders.into_iter().map(|(v, label)| {
            Node::new("option")
                .attr("value", v)
                .attr_if(v == s.sort, "selected", "")
                .text(label)
        }))
        .on("change", keep, filter(weak, |s, v| s.sort = v));
    let select = department.el();
    let filters = Node::new("div")
        .class("hoc-filters")
        .child(field(m.search, search))
        .child(field(m.department, department))
        .child(field(m.departed_from, from))
        .child(field(m.departed_to, to))
        .child(field(m.sort, sort));
    (filters, select)
}

fn set_value(el: &Element, value: &str) {
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        i.set_value(value);
    }
}

/// A server search once typing pauses (one word, one request); the same text twice is one.
fn search_later(weak: &Weak<RefCell<Screen>>, text: String) {
    let Some(s) = weak.upgrade() else { return };
    let Some(w) = web_sys::window() else { return };
    if let Some((id, _)) = s.borrow_mut().search_timer.take() {
        w.clear_timeout_with_handle(id);
    }
    if text == s.borrow().q {
        return;
    }
    let weak = weak.clone();
    let fire = Closure::<dyn FnMut()>::new(move || {
        let Some(s) = weak.upgrade() else { return };
        s.borrow_mut().q = text.clone();
        load(&s, false);
    });
    if let Ok(id) = w.set_timeout_with_callback_and_timeout_and_arguments_0(
        fire.as_ref().unchecked_ref(),
        SEARCH_DEBOUNCE_MS as i32,
    ) {
        s.borrow_mut().search_timer = Some((id, fire));
    }
}

fn set_locale(weak: &Weak<RefCell<Screen>>, locale: Locale, from_switch: bool) {
    let Some(s) = weak.upgrade() else { return };
    s.borrow_mut().locale = locale;
    crate::ui::remember_locale(locale, s.borrow().config.routing == Routing::Query);
    draw(&s);
    if from_switch {
        browser::focus("#hoc-lang-select");
    }
}

/// `setLocale` from the host page.
pub fn switch_language(screen: &Shared, locale: Locale) {
    set_locale(&Rc::downgrade(screen), locale, false);
}

fn reset_demo(weak: &Weak<RefCell<Screen>>) {
    let Some(s) = weak.upgrade() else { return };
    if let Backend::Demo(d) = &s.borrow().backend {
        d.reset();
    }
    s.borrow_mut().demo_reset = true;
    paint_banner(&s);
    load(&s, false);
    load_awaiting(s);
}

fn next(weak: &Weak<RefCell<Screen>>) {
    let Some(s) = weak.upgrade() else { return };
    browser::mark("step-start");
    if s.borrow().chosen_member().is_some() {
        leave(weak, Intent::Next);
        return;
    }
    s.borrow_mut().tried = true;
    paint_summary(&s);
}

fn choose(weak: &Weak<RefCell<Screen>>, id: String) {
    let Some(s) = weak.upgrade() else { return };
    browser::mark("member-chosen");
    s.borrow_mut().chosen = Some(id);
    paint_summary(&s);
    // The whole app starts now, off the page, so that the next step opens ready.
    let chose = s.borrow().chose.clone();
    if let Some(chose) = chose {
        chose();
    }
}

/// Loads the first page (`more == false`) or the next one; an answer to a superseded load is
/// dropped, and an error keeps what was loaded so far.
fn load(screen: &Shared, more: bool) {
    let (b, query, generation) = {
        let mut s = screen.borrow_mut();
        let cursor = if more { s.next.clone() } else { None };
        if more && cursor.is_none() {
            return;
        }
        s.generation = s.generation.wrapping_add(1);
        s.loading = true;
        s.error = None;
        let query = DepartedQuery {
            cursor,
            ..worklist_query(&s.q, &s.department, &s.from, &s.to, &s.sort)
        };
        (s.backend.clone(), query, s.generation)
    };
    paint_list(screen);
    let weak = Rc::downgrade(screen);
    screen.borrow().spawn(async move {
        let result = b.departed_members(&query).await;
        let Some(screen) = weak.upgrade() else { return };
        {
            let mut s = screen.borrow_mut();
            if s.generation != generation || !s.is_alive() {
                return;
            }
            s.loading = false;
            match result {
                Ok(page) => {
                    if !more {
                        s.guard = PageGuard::default();
                    }
                    let Admitted { fresh, next } = s.guard.admit(page);
                    if more {
                        s.items.extend(fresh);
                    } else {
                        s.items = fresh;
                        s.carded = 0;
                    }
                    s.repeats = s.guard.progress().repeats;
                    match next {
                        Ok(n) => s.next = n,
                        Err(e) => {
                            s.next = None;
                            s.error = Some(e);
                        }
                    }
                }
                Err(ApiError::Aborted) => {}
                Err(e) => s.error = Some(e),
            }
        }
        paint_list(&screen);
        let first = !std::mem::replace(&mut screen.borrow_mut().shown, true);
        if first {
            browser::mark("content-visible");
        }
    });
}

fn load_departments(screen: Shared) {
    let b = screen.borrow().backend.clone();
    let weak = Rc::downgrade(&screen);
    screen.borrow().spawn(async move {
        let departments = b.departments().await.unwrap_or_default();
        let Some(s) = weak.upgrade() else { return };
        if !s.borrow().is_alive() {
            return;
        }
        s.borrow_mut().departments = departments;
        paint_departments(&s);
    });
}

/// The session, as the whole app loads it (`state::load_session`, tried again with backoff
/// while the failure is transient): it decides whether the approvals link shows.
fn load_session(screen: Shared) {
    let (b, life) = {
        let s = screen.borrow();
        (s.backend.clone(), s.life.clone())
    };
    let weak = Rc::downgrade(&screen);
    screen.borrow().spawn(async move {
        let result = crate::ui::state::load_session(b, life).await;
        let Some(s) = weak.upgrade() else { return };
        if !s.borrow().is_alive() {
            return;
        }
        if let Err(e) = &result {
            if crate::ui::events::unauthenticated(e) {
                let login_url = s.borrow().config.login_url.clone();
                s.borrow().emit(HostEvent::Unauthenticated { login_url });
            }
        }
        s.borrow_mut().session = Some(result);
        paint_session(&s);
        paint_nav(&s);
        load_awaiting(s);
    });
}

fn load_awaiting(screen: Shared) {
    let session = screen
        .borrow()
        .session
        .as_ref()
        .and_then(|r| r.as_ref().ok())
        .cloned();
    let Some(session) = session else { return };
    let b = screen.borrow().backend.clone();
    let weak = Rc::downgrade(&screen);
    screen.borrow().spawn(async move {
        let count = crate::ui::records::awaiting(b, session)
            .await
            .ok()
            .map(|l| l.len());
        let Some(s) = weak.upgrade() else { return };
        if !s.borrow().is_alive() {
            return;
        }
        s.borrow_mut().awaiting = count;
        paint_nav(&s);
    });
}

/// A link to one of the app's pages: its own page is the whole app's (`Intent::Go`), which
/// starts downloading when the link is pointed at or focused.
fn nav_link(
    s: &Screen,
    route: Route,
    label: &str,
    weak: &Weak<RefCell<Screen>>,
    keep: &mut Vec<Listener>,
) -> Node {
    let here = route == Route::Wizard;
    let w = weak.clone();
    Node::new("a")
        .class("hoc-nav-link")
        .attr("href", &s.router.href(&route))
        .attr_if(here, "aria-current", "page")
        .text(label)
        .on("pointerenter", keep, |_| super::prefetch())
        .on("focus", keep, |_| super::prefetch())
        .on("click", keep, move |e| {
            e.prevent_default();
            if route != Route::Wizard {
                leave(&w, Intent::Go(route.clone()));
            }
        })
}

/// The approvals link, there while this admin may approve, with the count of what awaits
/// them (updated in place, as the whole app does).
fn paint_nav(screen: &Shared) {
    let s = screen.borrow();
    let Some((nav, link)) = s
        .regions
        .as_ref()
        .map(|r| (r.nav.clone(), r.approvals.clone()))
    else {
        return;
    };
    let m = s.t();
    let may_approve = matches!(&s.session, Some(Ok(x)) if x.permissions.may_approve);
    if !may_approve {
        link.remove();
        return;
    }
    match s.awaiting.filter(|n| *n > 0) {
        Some(n) => {
            let _ = link.set_attribute(
                "aria-label",
                &format!("{}{}", m.nav_approvals, (m.approvals_n)(n)),
            );
            dom::fill(
                &link,
                [Node::new("span")
                    .class("hoc-nav-count")
                    .attr("aria-hidden", "true")
                    .text(&format::number(s.locale, n as u32))],
            );
            let _ = link.insert_adjacent_text("afterbegin", m.nav_approvals);
        }
        None => {
            let _ = link.remove_attribute("aria-label");
            link.set_text_content(Some(m.nav_approvals));
        }
    }
    if link.parent_node().is_none() {
        let _ = nav.append_child(&link);
    }
}

fn paint_session(screen: &Shared) {
    let weak = Rc::downgrade(screen);
    let mut s = screen.borrow_mut();
    let Some(region) = s.regions.as_ref().map(|r| r.session_error.clone()) else {
        return;
    };
    let error = match &s.session {
        Some(Err(e)) if *e != ApiError::Aborted => Some(e.clone()),
        _ => None,
    };
    let mut keep = Vec::new();
    notice(&mut s, &region, error.as_ref(), &mut keep, move || {
        if let Some(s) = weak.upgrade() {
            s.borrow_mut().session = None;
            paint_session(&s);
            load_session(s);
        }
    });
    s.keep(Keep::Session, keep);
}

/// An error in the admin's language with its technical details folded away, and Retry.
fn notice(
    s: &mut Screen,
    region: &Element,
    error: Option<&ApiError>,
    keep: &mut Vec<Listener>,
    retry: impl Fn() + 'static,
) {
    let m = s.t();
    // The alert region stays in the page (as the whole app's does), so screen readers announce
    // what appears in it; its sentence and the Retry after it change.
    let alert = match region.first_element_child() {
        Some(alert) => alert,
        None => {
            let alert = Node::new("div")
                .attr("role", "alert")
                .class("hoc-alert-region")
                .el();
            let _ = region.append_child(&alert);
            alert
        }
    };
    while let Some(after) = alert.next_element_sibling() {
        after.remove();
    }
    let Some(e) = error else {
        alert.set_text_content(None);
        return;
    };
    let facts = e.technical();
    let mut said = vec![Node::new("p").class("hoc-error").text(&error_text(m, e))];
    if !facts.is_empty() {
        said.push(
            Node::new("details")
                .class("hoc-tech")
                .child(Node::new("summary").text(m.technical_details))
                .child(Node::new("dl").children(facts.into_iter().map(|(f, v)| {
                    Node::new("div")
                        .child(Node::new("dt").text(tech_label(m, f)))
                        .child(Node::new("dd").child(Node::new("code").text(&v)))
                }))),
        );
    }
    fill(&alert, said);
    let button = Node::new("button")
        .attr("type", "button")
        .class("hoc-button")
        .text(m.retry)
        .on("click", keep, move |_| retry());
    let _ = region.append_child(&button.el());
}

fn paint_banner(screen: &Shared) {
    let s = screen.borrow();
    if let Some(r) = &s.regions {
        let said = s.demo_reset.then_some(s.t().demo_was_reset);
        r.banner_status.set_text_content(said);
    }
}

fn paint_departments(screen: &Shared) {
    let s = screen.borrow();
    let Some(select) = s.regions.as_ref().map(|r| r.department.clone()) else {
        return;
    };
    let m = s.t();
    let options = std::iter::once(
        Node::new("option")
            .attr("value", "")
            .text(m.all_departments),
    )
    .chain(s.departments.iter().map(|d| {
        Node::new("option")
            .attr("value", &d.id)
            .attr_if(d.id == s.department, "selected", "")
            .text(&d.name)
    }));
    fill(&select, options);
}

/// What stops Next, at the top of the step; its link takes the admin to the list.
fn paint_summary(screen: &Shared) {
    let s = screen.borrow();
    let Some(region) = s.regions.as_ref().map(|r| r.summary.clone()) else {
        return;
    };
    if !s.tried || s.chosen.is_some() {
        region.set_text_content(None);
        return;
    }
    let m = s.t();
    let mut keep = Vec::new();
    let link = Node::new("a")
        .attr("href", "#hoc-departed-field")
        .text(blocker_text(m, Blocker::NoMember))
        .on("click", &mut keep, |e| {
            e.prevent_default();
            browser::focus("input[name=hoc-departed]:not([disabled])");
        });
    fill(
        &region,
        [Node::new("div")
            .class("hoc-error-summary")
            .child(
                Node::new("h3")
                    .class("hoc-error-summary-title")
                    .text(m.error_summary_title),
            )
            .child(Node::new("ul").child(Node::new("li").child(link)))],
    );
    drop(s);
    screen.borrow_mut().keep(Keep::Summary, keep);
}

/// The list, its empty message, status, error and "load more".
fn paint_list(screen: &Shared) {
    let weak = Rc::downgrade(screen);
    let mut s = screen.borrow_mut();
    let Some(r) = &s.regions else { return };
    let (list, empty, status, more, error_region, repeats, fieldset) = (
        r.list.clone(),
        r.empty.clone(),
        r.status.clone(),
        r.more.clone(),
        r.list_error.clone(),
        r.repeats.clone(),
        r.fieldset.clone(),
    );
    let m = s.t();
    let mut keep = Vec::new();
    if s.carded == 0 {
        list.set_text_content(None);
        s.keep(Keep::Cards, Vec::new());
    }
    let mut cards = Vec::new();
    for member in &s.items[s.carded.min(s.items.len())..] {
        let _ = list.append_child(&card(&s, member, &weak, &mut cards).el());
    }
    s.carded = s.items.len();
    s.keeps[Keep::Cards as usize].extend(cards);
    let _ = fieldset.set_attribute("aria-busy", if s.loading { "true" } else { "false" });
    let nothing = !s.loading && s.error.is_none() && s.items.is_empty();
    fill(
        &empty,
        nothing.then(|| Node::new("p").class("hoc-empty").text(m.no_departed)),
    );
    status.set_text_content(s.loading.then_some(m.loading));
    fill(
        &repeats,
        (s.repeats > 0).then(|| {
            Node::new("p")
                .class("hoc-notice")
                .attr("role", "status")
                .text(&(m.repeated_entries)(s.repeats))
        }),
    );
    let w = weak.clone();
    let load_more = (s.next.is_some() && !s.loading).then(|| {
        Node::new("button")
            .attr("type", "button")
            .class("hoc-button")
            .text(m.load_more)
            .on("click", &mut keep, move |_| {
                if let Some(s) = w.upgrade() {
                    load(&s, true);
                }
            })
    });
    fill(&more, load_more);
    let error = s.error.clone();
    notice(
        &mut s,
        &error_region,
        error.as_ref(),
        &mut keep,
        move || {
            if let Some(s) = weak.upgrade() {
                load(&s, false);
            }
        },
    );
    s.keep(Keep::List, keep);
}

fn card(
    s: &Screen,
    member: &DepartedMember,
    weak: &Weak<RefCell<Screen>>,
    keep: &mut Vec<Listener>,
) -> Node {
    let m = s.t();
    let name_id = format!("hoc-dm-{}", member.id);
    let info_id = format!("hoc-dm-{}-info", member.id);
    let radio_id = format!("{name_id}-radio");
    let w = weak.clone();
    let id = member.id.clone();
    let radio = Node::new("input")
        .attr("type", "radio")
        .attr("name", "hoc-departed")
        .attr("id", &radio_id)
        .attr("aria-labelledby", &name_id)
        .attr("aria-describedby", &info_id)
        .attr_if(!member.eligible, "disabled", "")
        .on("change", keep, move |_| choose(&w, id.clone()));
    if let Some(input) = radio.0.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_checked(s.chosen.as_deref() == Some(member.id.as_str()));
    }
    let mut info = Node::new("span")
        .class("hoc-card-info")
        .attr("id", &info_id)
        .child(Node::new("span").text(&format!("{} · {}", member.department.name, member.position)))
        .child(Node::new("span").text(&format!(
            "{} {}",
            m.departed_on,
            format::date(s.locale, &member.departed_at)
        )))
        .child(Node::new("span").text(&format!(
            "{} {}",
            m.pending_customers,
            format::number(s.locale, member.pending_customers)
        )))
        .child(Node::new("span").text(&format!(
            "{} {}",
            m.pending_groups,
            format::number(s.locale, member.pending_groups)
        )));
    if member.account_state == AccountState::Active {
        info = info.child(
            Node::new("span")
                .class("hoc-warn")
                .text(m.account_active_warning),
        );
    }
    if let Some(reason) = &member.reason {
        info = info.child(
            Node::new("span")
                .class("hoc-reason")
                .text(reason_text(m, reason)),
        );
    }
    Node::new("li")
        .class("hoc-card")
        .attr(
            "data-disabled",
            if member.eligible { "false" } else { "true" },
        )
        .child(radio)
        .child(
            Node::new("label")
                .attr("for", &radio_id)
                .class("hoc-card-body")
                .child(
                    Node::new("span")
                        .class("hoc-card-title")
                        .attr("id", &name_id)
                        .text(&member.name),
                )
                .child(info),
        )
}

/// Leaving step 1 failed (the whole app's code did not load): said where the step's alerts
/// are, with Retry; everything chosen stays.
pub fn cannot_leave(screen: &Shared, error: ApiError, retry: impl Fn() + 'static) {
    let mut s = screen.borrow_mut();
    s.leaving = false;
    let Some(region) = s.regions.as_ref().map(|r| r.leave_error.clone()) else {
        return;
    };
    let mut keep = Vec::new();
    let clear = region.clone();
    notice(&mut s, &region, Some(&error), &mut keep, move || {
        clear.set_text_content(None);
        retry();
    });
    s.keep(Keep::Leave, keep);
}

/// A new token from the host: later requests carry it, and what failed is asked again.
pub fn renew(screen: &Shared, token: &str) {
    crate::ui::host::set_token(Some(token.to_string()));
    let (retry_session, retry_list) = {
        let s = screen.borrow();
        crate::ui::state::renew_client(&s.config, &s.backend);
        (matches!(s.session, Some(Err(_))), s.error.is_some())
    };
    if retry_session {
        screen.borrow_mut().session = None;
        paint_session(screen);
        load_session(screen.clone());
    }
    load_departments(screen.clone());
    if retry_list {
        load(screen, false);
    }
}
