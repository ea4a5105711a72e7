//! The SRP ephemeral computed ahead of the sign-in, and the sign-in's SRP work split into tasks
//! (`Config::srp_precompute`, `Scheduler`), against the real `cognito-local` in process.
//!
//! A scheduler that queues idle work until the test runs it, and whose yields really give the
//! executor a turn, shows when the ephemeral is computed, which one each sign-in sends, and
//! how often the sign-in yields.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use cognito_client::{Client, Config, MemoryCoordinator, Platform, Random, Scheduler};
use cognito_core::signout::SignOutOptions;
use cognito_core::storage::MemoryStorage;
use cognito_core::types::Password;
use cognito_core::wire::{HttpRequest, HttpResponse, Transport};
use cognito_core::Error;
use common::*;

/// Idle work waits in a queue for [`Queue::run_idle`]; every yield is counted and returns
/// `Pending` once, as a real event loop would.
#[derive(Default)]
struct Queue {
    idle: RefCell<Vec<Box<dyn FnOnce()>>>,
    yields: Cell<usize>,
    /// What happened, in order: `yield`, `draw` (random bytes), `send` (a request).
    log: Log,
}

type Log = Rc<RefCell<Vec<&'static str>>>;

impl Queue {
    fn queued(&self) -> usize {
        self.idle.borrow().len()
    }

    fn run_idle(&self) {
        let work = std::mem::take(&mut *self.idle.borrow_mut());
        for w in work {
            w();
        }
    }
}

struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl Scheduler for Queue {
    fn yield_now(&self) -> Pin<Box<dyn Future<Output = ()>>> {
        self.yields.set(self.yields.get() + 1);
        self.log.borrow_mut().push("yield");
        Box::pin(YieldOnce(false))
    }

    fn idle(&self, work: Box<dyn FnOnce()>) {
        self.idle.borrow_mut().push(work);
    }
}

/// The OS's CSPRNG, remembering what it handed out.
#[derive(Default)]
struct Recorded(RefCell<Vec<Vec<u8>>>, Log);

impl Random for Recorded {
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error> {
        OsRandom.fill(dest)?;
        self.0.borrow_mut().push(dest.to_vec());
        self.1.borrow_mut().push("draw");
        Ok(())
    }
}

impl Recorded {
    fn draws(&self) -> usize {
        self.0.borrow().len()
    }

    /// `A = g^a` for the `i`-th draw.
    fn a_pub(&self, i: usize) -> String {
        cognito_srp::ClientEphemeral::from_bytes(&self.0.borrow()[i])
            .unwrap()
            .a_pub_hex()
    }
}

/// The in-process server, keeping the `SRP_A` of every `InitiateAuth`.
#[derive(Clone)]
struct SrpA {
    inner: InProcess,
    sent: Rc<RefCell<Vec<String>>>,
    log: Log,
}

impl Transport for SrpA {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, Error> {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        if let Some(a) = body["AuthParameters"]["SRP_A"].as_str() {
            self.sent.borrow_mut().push(a.to_owned());
        }
        self.log.borrow_mut().push("send");
        self.inner.send(req).await
    }
}

struct Setup {
    client: Client<SrpA, Rc<MemoryStorage>, MemoryCoordinator>,
    storage: Rc<MemoryStorage>,
    queue: Rc<Queue>,
    random: Rc<Recorded>,
    sent: Rc<RefCell<Vec<String>>>,
}

fn setup(local: &Rc<Local>, precompute: bool) -> Setup {
    let log: Log = Rc::default();
    let queue = Rc::new(Queue {
        log: log.clone(),
        ..Queue::default()
    });
    let random = Rc::new(Recorded(RefCell::default(), log.clone()));
    let sent: Rc<RefCell<Vec<String>>> = Rc::default();
    let storage = Rc::new(MemoryStorage::new());
    let transport = SrpA {
        inner: InProcess(local.clone()),
        sent: sent.clone(),
        log,
    };
    let platform = Platform::new(
        transport,
        storage.clone(),
        Rc::new(ServerClock(local.clone())),
        random.clone(),
    )
    .with_scheduler(queue.clone());
    let config: Config = spa_config().with_srp_precompute(precompute);
    Setup {
        client: Client::new(config, platform),
        storage,
        queue,
        random,
        sent,
    }
}

