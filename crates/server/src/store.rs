//! Persistence on SQLite: one table per kind of record, each with the keys and indexes its
//! look-ups need (users by `(pool, username)` and by `(pool, sub)`, aliases by value, every
//! user-owned record by `(pool, username)`, expiring records by `expires`), so no request
//! scans a table.
//!
//! Every change runs in a transaction on the one writer connection (behind a mutex), so
//! concurrent requests never lose a write, and a committed write survives `kill -9` (WAL;
//! SQLite's `synchronous = NORMAL` only risks the last transactions on power loss, not on a
//! process crash). Reads that change nothing run on a small pool of read-only connections
//! beside it, so a slow request never blocks a cheap one: with a data directory the file is in
//! WAL mode, where readers see the last commit while the writer works. In memory
//! (`--in-memory`) it is the same, on a file of this [`Store`]'s own in RAM (see [`TempDb`] for
//! why not an in-memory SQLite database).
//!
//! A record's payload is its JSON in a `value` column; the columns beside it are what is looked
//! up, joined or constrained, derived from the record when it is written.
//!
//! # Layout versions
//! The layout is [`SCHEMA_VERSION`] in `PRAGMA user_version`. A data directory written by the
//! key-value layout of earlier versions (one `kv` table, `user_version` 0) is migrated in one
//! transaction when it is opened; a file with a newer version is refused with a message
//! ([`StoreError::Layout`]).

use rusqlite::{
    params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::state::User;

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
    /// The database file has a layout this version cannot use.
    #[error("{0}")]
    Layout(String),
}

/// How long dev-outbox messages are kept (24 hours).
pub const OUTBOX_KEEP_SECS: i64 = 24 * 3600;

/// Read-only connections opened beside the writer.
pub const READERS: usize = 4;

/// The table layout written by this version (`PRAGMA user_version`). 0 with a `kv` table is the
/// key-value layout of earlier versions, migrated on open.
pub const SCHEMA_VERSION: i64 = 2;

/// The database file inside a data directory.
pub const DB_FILE: &str = "cognito-local.sqlite3";

/// A kind of user- or token-owned record kept in its own table (see [`Tx::get`]). Users,
/// aliases, refresh tokens, signing keys and the outbox have tables and methods of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// SRP state between `InitiateAuth` and the `PASSWORD_VERIFIER` answer (by SECRET_BLOCK hash).
    Srp,
    /// A challenge session (by session-token hash).
    Session,
    /// A confirmation, reset or verification code (by `pool|username|purpose`).
    Code,
    /// An OAuth authorization code (by code hash).
    AuthCode,
    /// A hosted-UI sign-in session (by cookie hash).
    UiSession,
    /// A refresh token rotated out, within its grace period (by token hash).
    Spent,
    /// Code deliveries to a user in the throttle window (by `pool|username`).
    Deliveries,
    /// Wrong MFA codes of a user in the throttle window (by `pool|username`).
    MfaFailures,
    /// A refresh-token family: one sign-in and its refreshes (by `pool|username|origin_jti`).
    Family,
}

impl Kind {
    const ALL: [Self; 9] = [
        Self::Srp,
        Self::Session,
        Self::Code,
        Self::AuthCode,
        Self::UiSession,
        Self::Spent,
        Self::Deliveries,
        Self::MfaFailures,
        Self::Family,
    ];

    /// The table.
    fn table(self) -> &'static str {
        match self {
            Self::Srp => "srp_states",
            Self::Session => "challenge_sessions",
            Self::Code => "codes",
            Self::AuthCode => "auth_codes",
            Self::UiSession => "ui_sessions",
            Self::Spent => "spent_refresh_tokens",
            Self::Deliveries => "code_deliveries",
            Self::MfaFailures => "mfa_failures",
            Self::Family => "refresh_families",
        }
    }

    /// The `kind` column of the key-value layout.
    fn old_name(self) -> &'static str {
        match self {
            Self::Srp => "srp",
            Self::Session => "session",
            Self::Code => "code",
            Self::AuthCode => "authcode",
            Self::UiSession => "uisession",
            Self::Spent => "spent",
            Self::Deliveries => "deliveries",
            Self::MfaFailures => "mfafailures",
            Self::Family => "family",
        }
    }

    /// The owning user (`pool`, lowercased username) of a record: its `pool` and `username`
    /// fields, or for records that do not carry them, the key (`pool|username[|purpose]`).
    fn owner(self, key: &str, value: &Value) -> Option<(String, String)> {
        let field = |f: &str| value.get(f).and_then(Value::as_str);
        if let (Some(p), Some(u)) = (field("pool"), field("username")) {
            return Some((p.to_string(), u.to_lowercase()));
        }
        let rest = match self {
            // The purpose after the last `|` never contains one; a username may.
            Self::Code => key.rsplit_once('|')?.0,
            Self::Deliveries | Self::MfaFailures => key,
            _ => return None,
        };
        let (pool, user) = rest.split_once('|')?;
        Some((pool.to_string(), user.to_string()))
    }

    /// When the record may be purged: its `expires`; a family is kept while an access token
    /// minted from it is valid (`access_expires`).
    fn expires(self, value: &Value) -> Option<i64> {
        let e = value.get("expires").and_then(Value::as_i64);
        if self == Self::Family {
            let a = value.get("access_expires").and_then(Value::as_i64);
            return e.max(a);
        }
        e
    }
}

