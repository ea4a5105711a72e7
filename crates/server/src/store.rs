//! Persistence: a small typed key-value store on SQLite. Every change runs in a transaction on
//! the one writer connection (behind a mutex), so concurrent requests never lose a write; with
//! a data directory, reads that change nothing run on a small pool of read-only connections
//! (WAL lets them proceed while the writer works), so a slow write never blocks a cheap read.

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use serde::{de::DeserializeOwned, Serialize};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A storage failure (reported to clients as InternalErrorException).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored value no longer deserialises.
    #[error("stored json: {0}")]
    Json(#[from] serde_json::Error),
    /// Creating the data directory failed.
    #[error("data dir: {0}")]
    Io(#[from] std::io::Error),
}

/// How long dev-outbox messages are kept (24 hours).
pub const OUTBOX_KEEP_SECS: i64 = 24 * 3600;

/// Read-only connections opened beside the writer for a file-backed store.
pub const READERS: usize = 4;

/// The database.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    /// Read-only connections (file-backed stores only; empty in memory, where reads use the
    /// writer).
    readers: Vec<Mutex<Connection>>,
    next_reader: std::sync::atomic::AtomicUsize,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS kv (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    value TEXT NOT NULL
);
";

impl Store {
    /// Opens (creating if needed) `<dir>/cognito-local.sqlite3`, or an in-memory database.
    ///
    /// # Errors
    /// The directory cannot be created or SQLite cannot open the file.
    pub fn open(dir: Option<&Path>) -> Result<Self, StoreError> {
        let (conn, path) = match dir {
            Some(d) => {
                std::fs::create_dir_all(d)?;
                let path = d.join("cognito-local.sqlite3");
                let c = Connection::open(&path)?;
                c.pragma_update(None, "journal_mode", "WAL")?;
                c.pragma_update(None, "synchronous", "NORMAL")?;
                (c, Some(path))
            }
            None => (Connection::open_in_memory()?, None),
        };
        c_busy(&conn)?;
        conn.execute_batch(SCHEMA)?;
        let mut readers = Vec::new();
        if let Some(path) = path {
            for _ in 0..READERS {
                let r = Connection::open_with_flags(
                    &path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                c_busy(&r)?;
                readers.push(Mutex::new(r));
            }
        }
        Ok(Self {
            conn: Mutex::new(conn),
            readers,
            next_reader: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// Runs `f`, which only reads, in one read transaction (a consistent snapshot) on a
    /// read-only connection: a free one if any, else the next in turn. In memory, on the
    /// writer ([`Store::tx`]). Anything `f` tries to write fails.
    ///
    /// # Errors
    /// Whatever `f` returns, or a storage error converted with `From`.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        if self.readers.is_empty() {
            return self.tx(f);
        }
        let n = self.readers.len();
        let start = self
            .next_reader
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let free = (0..n).find_map(|i| self.readers[(start + i) % n].try_lock().ok());
        let mut guard = match free {
            Some(g) => g,
            None => self.readers[start % n]
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        };
        let t = guard.transaction().map_err(|e| E::from(e.into()))?;
        let tx = Tx(t);
        // Dropped without commit: a read transaction has nothing to keep.
        let out = f(&tx);
        drop(tx);
        out
    }

    /// The connection. A panic in another request poisons the mutex, but its transaction was
    /// rolled back when the `Transaction` dropped during unwinding, so the connection is
    /// consistent: take it anyway rather than failing every later request.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` in one transaction; commits if it returns `Ok`, rolls back otherwise. A refusal
    /// that must leave a trace (a counted wrong guess) is returned as `Ok(Err(e))`.
    ///
    /// # Errors
    /// Whatever `f` returns, or a storage error converted with `From`.
    pub fn tx<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut guard = self.lock();
        let t = guard.transaction().map_err(|e| E::from(e.into()))?;
        let tx = Tx(t);
        let out = f(&tx)?;
        tx.0.commit().map_err(|e| E::from(e.into()))?;
        Ok(out)
    }
}

fn c_busy(c: &Connection) -> Result<(), StoreError> {
    c.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

/// An open transaction.
#[derive(Debug)]
pub struct Tx<'a>(Transaction<'a>);

impl Tx<'_> {
    /// Reads one value.
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn get<T: DeserializeOwned>(&self, kind: &str, key: &str) -> Result<Option<T>, StoreError> {
        let v: Option<String> = self
            .0
            .query_row(
                "SELECT value FROM kv WHERE kind = ?1 AND key = ?2",
                params![kind, key],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match v {
            Some(s) => Some(serde_json::from_str(&s)?),
            None => None,
        })
    }

    /// Writes (inserts or replaces) one value.
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn put<T: Serialize>(&self, kind: &str, key: &str, value: &T) -> Result<(), StoreError> {
        let s = serde_json::to_string(value)?;
        self.0.execute(
            "INSERT INTO kv (kind, key, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value",
            params![kind, key, s],
        )?;
        Ok(())
    }

    /// Inserts only if absent; returns whether it was inserted.
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn insert_new<T: Serialize>(
        &self,
        kind: &str,
        key: &str,
        value: &T,
    ) -> Result<bool, StoreError> {
        let s = serde_json::to_string(value)?;
        let n = self.0.execute(
            "INSERT OR IGNORE INTO kv (kind, key, value) VALUES (?1, ?2, ?3)",
            params![kind, key, s],
        )?;
        Ok(n == 1)
    }

    /// Deletes one value; returns whether it existed.
    ///
    /// # Errors
    /// SQLite failure.
    pub fn delete(&self, kind: &str, key: &str) -> Result<bool, StoreError> {
        let n = self.0.execute(
            "DELETE FROM kv WHERE kind = ?1 AND key = ?2",
            params![kind, key],
        )?;
        Ok(n == 1)
    }

    /// All values of a kind whose key starts with `prefix`, ordered by key.
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn list<T: DeserializeOwned>(
        &self,
        kind: &str,
        prefix: &str,
    ) -> Result<Vec<(String, T)>, StoreError> {
        let mut st = self
            .0
            .prepare("SELECT key, value FROM kv WHERE kind = ?1 AND substr(key, 1, length(?2)) = ?2 ORDER BY key")?;
        let rows = st.query_map(params![kind, prefix], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (k, v) = row?;
            out.push((k, serde_json::from_str(&v)?));
        }
        Ok(out)
    }

    /// Deletes records whose `expires` (JSON field) is before `now` (for refresh-token families:
    /// also `access_expires`), refresh tokens whose family is gone, and outbox messages older
    /// than [`OUTBOX_KEEP_SECS`].
    ///
    /// # Errors
    /// SQLite failure.
    pub fn purge_expired(&self, now: i64) -> Result<usize, StoreError> {
        let mut n = self.0.execute(
            "DELETE FROM kv WHERE kind IN ('srp', 'session', 'code', 'authcode', 'uisession', 'spent', 'deliveries', 'mfafailures')
             AND json_extract(value, '$.expires') < ?1",
            params![now],
        )?;
        // A family outlives its refresh token while an access token minted from it is valid.
        n += self.0.execute(
            "DELETE FROM kv WHERE kind = 'family'
             AND max(json_extract(value, '$.expires'),
                     coalesce(json_extract(value, '$.access_expires'), 0)) < ?1",
            params![now],
        )?;
        n += self.0.execute(
            "DELETE FROM outbox WHERE json_extract(value, '$.createdAt') < ?1",
            params![now - OUTBOX_KEEP_SECS],
        )?;
        n += self.0.execute(
            "DELETE FROM kv WHERE kind = 'refresh'
             AND NOT EXISTS (SELECT 1 FROM kv f WHERE f.kind = 'family' AND f.key = json_extract(kv.value, '$'))",
            [],
        )?;
        Ok(n)
    }

    /// Deletes what a user's sign-ins left behind: hosted-UI sessions and authorization codes
    /// (records whose `pool` and `username` are this user's exact stored spelling), and with
    /// `everything` also challenge sessions, SRP states and one-time codes (keyed under
    /// `user_key`). Called when the user is disabled (hosted-UI records only) or deleted
    /// (everything), so that nothing outlives them or passes to a re-created name.
    ///
    /// # Errors
    /// SQLite failure.
    pub fn delete_user_records(
        &self,
        pool_id: &str,
        username: &str,
        user_key: &str,
        everything: bool,
    ) -> Result<usize, StoreError> {
        let kinds = if everything {
            "('uisession', 'authcode', 'session', 'srp')"
        } else {
            "('uisession', 'authcode')"
        };
        let mut n = self.0.execute(
            &format!(
                "DELETE FROM kv WHERE kind IN {kinds}
                 AND json_extract(value, '$.pool') = ?1 AND json_extract(value, '$.username') = ?2"
            ),
            params![pool_id, username],
        )?;
        if everything {
            n += self.0.execute(
                "DELETE FROM kv WHERE kind = 'code' AND substr(key, 1, length(?1)) = ?1",
                params![format!("{user_key}|")],
            )?;
        }
        Ok(n)
    }

    /// Appends a message to the dev outbox.
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn outbox_push<T: Serialize>(&self, username: &str, value: &T) -> Result<(), StoreError> {
        let s = serde_json::to_string(value)?;
        self.0.execute(
            "INSERT INTO outbox (username, value) VALUES (?1, ?2)",
            params![username, s],
        )?;
        Ok(())
    }

    /// The dev outbox, oldest first, optionally for one username (case-insensitive, as
    /// usernames are).
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn outbox(&self, username: Option<&str>) -> Result<Vec<serde_json::Value>, StoreError> {
        let wanted = username.map(str::to_lowercase);
        let mut st = self
            .0
            .prepare("SELECT username, value FROM outbox ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (u, v) = row?;
            if wanted.as_ref().is_none_or(|w| *w == u.to_lowercase()) {
                out.push(serde_json::from_str(&v)?);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn put_get_list_delete() {
        let s = Store::open(None).expect("open");
        s.tx(|t| {
            t.put("u", "p|a", &1)?;
            t.put("u", "p|b", &2)?;
            t.put("u", "q|c", &3)?;
            assert_eq!(t.get::<i32>("u", "p|a")?, Some(1));
            assert!(!t.insert_new("u", "p|a", &9)?);
            let l: Vec<(String, i32)> = t.list("u", "p|")?;
            assert_eq!(l.len(), 2);
            assert!(t.delete("u", "p|a")?);
            assert_eq!(t.get::<i32>("u", "p|a")?, None);
            Ok::<_, StoreError>(())
        })
        .expect("tx");
    }
}
