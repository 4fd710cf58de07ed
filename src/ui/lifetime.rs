//! What a mounted app owns outside the reactive graph: its async tasks and its window
//! listeners. Unmounting ends them all, so a host page that unmounts the app is left with no
//! listener, timer, request or worker of it (a task still awaiting a request is dropped, which
//! aborts the request).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;

#[derive(Default)]
struct Inner {
    ended: Cell<bool>,
    /// Tasks waiting to be told they are cancelled.
    wakers: RefCell<Vec<Waker>>,
}

/// One mount's lifetime.
#[derive(Clone, Default)]
pub struct Lifetime(Rc<Inner>);

impl Lifetime {
    pub fn is_alive(&self) -> bool {
        !self.0.ended.get()
    }

    /// Ends every task of this mount; later polls finish them without running their body.
    pub fn end(&self) {
        self.0.ended.set(true);
        for w in self.0.wakers.take() {
            w.wake();
        }
    }

    /// Runs `task` until it finishes or the mount ends.
    pub fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        if !self.is_alive() {
            return;
        }
        let scoped = self.within(task);
        leptos::task::spawn_local(async move {
            scoped.await;
        });
    }

    /// `task` while the mount lives; `None` once it has ended (the task is dropped then, which
    /// aborts its request). For a resource's future, which the reactive graph does not drop
    /// when the app is unmounted.
    pub fn within<T>(&self, task: impl Future<Output = T>) -> impl Future<Output = Option<T>> {
        Scoped {
            life: self.clone(),
            task: Box::pin(task),
        }
    }
}

struct Scoped<F> {
    life: Lifetime,
    task: Pin<Box<F>>,
}

impl<F: Future> Future for Scoped<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if !self.life.is_alive() {
            return Poll::Ready(None);
        }
        match self.task.as_mut().poll(cx) {
            Poll::Ready(out) => Poll::Ready(Some(out)),
            Poll::Pending => {
                let mut wakers = self.life.0.wakers.borrow_mut();
                // One waker per pending task is enough; stale ones only cost a wake-up.
                if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                    wakers.push(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }
}

/// The current mount's lifetime (from context); a detached one when there is none (component
/// tests), which lives for ever.
pub fn current() -> Lifetime {
    use_context::<StoredValue<Lifetime, LocalStorage>>()
        .and_then(|l| l.try_get_value())
        .unwrap_or_default()
}

/// A window listener removed when the current owner is cleaned up (the app unmounted).
pub fn on_window<E: leptos::ev::EventDescriptor + 'static>(
    event: E,
    f: impl Fn(E::EventType) + 'static,
) where
    E::EventType: wasm_bindgen::JsCast,
{
    let handle = window_event_listener(event, f);
    on_cleanup(move || handle.remove());
}

/// Polls `task` once now and answers what is left of it, if anything: its first step (a
/// request it sends, a lock it asks for) happens in the caller's task instead of a later one.
/// The executor that then runs the rest polls it with a real waker.
pub fn start_now<F: Future>(task: F) -> Option<Pin<Box<F>>> {
    let mut task = Box::pin(task);
    task.as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending()
        .then_some(task)
}
