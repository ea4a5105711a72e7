//! The rules of a lock held as a lease in a store that every client shares but that has no
//! atomic compare-and-swap: `localStorage`, for browsers without Web Locks
//! (`navigator.locks`: older Safari, some embedded web views).
//!
//! A lease is one value, `<expiry ms>|<owner id>`, under the lock's key. A client that wants
//! the lock reads the key ([`next_action`]): free, expired, unreadable or its own → it writes
//! its claim ([`Lease::claim`]), waits [`LEASE_SETTLE_MS`] for concurrent writers (another
//! tab's write may reach this one a moment later) and reads again: if the value is still its
//! claim ([`holds`]) it has the lock, else it starts over. A live lease of another client
//! means waiting (polling every [`LEASE_POLL_MS`], at most until it expires). The holder
//! renews the lease every [`LEASE_RENEW_MS`] while it holds it, and removes it when done; a
//! holder that vanished (its tab closed mid-refresh) stops renewing, so its lease expires
//! after at most [`LEASE_TTL_MS`] and the next client takes over.
//!
//! # Limits
//! Without compare-and-swap this is best effort: two claims written within the settle time
//! of each other are resolved by whichever write lands last, which both clients then read;
//! if the store takes longer than [`LEASE_SETTLE_MS`] to show one tab's write to another,
//! both may hold the lock at once. Web Locks have no such gap, and are used where present.
//!
//! These functions are pure (time and values come in as arguments); the browser adapter
//! (`cognito-wasm`'s `WebCoordinator`) drives them over `localStorage` and `setTimeout`.

/// How long a lease lasts after it is written or renewed, in milliseconds.
pub const LEASE_TTL_MS: i64 = 10_000;

/// How often the holder renews its lease, in milliseconds (well inside [`LEASE_TTL_MS`], even
/// with the one-per-second timers of a background tab).
pub const LEASE_RENEW_MS: i64 = 2_000;

/// How long a client waits after writing its claim before reading it back, in milliseconds.
pub const LEASE_SETTLE_MS: i64 = 50;

/// How often a waiting client reads the lease again, in milliseconds.
pub const LEASE_POLL_MS: i64 = 50;

/// One client's hold on the lock until `expires_at_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// The holder's id (unique per client: its overlapping calls are serialized before).
    pub owner: String,
    /// When the lease ends, in Unix milliseconds.
    pub expires_at_ms: i64,
}

impl Lease {
    /// The lease `owner` writes at `now_ms` to claim or renew the lock.
    #[must_use]
    pub fn claim(owner: &str, now_ms: i64) -> Self {
        Self {
            owner: owner.to_owned(),
            expires_at_ms: now_ms.saturating_add(LEASE_TTL_MS),
        }
    }

    /// The stored form, `<expiry ms>|<owner>`.
    #[must_use]
    pub fn to_value(&self) -> String {
        format!("{}|{}", self.expires_at_ms, self.owner)
    }

    /// Reads [`Lease::to_value`]'s form; anything else is `None` (any script of the origin
    /// can write the key, so nothing about it is trusted).
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        let (expiry, owner) = value.split_once('|')?;
        if owner.is_empty() {
            return None;
        }
        Some(Self {
            owner: owner.to_owned(),
            expires_at_ms: expiry.parse().ok()?,
        })
    }

    /// Whether the lease still holds at `now_ms`. A lease ending further ahead than a fresh
    /// one would (a writer whose clock ran ahead, a forged value) does not: otherwise it could
    /// block every client for as long as it says.
    #[must_use]
    pub fn is_live(&self, now_ms: i64) -> bool {
        now_ms < self.expires_at_ms && self.expires_at_ms <= now_ms.saturating_add(LEASE_TTL_MS)
    }
}

/// What a client that wants the lock does after reading the lease.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseAction {
    /// Write a claim ([`Lease::claim`]), wait [`LEASE_SETTLE_MS`], then check with [`holds`].
    Claim,
    /// Another client holds it: read again after this many milliseconds (at most
    /// [`LEASE_POLL_MS`], at least 1).
    Wait(i64),
}

