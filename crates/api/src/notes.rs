//! Notes kept per user (`sub`) in SQLite.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection};
use serde::Serialize;

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;
/// The most notes one user may keep.
pub const MAX_NOTES_PER_USER: i64 = 200;

/// A note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Its id.
    pub id: i64,
    /// The owner's `sub`.
    pub owner: String,
    /// The text.
    pub text: String,
    /// Unix seconds.
    pub created: i64,
}

/// Why a note operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotesError {
    /// The input breaks a limit; the message says which, for a 400.
    #[error("{0}")]
    Invalid(String),
    /// No such note of this user (also for another user's note: its existence is not told).
    #[error("note not found")]
    NotFound,
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// A lock was poisoned by a panic elsewhere.
    #[error("database lock poisoned")]
    Poisoned,
}

/// The notes database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Notes {
    conn: Arc<Mutex<Connection>>,
}

impl Notes {
    /// Opens (or creates) the database at `path`.
    ///
    /// # Errors
    /// When SQLite cannot open it.
    pub fn open(path: &Path) -> Result<Self, NotesError> {
        Self::init(Connection::open(path)?)
    }

    /// A database in memory.
    ///
    /// # Errors
    /// When SQLite fails.
    pub fn in_memory() -> Result<Self, NotesError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, NotesError> {
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS notes (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 owner TEXT NOT NULL,
                 text TEXT NOT NULL,
                 created INTEGER NOT NULL
             );
             CREATE INDEX IF NOT EXISTS notes_owner ON notes (owner, id);",
        )?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, NotesError>,
    ) -> Result<T, NotesError> {
        let conn = self.conn.lock().map_err(|_| NotesError::Poisoned)?;
        f(&conn)
    }

    /// The notes of `owner`, or everyone's with `None`, oldest first.
    ///
    /// # Errors
    /// [`NotesError::Db`].
    pub fn list(&self, owner: Option<&str>) -> Result<Vec<Note>, NotesError> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT id, owner, text, created FROM notes
                 WHERE ?1 IS NULL OR owner = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map(params![owner], |r| {
                Ok(Note {
                    id: r.get(0)?,
                    owner: r.get(1)?,
                    text: r.get(2)?,
                    created: r.get(3)?,
                })
            })?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Into::into)
        })
    }

    /// Adds a note for `owner`.
    ///
    /// # Errors
    /// [`NotesError::Invalid`] for an empty or too long text, or too many notes.
    pub fn add(&self, owner: &str, text: &str, now: i64) -> Result<Note, NotesError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(NotesError::Invalid("a note needs some text".into()));
        }
        if text.chars().count() > MAX_NOTE_CHARS {
            return Err(NotesError::Invalid(format!(
                "a note has at most {MAX_NOTE_CHARS} characters"
            )));
        }
        self.with(|c| {
            let count: i64 = c.query_row(
                "SELECT COUNT(*) FROM notes WHERE owner = ?1",
                [owner],
                |r| r.get(0),
            )?;
            if count >= MAX_NOTES_PER_USER {
                return Err(NotesError::Invalid(format!(
                    "at most {MAX_NOTES_PER_USER} notes per user; delete some first"
                )));
            }
            c.execute(
                "INSERT INTO notes (owner, text, created) VALUES (?1, ?2, ?3)",
                params![owner, text, now],
            )?;
            Ok(Note {
                id: c.last_insert_rowid(),
                owner: owner.to_owned(),
                text: text.to_owned(),
                created: now,
            })
        })
    }

    /// Deletes note `id` of `owner`.
    ///
    /// # Errors
    /// [`NotesError::NotFound`] when `owner` has no such note.
    pub fn delete(&self, owner: &str, id: i64) -> Result<(), NotesError> {
        self.with(|c| {
            let n = c.execute(
                "DELETE FROM notes WHERE id = ?1 AND owner = ?2",
                params![id, owner],
            )?;
            if n == 0 {
                Err(NotesError::NotFound)
            } else {
                Ok(())
            }
        })
    }
}