#[tokio::test]
async fn the_precomputed_ephemeral_is_used_once_then_replaced_when_idle() {
    let local = Local::new();
    seed_user(&local, "pam", "pam@example.com").await;
    let s = setup(&local, true);

    // Building the client asks for one ephemeral when idle, and nothing runs before that.
    assert_eq!((s.queue.queued(), s.random.draws()), (1, 0));
    s.queue.run_idle();
    assert_eq!(s.random.draws(), 1);
    assert_eq!(s.random.0.borrow()[0].len(), 32, "the default length");
    assert!(s.storage.is_empty(), "the ephemeral is never stored");

    // A failed sign-in uses it up: it sent that A, drew nothing, and yielded after the storage
    // check, before g^x and before each half of S.
    let wrong = s
        .client
        .sign_in(cognito_client::SignInInput::new(
            "pam",
            Password::new("Wrong-passw0rd"),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        wrong.service_code().map(|c| c.as_str()),
        Some("NotAuthorizedException")
    );
    assert_eq!(*s.sent.borrow(), [s.random.a_pub(0)]);
    assert_eq!(s.random.draws(), 1);
    assert_eq!(s.queue.yields.get(), 1 + 3);
    assert_eq!(s.queue.queued(), 1, "the next one is asked for");

    // Before the idle work runs, the next sign-in has none ready: it draws and computes its
    // own, after one more yield, and never reuses the spent one.
    let out = s.client.sign_in(with_password("pam")).await.unwrap();
    assert!(out.is_signed_in);
    assert_eq!(s.random.draws(), 2);
    assert_eq!(s.sent.borrow()[1], s.random.a_pub(1));
    assert_ne!(s.sent.borrow()[1], s.sent.borrow()[0]);
    assert_eq!(s.queue.yields.get(), 4 + 6);
    assert_eq!(s.queue.queued(), 1, "still one request, not two");

    // The idle work makes a fresh one, which the next sign-in sends.
    s.client.sign_out(SignOutOptions::default()).await.unwrap();
    s.queue.run_idle();
    assert_eq!(s.random.draws(), 3);
    s.client.sign_in(with_password("pam")).await.unwrap();
    assert_eq!(s.sent.borrow()[2], s.random.a_pub(2));
    assert_eq!(s.random.draws(), 3);
    let sent = s.sent.borrow();
    assert!(sent[2] != sent[0] && sent[2] != sent[1], "{sent:?}");
}

#[tokio::test]
async fn without_precompute_nothing_is_scheduled_and_the_sign_in_yields_six_times() {
    let local = Local::new();
    seed_user(&local, "pam", "pam@example.com").await;
    let s = setup(&local, false);
    assert_eq!((s.queue.queued(), s.random.draws()), (0, 0));
    let out = s.client.sign_in(with_password("pam")).await.unwrap();
    assert!(out.is_signed_in);
    // After the storage check, before and after A, before g^x and the two halves of S.
    assert_eq!(s.queue.yields.get(), 6);
    assert_eq!(s.queue.queued(), 0);
    assert_eq!(*s.sent.borrow(), [s.random.a_pub(0)]);
    // `A = g^a` is computed between the yields around it: a task with nothing else in it, not
    // the task that builds and sends InitiateAuth (on a cold page both compile code as they
    // first run, and at 4x CPU throttling the two together were a task over 50 ms).
    assert_eq!(
        *s.queue.log.borrow(),
        ["yield", "draw", "yield", "yield", "send", "yield", "yield", "yield", "send"],
        "storage check | a drawn | A | InitiateAuth | g^x | S, first half | S, second half and the answer"
    );
}

#[tokio::test]
async fn overlapping_sign_ins_never_share_an_ephemeral() {
    let local = Local::new();
    seed_user(&local, "pam", "pam@example.com").await;
    seed_user(&local, "quinn", "quinn@example.com").await;
    let s = setup(&local, true);
    s.queue.run_idle();
    // The two run interleaved (every yield gives the other a turn); however they end, each
    // sent its own A: the first the precomputed one, the second one it drew.
    let (first, second) = tokio::join!(
        s.client.sign_in(with_password("pam")),
        s.client.sign_in(with_password("quinn")),
    );
    assert!(first.is_ok(), "{first:?}");
    let _ = second;
    let sent = s.sent.borrow();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0], s.random.a_pub(0));
    assert_eq!(sent[1], s.random.a_pub(1));
    assert_ne!(sent[0], sent[1]);
}

#[tokio::test]
async fn the_password_flow_leaves_the_ephemeral_for_the_next_srp_sign_in() {
    let local = Local::new();
    seed_user(&local, "pam", "pam@example.com").await;
    let s = setup(&local, true);
    s.queue.run_idle();
    let input = with_password("pam").with_options(
        cognito_core::signin::SignInOptions::default()
            .with_flow(cognito_core::signin::SignInFlow::UserPasswordAuth),
    );
    assert!(s.client.sign_in(input).await.unwrap().is_signed_in);
    assert!(s.sent.borrow().is_empty());
    s.client.sign_out(SignOutOptions::default()).await.unwrap();
    s.client.sign_in(with_password("pam")).await.unwrap();
    assert_eq!(*s.sent.borrow(), [s.random.a_pub(0)]);
    assert_eq!(s.random.draws(), 1);
}