/// The next step for client `me` that read `current` under the lock's key at `now_ms`: claim
/// a free, expired, unreadable or own lease; wait for another client's live one.
#[must_use]
pub fn next_action(current: Option<&str>, me: &str, now_ms: i64) -> LeaseAction {
    match current.and_then(Lease::parse) {
        Some(lease) if lease.owner != me && lease.is_live(now_ms) => {
            LeaseAction::Wait((lease.expires_at_ms - now_ms).clamp(1, LEASE_POLL_MS))
        }
        _ => LeaseAction::Claim,
    }
}

/// Whether `current` (read back after the settle time, or before a renewal or release) is
/// `me`'s lease: then `me` holds the lock and may renew or remove it; else someone else
/// claimed it since, and the value must be left alone.
#[must_use]
pub fn holds(current: Option<&str>, me: &str) -> bool {
    current
        .and_then(Lease::parse)
        .is_some_and(|lease| lease.owner == me)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    #[test]
    fn the_stored_form_round_trips_and_junk_reads_as_no_lease() {
        let lease = Lease::claim("tab-a", NOW);
        assert_eq!(lease.expires_at_ms, NOW + LEASE_TTL_MS);
        assert_eq!(Lease::parse(&lease.to_value()), Some(lease));
        // An owner id may contain the separator: only the first one splits.
        let odd = Lease::claim("a|b", NOW);
        assert_eq!(Lease::parse(&odd.to_value()), Some(odd));
        for junk in ["", "|", "123|", "x|tab", "tab-a", "1e3|tab", " 12|tab"] {
            assert_eq!(Lease::parse(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn a_free_expired_junk_or_own_lease_is_claimed() {
        let other = Lease::claim("tab-b", NOW).to_value();
        assert_eq!(next_action(None, "tab-a", NOW), LeaseAction::Claim);
        assert_eq!(next_action(Some("junk"), "tab-a", NOW), LeaseAction::Claim);
        assert_eq!(
            next_action(Some(&other), "tab-a", NOW + LEASE_TTL_MS),
            LeaseAction::Claim,
            "expired: its holder stopped renewing"
        );
        let own = Lease::claim("tab-a", NOW).to_value();
        assert_eq!(next_action(Some(&own), "tab-a", NOW), LeaseAction::Claim);
    }

    #[test]
    fn another_live_lease_means_waiting_but_never_longer_than_a_poll() {
        let other = Lease::claim("tab-b", NOW).to_value();
        assert_eq!(
            next_action(Some(&other), "tab-a", NOW),
            LeaseAction::Wait(LEASE_POLL_MS)
        );
        assert_eq!(
            next_action(Some(&other), "tab-a", NOW + LEASE_TTL_MS - 3),
            LeaseAction::Wait(3),
            "wakes when it expires"
        );
    }

    #[test]
    fn a_lease_too_far_ahead_is_not_live() {
        let forged = Lease {
            owner: "mallory".into(),
            expires_at_ms: i64::MAX,
        };
        assert!(!forged.is_live(NOW));
        assert_eq!(
            next_action(Some(&forged.to_value()), "tab-a", NOW),
            LeaseAction::Claim
        );
        // A renewal just written is live for the whole TTL.
        assert!(Lease::claim("tab-b", NOW).is_live(NOW));
        assert!(Lease::claim("tab-b", NOW).is_live(NOW + LEASE_TTL_MS - 1));
    }

    #[test]
    fn only_the_last_claim_holds() {
        // Two clients read a free lease and both claim; the store keeps the last write.
        let a = Lease::claim("tab-a", NOW).to_value();
        let b = Lease::claim("tab-b", NOW + 1).to_value();
        let stored = Some(b.as_str());
        assert!(!holds(stored, "tab-a"));
        assert!(holds(stored, "tab-b"));
        assert!(holds(Some(a.as_str()), "tab-a"));
        assert!(!holds(None, "tab-a"));
        assert!(!holds(Some("junk"), "tab-a"));
    }
}
