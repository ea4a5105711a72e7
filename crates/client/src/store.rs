//! Runs core's synchronous storage functions over an [`AsyncStorage`].
//!
//! `cognito_core::storage` knows the key layout (amazon-cognito-identity-js / Amplify v6) and
//! works on a synchronous [`Storage`]. To use it unchanged over a store that answers later,
//! the keys it may read are copied into a [`MemoryStorage`] first ([`SESSION_KEY_NAMES`] of the
//! `LastAuthUser`), the function runs there, and what it wrote or removed is replayed on the
//! real store in the same order.

use std::cell::RefCell;

use cognito_core::storage::{
    clear_session, load_session, save_session, Keys, MemoryStorage, Storage, SESSION_KEY_NAMES,
};
use cognito_core::types::ClientId;
use cognito_core::{session::Session, Error};

use crate::platform::AsyncStorage;

enum Op {
    Set(String, String),
    Remove(String),
}

/// A [`MemoryStorage`] that records the writes made to it.
#[derive(Default)]
struct Journal {
    mem: MemoryStorage,
    ops: RefCell<Vec<Op>>,
}

impl Storage for Journal {
    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        self.mem.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        self.ops
            .borrow_mut()
            .push(Op::Set(key.to_owned(), value.to_owned()));
        self.mem.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), Error> {
        self.ops.borrow_mut().push(Op::Remove(key.to_owned()));
        self.mem.remove(key)
    }
}

impl Journal {
    /// A journal holding the current user's keys from `store`.
    async fn snapshot<S: AsyncStorage>(store: &S, client_id: &ClientId) -> Result<Self, Error> {
        let keys = Keys::new(client_id);
        let journal = Journal::default();
        let last = keys.last_auth_user();
        if let Some(user) = store.get_item(&last).await? {
            for name in SESSION_KEY_NAMES {
                let key = keys.user(&user, name);
                if let Some(v) = store.get_item(&key).await? {
                    journal.mem.set(&key, &v)?;
                }
            }
            journal.mem.set(&last, &user)?;
        }
        Ok(journal)
    }

    /// Applies the recorded writes to `store`, in order. A save stops at the first failure
    /// (core writes `LastAuthUser` last, so the previous user stays current); a clear attempts
    /// every removal.
    async fn replay<S: AsyncStorage>(self, store: &S, stop_at_error: bool) -> Result<(), Error> {
        let mut first = Ok(());
        for op in self.ops.into_inner() {
            let r = match &op {
                Op::Set(k, v) => store.set_item(k, v).await,
                Op::Remove(k) => store.remove_item(k).await,
            };
            if let (Err(e), true) = (r, first.is_ok()) {
                first = Err(e);
                if stop_at_error {
                    break;
                }
            }
        }
        first
    }
}

/// [`load_session`] over an async store. An unreadable stored session (corrupt tokens) reads
/// as nobody signed in, and is left where it is: a new sign-in overwrites it.
pub(crate) async fn load<S: AsyncStorage>(
    store: &S,
    client_id: &ClientId,
) -> Result<Option<Session>, Error> {
    let journal = Journal::snapshot(store, client_id).await?;
    match load_session(&journal, client_id) {
        Ok(s) => Ok(s),
        Err(Error::Parse { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// [`save_session`] over an async store.
pub(crate) async fn save<S: AsyncStorage>(
    store: &S,
    client_id: &ClientId,
    session: &Session,
) -> Result<(), Error> {
    let journal = Journal::default();
    save_session(&journal, client_id, session)?;
    journal.replay(store, true).await
}

/// [`clear_session`] over an async store.
pub(crate) async fn clear<S: AsyncStorage>(store: &S, client_id: &ClientId) -> Result<(), Error> {
    let journal = Journal::snapshot(store, client_id).await?;
    let result = clear_session(&journal, client_id);
    let replayed = journal.replay(store, false).await;
    result.and(replayed)
}
