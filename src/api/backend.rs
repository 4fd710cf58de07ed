//! The seam: every contract operation, answered by the HTTP client or the demo store.

use std::cell::RefCell;
use std::rc::Rc;

use super::demo::DemoBackend;
use super::http::HttpClient;
use super::types::*;
use super::ApiError;

#[derive(Clone)]
pub enum Backend {
    Http(Rc<HttpClient>),
    Demo(Rc<DemoBackend>),
}

type R<T> = Result<T, ApiError>;

thread_local! {
    /// The client with the token the host page handed over after a session expired (see
    /// `Backend::renew`); every later HTTP call goes through it. The page has one backend, and
    /// the client's token is fixed at construction, so the seam swaps the whole client.
    static RENEWED: RefCell<Option<Rc<HttpClient>>> = const { RefCell::new(None) };
}

/// The client to use: the renewed one, if the session was renewed.
fn http(c: &Rc<HttpClient>) -> Rc<HttpClient> {
    RENEWED
        .with_borrow(|r| r.clone())
        .unwrap_or_else(|| c.clone())
}

/// For lists a newer request replaces (typing in a search box): the old one is aborted.
const LATEST_DEPARTED: &str = "departed-members";
const LATEST_MEMBERS: &str = "members";
const LATEST_RECORDS: &str = "handovers";

impl Backend {
    pub fn is_demo(&self) -> bool {
        matches!(self, Backend::Demo(_))
    }

    /// A new mount starts with the client its configuration makes.
    pub fn forget_renewal() {
        RENEWED.set(None);
    }

    /// After a session expired and the host page has a new token: later requests carry it.
    pub fn renew(&self, client: HttpClient) {
        if let Backend::Http(_) = self {
            RENEWED.set(Some(Rc::new(client)));
        }
    }

    pub async fn session(&self) -> R<Session> {
        match self {
            Backend::Http(c) => http(c).get("/session", &(), None).await,
            Backend::Demo(d) => d.read(|s, a, _| s.session(a)).await,
        }
    }

    pub async fn verify(&self, req: &VerificationRequest) -> R<VerificationToken> {
        match self {
            Backend::Http(c) => http(c).post("/session/verification", req).await,
            Backend::Demo(d) => d.write(|s, a, now| s.verify(a, req, now)).await,
        }
    }

    pub async fn departments(&self) -> R<Vec<Department>> {
        match self {
            Backend::Http(c) => http(c).get("/departments", &(), None).await,
            Backend::Demo(d) => d.read(|s, a, _| s.departments(a)).await,
        }
    }

    pub async fn departed_members(&self, q: &DepartedQuery) -> R<Page<DepartedMember>> {
        match self {
            Backend::Http(c) => {
                http(c)
                    .get("/departed-members", q, Some(LATEST_DEPARTED))
                    .await
            }
            Backend::Demo(d) => d.read(|s, a, now| s.departed_members(a, q, now)).await,
        }
    }

    pub async fn customers(&self, departed: &str, q: &PageQuery) -> R<Page<Customer>> {
        match self {
            Backend::Http(c) => {
                let path = format!("/departed-members/{}/customers", seg(departed));
                let rows = q.limit.unwrap_or(0) as usize;
                http(c).get_page(&path, q, rows).await
            }
            Backend::Demo(d) => d.read(|s, a, now| s.customers(a, departed, q, now)).await,
        }
    }

    pub async fn groups(&self, departed: &str, q: &PageQuery) -> R<Page<Group>> {
        match self {
            Backend::Http(c) => {
                let path = format!("/departed-members/{}/groups", seg(departed));
                let rows = q.limit.unwrap_or(0) as usize;
                http(c).get_page(&path, q, rows).await
            }
            Backend::Demo(d) => d.read(|s, a, now| s.groups(a, departed, q, now)).await,
        }
    }

    pub async fn members(&self, q: &MembersQuery) -> R<Page<Member>> {
        match self {
            Backend::Http(c) => http(c).get("/members", q, Some(LATEST_MEMBERS)).await,
            Backend::Demo(d) => d.read(|s, a, _| s.members(a, q)).await,
        }
    }