/// The database.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    /// Read-only connections to the same database.
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// The files of an in-memory store; declared last, so removed after the connections close.
    _temp: Option<TempDb>,
}

/// The database of an in-memory store (`--in-memory`): a file of its own in RAM (`/dev/shm`
/// where there is one, else the temp directory), removed when the store drops.
///
/// Why not an in-memory SQLite database: a private one (`:memory:`) has one connection, so
/// every read waits for every write; a shared-cache one (`cache=shared`) locks whole tables,
/// failing readers with `SQLITE_LOCKED` while a write transaction is open; a `memdb` one with
/// several connections refuses new readers for as long as a write transaction is open. Only
/// WAL lets readers work beside the writer, and WAL needs a file: in RAM, this is still memory.
#[derive(Debug)]
struct TempDb {
    path: std::path::PathBuf,
}

/// File-name prefix of in-memory stores: `cognito-local-mem-<pid>-<uuid>.sqlite3`.
const TEMP_PREFIX: &str = "cognito-local-mem-";

impl TempDb {
    fn create() -> Result<Self, StoreError> {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        remove_stale(&dir);
        let path = dir.join(format!(
            "{TEMP_PREFIX}{}-{}.sqlite3",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        Ok(Self { path })
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Removes the files of in-memory stores whose process is gone (killed before it could remove
/// them), where `/proc` tells.
fn remove_stale(dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|n| n.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn record_table(t: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {t} (
            key TEXT PRIMARY KEY NOT NULL,
            pool TEXT,
            username_key TEXT,
            expires INTEGER,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS {t}_owner ON {t} (pool, username_key) WHERE pool IS NOT NULL;
        CREATE INDEX IF NOT EXISTS {t}_expires ON {t} (expires) WHERE expires IS NOT NULL;"
    )
}

fn schema() -> String {
    let mut s = String::from(
        "
CREATE TABLE IF NOT EXISTS users (
    pool TEXT NOT NULL,
    username_key TEXT NOT NULL,
    username TEXT NOT NULL,
    sub TEXT NOT NULL,
    status TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (pool, username_key),
    UNIQUE (pool, sub)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aliases (
    pool TEXT NOT NULL,
    attribute TEXT NOT NULL,
    value_key TEXT NOT NULL,
    username_key TEXT NOT NULL,
    PRIMARY KEY (pool, attribute, value_key),
    FOREIGN KEY (pool, username_key) REFERENCES users (pool, username_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS aliases_user ON aliases (pool, username_key);
CREATE TABLE IF NOT EXISTS signing_keys (
    name TEXT PRIMARY KEY NOT NULL,
    der_hex TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_user ON outbox (username_key, id);
CREATE INDEX IF NOT EXISTS outbox_created ON outbox (created_at);
",
    );
    for k in Kind::ALL {
        s.push_str(&record_table(k.table()));
    }
    // After the families: a refresh token belongs to one, and goes with it.
    s.push_str(
        "
CREATE TABLE IF NOT EXISTS refresh_tokens (
    hash TEXT PRIMARY KEY NOT NULL,
    family TEXT NOT NULL REFERENCES refresh_families (key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens (family);
",
    );
    s
}

/// Settings every connection needs (foreign keys are per connection in SQLite).
fn prepare(c: &Connection) -> Result<(), StoreError> {
    c.busy_timeout(std::time::Duration::from_secs(5))?;
    c.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) `<dir>/cognito-local.sqlite3`, or a new in-memory database,
    /// migrating a key-value layout if it finds one.
    ///
    /// # Errors
    /// The directory cannot be created, SQLite cannot open the file, or the file's layout is
    /// newer than this version ([`StoreError::Layout`]).
    pub fn open(dir: Option<&Path>) -> Result<Self, StoreError> {
        let mut temp = None;
        let (conn, uri, read_flags) = match dir {
            Some(d) => {
                std::fs::create_dir_all(d)?;
                let path = d.join(DB_FILE);
                let c = Connection::open(&path)?;
                c.pragma_update(None, "journal_mode", "WAL")?;
                c.pragma_update(None, "synchronous", "NORMAL")?;
                (
                    c,
                    path.to_string_lossy().into_owned(),
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
            }
            None => {
                let t = TempDb::create()?;
                let c = Connection::open(&t.path)?;
                c.pragma_update(None, "journal_mode", "WAL")?;
                // Nothing in memory outlives the process: no need to reach the disk.
                c.pragma_update(None, "synchronous", "OFF")?;
                let path = t.path.to_string_lossy().into_owned();
                temp = Some(t);
                (
                    c,
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
            }
        };
        prepare(&conn)?;
        let mut conn = conn;
        init_layout(&mut conn, dir)?;
        let mut readers = Vec::new();
        for _ in 0..READERS {
            let r = Connection::open_with_flags(&uri, read_flags)?;
            prepare(&r)?;
            readers.push(Mutex::new(r));
        }
        Ok(Self {
            conn: Mutex::new(conn),
            readers,
            next_reader: AtomicUsize::new(0),
            _temp: temp,
        })
    }

    /// Runs `f`, which only reads, in one read transaction (a consistent snapshot) on a
    /// read-only connection: a free one if any, else the next in turn. Anything `f` tries to
    /// write fails.
    ///
    /// # Errors
    /// Whatever `f` returns, or a storage error converted with `From`.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let n = self.readers.len();
        if n == 0 {
            return self.tx(f);
        }
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
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
        // IMMEDIATE: take the write lock now, not at the first write, so a read-then-write
        // transaction cannot fail half-way with SQLITE_BUSY against a reader's snapshot.
        let t = guard
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| E::from(e.into()))?;
        let tx = Tx(t);
        let out = f(&tx)?;
        tx.0.commit().map_err(|e| E::from(e.into()))?;
        Ok(out)
    }
}

fn table_exists(c: &Connection, name: &str) -> Result<bool, StoreError> {
    Ok(c.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )? > 0)
}

/// Creates the tables, or migrates the key-value layout, or refuses a newer layout.
fn init_layout(c: &mut Connection, dir: Option<&Path>) -> Result<(), StoreError> {
    let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let where_ = || dir.map_or_else(|| "memory".into(), |d| d.display().to_string());
    if version > SCHEMA_VERSION {
        return Err(StoreError::Layout(format!(
            "the data directory {} was written by a newer cognito-local (table layout {version}; \
             this version reads layout {SCHEMA_VERSION}): run that version, or start with another \
             --data-dir (or --in-memory)",
            where_()
        )));
    }
    let t = c.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let migrate = version == 0 && table_exists(&t, "kv")?;
    if migrate {
        // The old outbox table has the name and not the columns of the new one.
        t.execute_batch("ALTER TABLE outbox RENAME TO outbox_kv_layout;")?;
    }
    t.execute_batch(&schema())?;
    if migrate {
        let tx = Tx(t);
        let n = migrate_kv(&tx)?;
        tracing::info!(
            records = n,
            "{}: migrated the key-value layout of earlier versions to tables",
            where_()
        );
        tx.0.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.0.commit()?;
    } else {
        t.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        t.commit()?;
    }
    Ok(())
}

/// Copies every record of the key-value layout into its table, then drops the old tables.
/// Aliases are rebuilt from the users (the old index was only a hint); refresh tokens whose
/// family is gone are dropped (they no longer worked). Returns how many records moved.
fn migrate_kv(tx: &Tx<'_>) -> Result<usize, StoreError> {
    let rows: Vec<(String, String, String)> = {
        let mut st =
            tx.0.prepare("SELECT kind, key, value FROM kv ORDER BY kind, key")?;
        let r = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        r.collect::<Result<_, _>>()?
    };
    let mut n = 0;
    let mut refresh = Vec::new();
    for (kind, key, value) in rows {
        match kind.as_str() {
            "user" => {
                let pool = key.split_once('|').map_or("", |(p, _)| p);
                let u: User = serde_json::from_str(&value)?;
                tx.put_user(pool, &u)?;
                tx.index_aliases(pool, &u)?;
            }
            "key" => tx.put_signing_key(&key, &serde_json::from_str::<String>(&value)?)?,
            "refresh" => {
                refresh.push((key, serde_json::from_str::<String>(&value)?));
                continue;
            }
            // Rebuilt from the users.
            "alias" => continue,
            other => {
                let Some(k) = Kind::ALL.into_iter().find(|k| k.old_name() == other) else {
                    tracing::warn!(kind = other, "dropping records of an unknown kind");
                    continue;
                };
                tx.put_json(k, &key, &serde_json::from_str(&value)?)?;
            }
        }
        n += 1;
    }
    for (hash, family) in refresh {
        n += tx.0.execute(
            "INSERT INTO refresh_tokens (hash, family)
             SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM refresh_families WHERE key = ?2)",
            params![hash, family],
        )?;
    }
    let old: Vec<(String, String)> = {
        let mut st =
            tx.0.prepare("SELECT username, value FROM outbox_kv_layout ORDER BY id")?;
        let r = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        r.collect::<Result<_, _>>()?
    };
    for (username, value) in old {
        tx.outbox_push(&username, &serde_json::from_str::<Value>(&value)?)?;
        n += 1;
    }
    tx.0.execute_batch("DROP TABLE kv; DROP TABLE outbox_kv_layout;")?;
    Ok(n)
}

/// An open transaction.
#[derive(Debug)]
pub struct Tx<'a>(Transaction<'a>);

impl Tx<'_> {
    /// Reads one record.
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn get<T: DeserializeOwned>(&self, kind: Kind, key: &str) -> Result<Option<T>, StoreError> {
        let v: Option<String> = self
            .0
            .query_row(
                &format!("SELECT value FROM {} WHERE key = ?1", kind.table()),
                params![key],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match v {
            Some(s) => Some(serde_json::from_str(&s)?),
            None => None,
        })
    }

    /// Writes (inserts or replaces) one record.
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn put<T: Serialize>(&self, kind: Kind, key: &str, value: &T) -> Result<(), StoreError> {
        self.put_json(kind, key, &serde_json::to_value(value)?)
    }

    fn put_json(&self, kind: Kind, key: &str, value: &Value) -> Result<(), StoreError> {
        let owner = kind.owner(key, value);
        let (pool, user) = owner.as_ref().map(|(p, u)| (p, u)).unzip();
        // An upsert, never `REPLACE`: replacing deletes the row first, and a family's refresh
        // tokens would go with it.
        self.0.execute(
            &format!(
                "INSERT INTO {} (key, pool, username_key, expires, value) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (key) DO UPDATE SET pool = excluded.pool,
                    username_key = excluded.username_key, expires = excluded.expires,
                    value = excluded.value",
                kind.table()
            ),
            params![
                key,
                pool,
                user,
                kind.expires(value),
                serde_json::to_string(value)?
            ],
        )?;
        Ok(())
    }

    /// Deletes one record; returns whether it existed.
    ///
    /// # Errors
    /// SQLite failure.
    pub fn delete(&self, kind: Kind, key: &str) -> Result<bool, StoreError> {
        let n = self.0.execute(
            &format!("DELETE FROM {} WHERE key = ?1", kind.table()),
            params![key],
        )?;
        Ok(n == 1)
    }

    /// The records of one kind owned by a user (through the owner index), ordered by key.
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn owned<T: DeserializeOwned>(
        &self,
        kind: Kind,
        pool_id: &str,
        username: &str,
    ) -> Result<Vec<(String, T)>, StoreError> {
        let mut st = self.0.prepare(&format!(
            "SELECT key, value FROM {} WHERE pool = ?1 AND username_key = ?2 ORDER BY key",
            kind.table()
        ))?;
        let rows = st.query_map(params![pool_id, username.to_lowercase()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (k, v) = row?;
            out.push((k, serde_json::from_str(&v)?));
        }
        Ok(out)
    }

    /// A user by username (case-insensitive, as in new AWS pools).
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn user(&self, pool_id: &str, username: &str) -> Result<Option<User>, StoreError> {
        self.user_where("username_key", pool_id, &username.to_lowercase())
    }

    /// A user by `sub`.
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn user_by_sub(&self, pool_id: &str, sub: &str) -> Result<Option<User>, StoreError> {
        self.user_where("sub", pool_id, sub)
    }

    fn user_where(&self, col: &str, pool_id: &str, v: &str) -> Result<Option<User>, StoreError> {
        let s: Option<String> = self
            .0
            .query_row(
                &format!("SELECT value FROM users WHERE pool = ?1 AND {col} = ?2"),
                params![pool_id, v],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match s {
            Some(s) => Some(serde_json::from_str(&s)?),
            None => None,
        })
    }

    /// The users of a pool, by username.
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn users(&self, pool_id: &str) -> Result<Vec<User>, StoreError> {
        let mut st = self
            .0
            .prepare("SELECT value FROM users WHERE pool = ?1 ORDER BY username_key")?;
        let rows = st.query_map(params![pool_id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?)?);
        }
        Ok(out)
    }

    /// Inserts a new user; `false` if the username is taken.
    ///
    /// # Errors
    /// SQLite or JSON failure, and a constraint failure if another user has the same `sub`.
    pub fn insert_user(&self, pool_id: &str, user: &User) -> Result<bool, StoreError> {
        let n = self.0.execute(
            "INSERT INTO users (pool, username_key, username, sub, status, enabled, value)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (pool, username_key) DO NOTHING",
            params![
                pool_id,
                user.username.to_lowercase(),
                user.username,
                user.sub,
                user.status.as_str(),
                user.enabled,
                serde_json::to_string(user)?
            ],
        )?;
        Ok(n == 1)
    }

    /// Writes a user (insert or update by username). The caller keeps the aliases
    /// ([`Tx::index_aliases`]).
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn put_user(&self, pool_id: &str, user: &User) -> Result<(), StoreError> {
        self.0.execute(
            "INSERT INTO users (pool, username_key, username, sub, status, enabled, value)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (pool, username_key) DO UPDATE SET username = excluded.username,
                sub = excluded.sub, status = excluded.status, enabled = excluded.enabled,
                value = excluded.value",
            params![
                pool_id,
                user.username.to_lowercase(),
                user.username,
                user.sub,
                user.status.as_str(),
                user.enabled,
                serde_json::to_string(user)?
            ],
        )?;
        Ok(())
    }

    /// Deletes a user and their aliases; returns whether they existed.
    ///
    /// # Errors
    /// SQLite failure.
    pub fn delete_user(&self, pool_id: &str, username: &str) -> Result<bool, StoreError> {
        let n = self.0.execute(
            "DELETE FROM users WHERE pool = ?1 AND username_key = ?2",
            params![pool_id, username.to_lowercase()],
        )?;
        Ok(n == 1)
    }

    /// The username key (lowercased username) an alias points at.
    ///
    /// # Errors
    /// SQLite failure.
    pub fn alias(
        &self,
        pool_id: &str,
        attribute: &str,
        value: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .0
            .query_row(
                "SELECT username_key FROM aliases WHERE pool = ?1 AND attribute = ?2 AND value_key = ?3",
                params![pool_id, attribute, value.to_lowercase()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Makes the aliases of `user` what their attributes say: their verified email, if any.
    /// An alias another user held moves to this one (who verified it last); refusing that is
    /// the caller's decision (`AliasExistsException`, before verifying).
    ///
    /// # Errors
    /// SQLite failure.
    pub fn index_aliases(&self, pool_id: &str, user: &User) -> Result<(), StoreError> {
        let key = user.username.to_lowercase();
        self.0.execute(
            "DELETE FROM aliases WHERE pool = ?1 AND username_key = ?2",
            params![pool_id, key],
        )?;
        if let Some(email) = user.verified_email() {
            self.0.execute(
                "INSERT INTO aliases (pool, attribute, value_key, username_key)
                 VALUES (?1, 'email', ?2, ?3)
                 ON CONFLICT (pool, attribute, value_key) DO UPDATE
                 SET username_key = excluded.username_key",
                params![pool_id, email.to_lowercase(), key],
            )?;
        }
        Ok(())
    }

    /// The family of a live refresh token (by token hash).
    ///
    /// # Errors
    /// SQLite failure.
    pub fn refresh_token(&self, hash: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .0
            .query_row(
                "SELECT family FROM refresh_tokens WHERE hash = ?1",
                params![hash],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Stores a refresh token (by hash) of an existing family.
    ///
    /// # Errors
    /// SQLite failure (a constraint failure if the family does not exist).
    pub fn put_refresh_token(&self, hash: &str, family: &str) -> Result<(), StoreError> {
        self.0.execute(
            "INSERT INTO refresh_tokens (hash, family) VALUES (?1, ?2)
             ON CONFLICT (hash) DO UPDATE SET family = excluded.family",
            params![hash, family],
        )?;
        Ok(())
    }

    /// Deletes a refresh token; returns whether it existed.
    ///
    /// # Errors
    /// SQLite failure.
    pub fn delete_refresh_token(&self, hash: &str) -> Result<bool, StoreError> {
        Ok(self
            .0
            .execute("DELETE FROM refresh_tokens WHERE hash = ?1", params![hash])?
            == 1)
    }

    /// A signing key (DER, hex).
    ///
    /// # Errors
    /// SQLite failure.
    pub fn signing_key(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .0
            .query_row(
                "SELECT der_hex FROM signing_keys WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Stores a signing key (DER, hex).
    ///
    /// # Errors
    /// SQLite failure.
    pub fn put_signing_key(&self, name: &str, der_hex: &str) -> Result<(), StoreError> {
        self.0.execute(
            "INSERT INTO signing_keys (name, der_hex) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET der_hex = excluded.der_hex",
            params![name, der_hex],
        )?;
        Ok(())
    }

    /// Deletes expired records (through the `expires` indexes; a refresh token goes with its
    /// family) and outbox messages older than [`OUTBOX_KEEP_SECS`].
    ///
    /// # Errors
    /// SQLite failure.
    pub fn purge_expired(&self, now: i64) -> Result<usize, StoreError> {
        // A family's refresh tokens would go with it (ON DELETE CASCADE), but SQLite does not
        // count cascaded rows: delete them first, so the count says what went.
        let mut n = self.0.execute(
            "DELETE FROM refresh_tokens WHERE family IN
                (SELECT key FROM refresh_families WHERE expires < ?1)",
            params![now],
        )?;
        for k in Kind::ALL {
            n += self.0.execute(
                &format!("DELETE FROM {} WHERE expires < ?1", k.table()),
                params![now],
            )?;
        }
        n += self.0.execute(
            "DELETE FROM outbox WHERE created_at < ?1",
            params![now - OUTBOX_KEEP_SECS],
        )?;
        Ok(n)
    }

    /// Deletes what a user's sign-ins left behind (through the owner indexes): hosted-UI
    /// sessions and authorization codes, and with `everything` also challenge sessions, SRP
    /// states and one-time codes. Called when the user is disabled (hosted-UI records only)
    /// or deleted (everything), so that nothing outlives them or passes to a re-created name.
    ///
    /// # Errors
    /// SQLite failure.
    pub fn delete_user_records(
        &self,
        pool_id: &str,
        username: &str,
        everything: bool,
    ) -> Result<usize, StoreError> {
        let kinds: &[Kind] = if everything {
            &[
                Kind::UiSession,
                Kind::AuthCode,
                Kind::Session,
                Kind::Srp,
                Kind::Code,
            ]
        } else {
            &[Kind::UiSession, Kind::AuthCode]
        };
        let key = username.to_lowercase();
        let mut n = 0;
        for k in kinds {
            n += self.0.execute(
                &format!(
                    "DELETE FROM {} WHERE pool = ?1 AND username_key = ?2",
                    k.table()
                ),
                params![pool_id, key],
            )?;
        }
        Ok(n)
    }

    /// Appends a message to the dev outbox (its `createdAt` field is when).
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn outbox_push<T: Serialize>(&self, username: &str, value: &T) -> Result<(), StoreError> {
        let v = serde_json::to_value(value)?;
        let created = v.get("createdAt").and_then(Value::as_i64).unwrap_or(0);
        self.0.execute(
            "INSERT INTO outbox (username, username_key, created_at, value) VALUES (?1, ?2, ?3, ?4)",
            params![username, username.to_lowercase(), created, serde_json::to_string(&v)?],
        )?;
        Ok(())
    }

    /// The dev outbox, oldest first, optionally for one username (case-insensitive, as
    /// usernames are).
    ///
    /// # Errors
    /// SQLite or JSON failure.
    pub fn outbox(&self, username: Option<&str>) -> Result<Vec<Value>, StoreError> {
        let mut out = Vec::new();
        let mut push = |v: String| -> Result<(), StoreError> {
            out.push(serde_json::from_str(&v)?);
            Ok(())
        };
        match username {
            Some(u) => {
                let mut st = self
                    .0
                    .prepare("SELECT value FROM outbox WHERE username_key = ?1 ORDER BY id")?;
                for row in st.query_map(params![u.to_lowercase()], |r| r.get(0))? {
                    push(row?)?;
                }
            }
            None => {
                let mut st = self.0.prepare("SELECT value FROM outbox ORDER BY id")?;
                for row in st.query_map([], |r| r.get(0))? {
                    push(row?)?;
                }
            }
        }
        Ok(out)
    }

    /// The query plan SQLite chose for `sql` (tests: a look-up must use an index).
    ///
    /// # Errors
    /// SQLite failure.
    #[doc(hidden)]
    pub fn explain(&self, sql: &str) -> Result<Vec<String>, StoreError> {
        let mut st = self.0.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = st.query_map([], |r| r.get::<_, String>(3))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::state::{SessionRec, UserStatus};

    fn user(name: &str, email: Option<&str>) -> User {
        let mut u = User::new(name, 0);
        u.status = UserStatus::Confirmed;
        if let Some(e) = email {
            u.attributes.insert("email".into(), e.into());
            u.attributes.insert("email_verified".into(), "true".into());
        }
        u
    }

    #[test]
    fn users_are_unique_by_name_and_by_sub_and_found_by_either() {
        let s = Store::open(None).expect("open");
        s.tx(|t| {
            let alice = user("Alice", None);
            assert!(t.insert_user("p", &alice)?);
            assert!(
                !t.insert_user("p", &user("alice", None))?,
                "names are case-insensitive"
            );
            assert!(t.insert_user("q", &user("alice", None))?, "per pool");
            let mut twin = user("bob", None);
            twin.sub.clone_from(&alice.sub);
            assert!(t.insert_user("p", &twin).is_err(), "unique (pool, sub)");
            assert_eq!(t.user("p", "ALICE")?.unwrap().sub, alice.sub);
            assert_eq!(t.user_by_sub("p", &alice.sub)?.unwrap().username, "Alice");
            assert!(t.delete_user("p", "alice")?);
            assert!(t.user("p", "alice")?.is_none());
            Ok::<_, StoreError>(())
        })
        .expect("tx");
    }

    #[test]
    fn look_ups_use_indexes_not_scans() {
        let s = Store::open(None).expect("open");
        s.read(|t| {
            for sql in [
                "SELECT value FROM users WHERE pool = 'p' AND username_key = 'a'",
                "SELECT value FROM users WHERE pool = 'p' AND sub = 'x'",
                "SELECT username_key FROM aliases WHERE pool = 'p' AND attribute = 'email' AND value_key = 'a@b.c'",
                "SELECT key FROM refresh_families WHERE pool = 'p' AND username_key = 'a'",
                "DELETE FROM ui_sessions WHERE pool = 'p' AND username_key = 'a'",
                "DELETE FROM codes WHERE expires < 5",
                "SELECT value FROM outbox WHERE username_key = 'a' ORDER BY id",
                "SELECT family FROM refresh_tokens WHERE hash = 'h'",
            ] {
                let plan = t.explain(sql)?.join("; ");
                assert!(
                    !plan.contains("SCAN"),
                    "{sql}: {plan}"
                );
            }
            Ok::<_, StoreError>(())
        })
        .expect("read");
    }

    #[test]
    fn an_alias_belongs_to_one_user_and_goes_with_them() {
        let s = Store::open(None).expect("open");
        s.tx(|t| {
            let a = user("a", Some("X@example.com"));
            t.put_user("p", &a)?;
            t.index_aliases("p", &a)?;
            assert_eq!(
                t.alias("p", "email", "x@EXAMPLE.com")?.as_deref(),
                Some("a")
            );
            // Verified by another user later: the alias moves, it is never doubled.
            let b = user("b", Some("x@example.com"));
            t.put_user("p", &b)?;
            t.index_aliases("p", &b)?;
            assert_eq!(
                t.alias("p", "email", "x@example.com")?.as_deref(),
                Some("b")
            );
            // Unverified: gone.
            let mut b2 = b.clone();
            b2.attributes
                .insert("email_verified".into(), "false".into());
            t.put_user("p", &b2)?;
            t.index_aliases("p", &b2)?;
            assert_eq!(t.alias("p", "email", "x@example.com")?, None);
            // Deleting the user deletes their aliases.
            t.index_aliases("p", &b)?;
            t.delete_user("p", "b")?;
            assert_eq!(t.alias("p", "email", "x@example.com")?, None);
            Ok::<_, StoreError>(())
        })
        .expect("tx");
    }

    #[test]
    fn refresh_tokens_go_with_their_family_and_records_with_their_user() {
        let s = Store::open(None).expect("open");
        s.tx(|t| {
            let fam = serde_json::json!({"pool": "p", "username": "Al", "expires": 10, "access_expires": 20});
            t.put(Kind::Family, "p|al|j1", &fam)?;
            t.put_refresh_token("h1", "p|al|j1")?;
            assert!(t.put_refresh_token("h2", "p|al|nope").is_err(), "no such family");
            // Updating the family keeps its tokens (an upsert, not a replace).
            t.put(Kind::Family, "p|al|j1", &fam)?;
            assert_eq!(t.refresh_token("h1")?.as_deref(), Some("p|al|j1"));
            let owned: Vec<(String, Value)> = t.owned(Kind::Family, "p", "AL")?;
            assert_eq!(owned.len(), 1);
            // Kept while an access token is valid (20), then purged with its tokens.
            assert_eq!(t.purge_expired(15)?, 0);
            assert_eq!(t.purge_expired(21)?, 2, "the family and its token");
            assert_eq!(t.refresh_token("h1")?, None);

            t.put(Kind::Code, "p|al|signup", &serde_json::json!({"code": "1", "expires": 99}))?;
            t.put(Kind::Code, "p|bo|signup", &serde_json::json!({"code": "2", "expires": 99}))?;
            let rec = SessionRec {
                pool: "p".into(),
                client_id: "c".into(),
                username: "Al".into(),
                challenge: "X".into(),
                expires: 99,
                totp_verified: false,
                attempts: 0,
            };
            t.put(Kind::Session, "s1", &rec)?;
            assert_eq!(t.delete_user_records("p", "al", true)?, 2);
            assert!(t.get::<Value>(Kind::Code, "p|bo|signup")?.is_some());
            Ok::<_, StoreError>(())
        })
        .expect("tx");
    }

    /// A read on a reader connection does not wait for a write transaction in progress, in
    /// memory too; each in-memory store has its own database, removed when it drops.
    #[test]
    fn in_memory_reads_run_beside_a_write_and_stores_are_separate() {
        let s = std::sync::Arc::new(Store::open(None).expect("open"));
        let other = Store::open(None).expect("open");
        s.tx(|t| t.put_signing_key("k", "00")).expect("put");
        assert_eq!(other.read(|t| t.signing_key("k")).expect("read"), None);
        let (started, wait) = std::sync::mpsc::channel();
        let (done, finish) = std::sync::mpsc::channel::<()>();
        let s2 = s.clone();
        let writer = std::thread::spawn(move || {
            s2.tx(|t| {
                t.put_signing_key("k", "11")?;
                started.send(()).expect("send");
                finish.recv().expect("recv");
                Ok::<_, StoreError>(())
            })
            .expect("tx");
        });
        wait.recv().expect("started");
        let t0 = std::time::Instant::now();
        // The last committed value, at once, while the writer holds its transaction open.
        assert_eq!(
            s.read(|t| t.signing_key("k")).expect("read").as_deref(),
            Some("00")
        );
        assert!(t0.elapsed() < std::time::Duration::from_millis(500));
        done.send(()).expect("send");
        writer.join().expect("join");
        assert_eq!(
            s.read(|t| t.signing_key("k")).expect("read").as_deref(),
            Some("11")
        );
        let path = s._temp.as_ref().expect("temp").path.clone();
        assert!(path.exists());
        drop(std::sync::Arc::into_inner(s).expect("one owner"));
        assert!(!path.exists(), "removed with the store");
    }

    /// The key-value layout of earlier versions, as they wrote it.
    const KV_LAYOUT: &str = "
        CREATE TABLE kv (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                         PRIMARY KEY (kind, key));
        CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL,
                             value TEXT NOT NULL);";

    #[test]
    fn a_key_value_data_directory_is_migrated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let alice = user("Alice", Some("alice@example.com"));
        {
            let c = Connection::open(dir.path().join(DB_FILE)).expect("open");
            c.execute_batch(KV_LAYOUT).expect("schema");
            let put = |kind: &str, key: &str, v: &str| {
                c.execute("INSERT INTO kv VALUES (?1, ?2, ?3)", params![kind, key, v])
                    .expect("insert");
            };
            put(
                "user",
                "us-east-1_P|alice",
                &serde_json::to_string(&alice).expect("json"),
            );
            put("key", "us-east-1_P|id", "\"3082\"");
            put("alias", "us-east-1_P|alice@example.com", "\"Alice\"");
            put(
                "family",
                "us-east-1_P|alice|j1",
                r#"{"pool":"us-east-1_P","client_id":"c","username":"Alice","origin_jti":"j1","auth_time":1,"scope":[],"revoked":false,"expires":100,"access_expires":0}"#,
            );
            put("refresh", "h1", "\"us-east-1_P|alice|j1\"");
            put("refresh", "h-orphan", "\"us-east-1_P|alice|gone\"");
            put(
                "code",
                "us-east-1_P|alice|signup",
                r#"{"code":"123456","expires":50,"attribute":"email"}"#,
            );
            put(
                "deliveries",
                "us-east-1_P|alice",
                r#"{"times":[1],"expires":60}"#,
            );
            c.execute(
                "INSERT INTO outbox (username, value) VALUES ('Alice', ?1)",
                params![r#"{"code":"123456","createdAt":7}"#],
            )
            .expect("outbox");
        }
        let s = Store::open(Some(dir.path())).expect("migrates");
        s.read(|t| {
            assert_eq!(
                t.user("us-east-1_P", "alice")?.expect("user").sub,
                alice.sub
            );
            assert_eq!(t.signing_key("us-east-1_P|id")?.as_deref(), Some("3082"));
            assert_eq!(
                t.alias("us-east-1_P", "email", "alice@example.com")?
                    .as_deref(),
                Some("alice")
            );
            assert_eq!(
                t.refresh_token("h1")?.as_deref(),
                Some("us-east-1_P|alice|j1")
            );
            assert_eq!(t.refresh_token("h-orphan")?, None);
            assert!(t
                .get::<Value>(Kind::Code, "us-east-1_P|alice|signup")?
                .is_some());
            assert_eq!(
                t.owned::<Value>(Kind::Deliveries, "us-east-1_P", "alice")?
                    .len(),
                1
            );
            assert_eq!(t.outbox(Some("ALICE"))?.len(), 1);
            Ok::<_, StoreError>(())
        })
        .expect("read");
        drop(s);
        // Opened again: already migrated, nothing lost.
        let s = Store::open(Some(dir.path())).expect("reopen");
        assert!(s
            .read(|t| t.user("us-east-1_P", "alice"))
            .expect("read")
            .is_some());
    }

    #[test]
    fn a_newer_layout_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let c = Connection::open(dir.path().join(DB_FILE)).expect("open");
            c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .expect("version");
        }
        let e = Store::open(Some(dir.path())).expect_err("refused");
        let msg = e.to_string();
        assert!(matches!(e, StoreError::Layout(_)), "{msg}");
        assert!(
            msg.contains("newer cognito-local") && msg.contains("--data-dir"),
            "{msg}"
        );
    }
}
