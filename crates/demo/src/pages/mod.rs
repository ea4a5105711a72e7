//! One module per route.

pub mod confirm;
pub mod forgot;
pub mod home;
pub mod notes;
pub mod profile;
pub mod signin;
pub mod signup;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A query parameter of the current URL (e.g. `next`, `username`).
pub fn query(name: &'static str) -> Memo<Option<String>> {
    let q = use_query_map();
    Memo::new(move |_| q.read().get(name))
}

/// `next` when it is a path of this app (never another site).
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .unwrap_or_else(|| "/notes".into())
}