    pub async fn create_handover(&self, req: &NewHandover) -> R<Handover> {
        match self {
            Backend::Http(c) => http(c).post("/handovers", req).await,
            Backend::Demo(d) => {
                d.write(|s, a, now| s.create_handover(a, req, now).map(|(h, _)| h))
                    .await
            }
        }
    }

    /// `on_head`: the answer's status once its head is in, before its body is read (HTTP only;
    /// the demo answers whole).
    pub async fn submit_batch(
        &self,
        id: &str,
        b: &NewBatch,
        on_head: Option<&dyn Fn(u16)>,
    ) -> R<BatchResult> {
        match self {
            Backend::Http(c) => {
                http(c)
                    .post_heard(&format!("/handovers/{}/batches", seg(id)), b, on_head)
                    .await
            }
            Backend::Demo(d) => d.batch(|s, a, now| s.submit_batch(a, id, b, now)).await,
        }
    }

    pub async fn handovers(&self, q: &HandoversQuery) -> R<Page<Handover>> {
        match self {
            Backend::Http(c) => http(c).get("/handovers", q, Some(LATEST_RECORDS)).await,
            Backend::Demo(d) => d.read(|s, a, now| s.handovers(a, q, now)).await,
        }
    }

    /// `handovers`, decoding only what the navigation's approvals count needs. Not superseded
    /// by (and not superseding) the records page's own listing.
    pub async fn handover_heads(&self, q: &HandoversQuery) -> R<Page<HandoverHead>> {
        match self {
            Backend::Http(c) => http(c).get("/handovers", q, None).await,
            Backend::Demo(d) => {
                d.read(|s, a, now| {
                    let p = s.handovers(a, q, now)?;
                    Ok(Page {
                        items: p.items.iter().map(HandoverHead::of).collect(),
                        next_cursor: p.next_cursor,
                        total: p.total,
                    })
                })
                .await
            }
        }
    }

    pub async fn handover(&self, id: &str) -> R<Handover> {
        match self {
            Backend::Http(c) => {
                http(c)
                    .get(&format!("/handovers/{}", seg(id)), &(), None)
                    .await
            }
            Backend::Demo(d) => d.read(|s, a, now| s.handover(a, id, now)).await,
        }
    }

    pub async fn items(&self, id: &str, q: &ItemsQuery) -> R<Page<HandoverItem>> {
        match self {
            Backend::Http(c) => {
                http(c)
                    .get(&format!("/handovers/{}/items", seg(id)), q, None)
                    .await
            }
            Backend::Demo(d) => d.read(|s, a, now| s.items(a, id, q, now)).await,
        }
    }

    pub async fn events(&self, id: &str, q: &PageQuery) -> R<Page<HandoverEvent>> {
        match self {
            Backend::Http(c) => {
                http(c)
                    .get(&format!("/handovers/{}/events", seg(id)), q, None)
                    .await
            }
            Backend::Demo(d) => d.read(|s, a, now| s.events(a, id, q, now)).await,
        }
    }

    pub async fn approve(&self, id: &str) -> R<Handover> {
        match self {
            Backend::Http(c) => {
                let path = format!("/handovers/{}/approve", seg(id));
                // The contract's approve has no body.
                http(c).post(&path, &()).await
            }
            Backend::Demo(d) => d.write(|s, a, now| s.approve(a, id, now)).await,
        }
    }

    /// The creator takes back a handover nothing of which was sent (contract 1.2).
    pub async fn withdraw(&self, id: &str) -> R<Handover> {
        match self {
            Backend::Http(c) => {
                let path = format!("/handovers/{}/withdraw", seg(id));
                // No body, like approve.
                http(c).post(&path, &()).await
            }
            Backend::Demo(d) => d.write(|s, a, now| s.withdraw(a, id, now)).await,
        }
    }

    pub async fn reject(&self, id: &str, req: &RejectRequest) -> R<Handover> {
        match self {
            Backend::Http(c) => {
                http(c)
                    .post(&format!("/handovers/{}/reject", seg(id)), req)
                    .await
            }
            Backend::Demo(d) => d.write(|s, a, now| s.reject(a, id, req, now)).await,
        }
    }
}

/// A path segment from an opaque id.
fn seg(id: &str) -> String {
    crate::config::encode_component(id)
}
