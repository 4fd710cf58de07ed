//! The app's page in the address, the way the configuration says: the query string on the
//! standalone page, a prefixed hash when embedded, or nowhere. The host page's path and query
//! are never rewritten when embedded.

use leptos::prelude::*;

use super::{browser, lifetime};
use crate::config::{Route, Routing};

#[derive(Clone)]
pub struct Router {
    routing: Routing,
    prefix: String,
}

impl Router {
    pub fn new(routing: Routing, prefix: String) -> Router {
        Router { routing, prefix }
    }

    pub fn routing(&self) -> Routing {
        self.routing
    }

    /// The route the address names now (the wizard when it names none of ours).
    pub fn read(&self) -> Route {
        match self.routing {
            Routing::Query => Route::from_query(&browser::query()),
            Routing::Hash => {
                Route::from_hash(&browser::hash(), &self.prefix).unwrap_or(Route::Wizard)
            }
            Routing::Memory => Route::Wizard,
        }
    }

    /// A link's `href` for `route`: real links open in a new tab where the address carries the
    /// route; in memory mode the link only works inside the app.
    pub fn href(&self, route: &Route) -> String {
        match self.routing {
            Routing::Query => route.to_query(&browser::query()),
            Routing::Hash => format!("{}{}", browser::query(), route.to_hash(&self.prefix)),
            Routing::Memory => "#".into(),
        }
    }

    /// An absolute address of `route` for copying, when the address can carry it.
    pub fn absolute(&self, route: &Route) -> Option<String> {
        let (origin, path) = browser::origin_and_path()?;
        match self.routing {
            Routing::Query => Some(format!(
                "{origin}{path}{}",
                route.to_query(&browser::query())
            )),
            Routing::Hash => Some(format!(
                "{origin}{path}{}{}",
                browser::query(),
                route.to_hash(&self.prefix)
            )),
            Routing::Memory => None,
        }
    }

    /// Records `route` as a new history entry (or nowhere in memory mode).
    pub fn push(&self, route: &Route) {
        match self.routing {
            Routing::Query => browser::push_query(&route.to_query(&browser::query())),
            Routing::Hash => browser::push_hash(&route.to_hash(&self.prefix)),
            Routing::Memory => {}
        }
    }

    /// Follows back/forward and hand-edited addresses while the app is mounted.
    pub fn follow(&self, route: RwSignal<Route>) {
        let me = self.clone();
        let update = move || {
            let next = me.read();
            if route.get_untracked() != next {
                route.set(next);
            }
        };
        match self.routing {
            Routing::Query => {
                lifetime::on_window(leptos::ev::popstate, move |_| update());
            }
            Routing::Hash => {
                let u = update.clone();
                lifetime::on_window(leptos::ev::popstate, move |_| u());
                lifetime::on_window(leptos::ev::hashchange, move |_| update());
            }
            Routing::Memory => {}
        }
    }
}

pub fn use_router() -> Router {
    use_context::<Router>().unwrap_or_else(|| Router::new(Routing::Memory, String::new()))
}
