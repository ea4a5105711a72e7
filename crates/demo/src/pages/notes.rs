//! `/notes`: the protected API, called with the ID token.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Note};
use crate::auth::use_auth;
use crate::widgets::{FormError, Loading, Submit};

fn when(created: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(created as f64 * 1000.0));
    String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// The notes page.
#[component]
pub fn Notes() -> impl IntoView {
    let ctx = use_auth();
    let notes = RwSignal::new(None::<Vec<Note>>);
    let load_error = RwSignal::new(None::<String>);
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let deleting = RwSignal::new(None::<i64>);

    spawn_local(async move {
        match api::list(ctx).await {
            Ok(list) => notes.set(Some(list)),
            Err(e) => load_error.set(Some(e)),
        }
    });

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = text.get_untracked().trim().to_owned();
        if t.is_empty() {
            error.set(Some("Write something first.".into()));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::add(ctx, &t).await;
            busy.set(false);
            match result {
                Ok(note) => {
                    text.set(String::new());
                    notes.update(|n| n.get_or_insert_with(Vec::new).insert(0, note));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let remove = move |id: i64| {
        deleting.set(Some(id));
        error.set(None);
        spawn_local(async move {
            let result = api::delete(ctx, id).await;
            deleting.set(None);
            match result {
                Ok(()) => notes.update(|n| {
                    if let Some(n) = n {
                        n.retain(|x| x.id != id);
                    }
                }),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <section class="card">
            <h1>"Your notes"</h1>
            <p class="muted">"Kept by the protected API, which checks your ID token on every request."</p>
            <form class="inline-form" on:submit=add>
                <div class="field grow">
                    <label for="note-text">"New note"</label>
                    <input id="note-text" name="note-text" maxlength="1000" placeholder="Something to remember"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
                </div>
                <Submit busy label="Add note" busy_label="Adding…"/>
            </form>
            <FormError error/>
            {move || match (notes.get(), load_error.get()) {
                (_, Some(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                (None, None) => view! { <Loading what="Loading your notes…"/> }.into_any(),
                (Some(list), None) if list.is_empty() => view! {
                    <p class="empty" data-testid="notes-empty">"No notes yet. Add your first one above."</p>
                }.into_any(),
                (Some(list), None) => view! {
                    <ul class="notes" data-testid="notes">
                        {list.into_iter().map(|n| {
                            let id = n.id;
                            view! {
                                <li class="note">
                                    <div>
                                        <p class="note-text">{n.text}</p>
                                        <p class="note-meta">{when(n.created)}</p>
                                    </div>
                                    <button type="button" class="ghost small danger"
                                        aria-label="Delete note"
                                        disabled=move || deleting.get() == Some(id)
                                        on:click=move |_| remove(id)>
                                        {move || if deleting.get() == Some(id) { "Deleting…" } else { "Delete" }}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
