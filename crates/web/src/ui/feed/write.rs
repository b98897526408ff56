//! The Feed page's forms: `POST /feed` publishes a post (`log.blogpost.add`,
//! to `UA` or to the chosen users, workgroups and departments), `POST
//! /feed/{id}/comments` comments it (`log.blogcomment.add`), `POST
//! /feed/{id}/delete` deletes it (`log.blogpost.delete`). A refused form
//! shows the page again with the reason; success goes back to the post.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use portico_protocol::{ApiError, ErrorCode};
use serde_json::json;

use super::call;
use super::list::{render, Draft, MAX_TITLE_CHARS};
use crate::state::AppState;
use crate::ui::page;
use crate::ui::parse_id;
use crate::ui::session::{CheckedForm, FormData, Signed};
use crate::ui::tasks::refusal_text;

/// The ids a multiple select sent as `name`.
fn ids(form: &FormData, name: &str) -> Vec<i64> {
    form.all(name)
        .into_iter()
        .filter_map(|v| parse_id(v.trim()))
        .collect()
}

/// The DEST codes of a draft.
fn dest(draft: &Draft) -> Vec<String> {
    if !draft.chosen {
        return vec!["UA".to_owned()];
    }
    let users = draft.users.iter().map(|id| format!("U{id}"));
    let groups = draft.groups.iter().map(|id| format!("SG{id}"));
    let departments = draft.departments.iter().map(|id| format!("DR{id}"));
    users.chain(groups).chain(departments).collect()
}

/// The page again, with `draft` and the refusal `reason`.
async fn refused(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    draft: &Draft,
    reason: String,
) -> Response {
    render(state, headers, signed, 0, draft, Some(reason)).await
}

/// The words for a method's refusal.
fn refusal(signed: &Signed, e: &ApiError) -> String {
    signed.tr.t_with(
        "feed-error-refused",
        &[("reason", &refusal_text(&e.description))],
    )
}

/// `POST /feed`.
pub async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let draft = Draft {
        title: form.text("title"),
        text: form.get("text").unwrap_or("").trim_end().to_owned(),
        chosen: form.text("to") == "chosen",
        users: ids(&form, "user"),
        groups: ids(&form, "group"),
        departments: ids(&form, "department"),
    };
    let problem = if draft.text.trim().is_empty() {
        Some("feed-error-text")
    } else if draft.title.chars().count() > MAX_TITLE_CHARS {
        Some("feed-error-title")
    } else if dest(&draft).is_empty() {
        Some("feed-error-recipients")
    } else {
        None
    };
    if let Some(problem) = problem {
        let reason = signed.tr.t(problem);
        return refused(&state, &headers, &signed, &draft, reason).await;
    }
    let params = json!({
        "POST_TITLE": draft.title,
        "POST_MESSAGE": draft.text,
        "DEST": dest(&draft),
    });
    match call(&state, &signed, "log.blogpost.add", params).await {
        Ok(out) => match out.result.as_i64() {
            Some(id) => {
                tracing::info!(target: "portico::web", by = signed.user.id, post = id, "feed post published");
                Redirect::to(&format!("/feed#post-{id}")).into_response()
            }
            None => page::internal_error(&headers, "log.blogpost.add answered without an id"),
        },
        Err(e) if e.code == ErrorCode::LogPostAddError => {
            let reason = refusal(&signed, &e);
            refused(&state, &headers, &signed, &draft, reason).await
        }
        Err(e) => page::internal_error(&headers, e),
    }
}

/// `POST /feed/{id}/comments`.
pub async fn comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let text = form.get("text").unwrap_or("").trim_end().to_owned();
    if text.trim().is_empty() {
        let reason = signed.tr.t("feed-error-comment");
        return refused(&state, &headers, &signed, &Draft::default(), reason).await;
    }
    let params = json!({ "POST_ID": id, "TEXT": text });
    match call(&state, &signed, "log.blogcomment.add", params).await {
        Ok(_) => Redirect::to(&format!("/feed#post-{id}")).into_response(),
        Err(e) if e.code == ErrorCode::Legacy && e.description == "No post found" => {
            page::not_found(&signed.tr)
        }
        Err(e) if e.code == ErrorCode::Legacy => {
            let reason = refusal(&signed, &e);
            refused(&state, &headers, &signed, &Draft::default(), reason).await
        }
        Err(e) => page::internal_error(&headers, e),
    }
}

/// `POST /feed/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form: _ }: CheckedForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    match call(
        &state,
        &signed,
        "log.blogpost.delete",
        json!({ "POST_ID": id }),
    )
    .await
    {
        Ok(_) => Redirect::to("/feed").into_response(),
        Err(e) if e.code == ErrorCode::LogPostDeleteDenied => {
            page::error_page(&signed.tr, StatusCode::FORBIDDEN, "feed-error-denied")
        }
        Err(e) if e.code == ErrorCode::ControllerParam => page::not_found(&signed.tr),
        Err(e) => page::internal_error(&headers, e),
    }
}
