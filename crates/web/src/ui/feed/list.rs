//! `GET /feed`: the publish form, then the posts the signed-in user may see,
//! newest first, 20 a page (`?start=`), each with its recipients, its
//! comments and a comment form; the author and administrators also get a
//! delete button. [`render`] also answers a refused form, with its draft
//! and the reason.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};
use portico_store::{FeedComment, FeedPost, FeedQuery, FeedWindow, Recipient};

use super::{post_body, FEED_SCRIPT};
use crate::state::AppState;
use crate::ui::i18n::Tr;
use crate::ui::page::{self, display_name, format_instant, Section};
use crate::ui::parse_number;
use crate::ui::session::Signed;

/// Posts per page.
const PAGE: u64 = 20;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 255;

/// What the publish form holds.
#[derive(Debug, Default)]
pub struct Draft {
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
    /// Addressed to chosen recipients rather than to all employees.
    pub chosen: bool,
    /// Chosen users.
    pub users: Vec<i64>,
    /// Chosen workgroups.
    pub groups: Vec<i64>,
    /// Chosen departments.
    pub departments: Vec<i64>,
}

/// The query of `GET /feed`.
#[derive(Debug, serde::Deserialize)]
pub struct PageQuery {
    start: Option<String>,
}

/// `GET /feed`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Query(query): Query<PageQuery>,
) -> Response {
    let start = query
        .start
        .as_deref()
        .and_then(parse_number)
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0);
    render(&state, &headers, &signed, start, &Draft::default(), None).await
}

/// Names of users, workgroups and departments, and what the form offers.
struct Directory {
    users: HashMap<i64, String>,
    groups: HashMap<i64, String>,
    departments: HashMap<i64, String>,
    /// Active users, by name.
    user_choices: Vec<(i64, String)>,
    /// Workgroups the user may see, by name.
    group_choices: Vec<(i64, String)>,
    /// Departments in tree order, with their depth.
    department_choices: Vec<(i64, String, usize)>,
}

/// Loads the [`Directory`] for `signed`.
async fn directory(
    state: &AppState,
    signed: &Signed,
) -> Result<Directory, portico_store::StoreError> {
    let users = state.store.list_users().await?;
    let groups = state.store.list_workgroups().await?;
    let mine = state.store.groups_of_user(signed.user.id).await?;
    let departments = state.store.list_departments().await?;
    let mut user_choices: Vec<(i64, String)> = users
        .iter()
        .filter(|u| u.active)
        .map(|u| (u.id, display_name(u)))
        .collect();
    user_choices.sort_by_key(|(_, name)| name.to_lowercase());
    let mut group_choices: Vec<(i64, String)> = groups
        .iter()
        .filter(|g| g.visible || signed.user.is_admin || mine.contains(&g.id))
        .map(|g| (g.id, g.name.clone()))
        .collect();
    group_choices.sort_by_key(|(_, name)| name.to_lowercase());
    let depth = |mut parent: Option<i64>| {
        let mut depth = 0;
        while let Some(p) = parent.filter(|_| depth < 32) {
            depth += 1;
            parent = departments
                .iter()
                .find(|d| d.id == p)
                .and_then(|d| d.parent);
        }
        depth
    };
    Ok(Directory {
        users: users.iter().map(|u| (u.id, display_name(u))).collect(),
        groups: groups.iter().map(|g| (g.id, g.name.clone())).collect(),
        departments: departments.iter().map(|d| (d.id, d.name.clone())).collect(),
        user_choices,
        group_choices,
        department_choices: departments
            .iter()
            .map(|d| (d.id, d.name.clone(), depth(d.parent)))
            .collect(),
    })
}

/// Whom a post is addressed to, in words.
fn recipients_text(tr: &Tr, dir: &Directory, post: &FeedPost) -> String {
    let named = |names: &HashMap<i64, String>, id: i64| {
        names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    };
    post.recipients
        .iter()
        .map(|r| match *r {
            Recipient::All => tr.t("feed-to-all"),
            Recipient::User(id) => named(&dir.users, id),
            Recipient::Group(id) => named(&dir.groups, id),
            Recipient::Department(id) => named(&dir.departments, id),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The page: the publish form (with `draft` and `error`, answered 400 when
/// there is an error) and the page of posts from `start`.
pub async fn render(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    start: u64,
    draft: &Draft,
    error: Option<String>,
) -> Response {
    let query = FeedQuery {
        reader: signed.user.id,
        post_id: None,
        addressed_to: Vec::new(),
        published_from: None,
        published_to: None,
        window: FeedWindow::Offset { start, limit: PAGE },
    };
    let page = match state.store.feed_posts(query).await {
        Ok(page) => page,
        Err(e) => return page::internal_error(headers, e),
    };
    let ids: Vec<i64> = page.posts.iter().map(|p| p.id).collect();
    let comments = match state.store.feed_comments(&ids).await {
        Ok(comments) => comments,
        Err(e) => return page::internal_error(headers, e),
    };
    let dir = match directory(state, signed).await {
        Ok(dir) => dir,
        Err(e) => return page::internal_error(headers, e),
    };
    let tr = &signed.tr;
    let title = tr.t("nav-feed");
    let total = u64::try_from(page.total.unwrap_or(0)).unwrap_or(0);
    let body = html! {
        div.toolbar { h1 #feed-heading { (title) } }
        p.notice #feed-live hidden { (tr.t("feed-live-news")) " " a href="/feed" { (tr.t("feed-live-reload")) } }
        (publish_form(signed, &dir, draft, error.as_deref()))
        @if page.posts.is_empty() {
            p.muted #feed-empty { (tr.t("feed-empty")) }
        }
        div #feed-posts.stack {
            @for post in &page.posts {
                (post_card(signed, &dir, post, &comments))
            }
        }
        @if start > 0 || start + PAGE < total {
            nav.pager aria-label=(tr.t("feed-pages")) {
                @if start > 0 {
                    a #feed-newer href={ "/feed?start=" (start.saturating_sub(PAGE)) } { (tr.t("feed-newer")) }
                }
                @if start + PAGE < total {
                    a #feed-older href={ "/feed?start=" (start + PAGE) } { (tr.t("feed-older")) }
                }
            }
        }
    };
    let mut response = page::page_with_scripts(signed, Section::Feed, &title, &[FEED_SCRIPT], body);
    if error.is_some() {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    response
}

/// The publish form.
fn publish_form(signed: &Signed, dir: &Directory, draft: &Draft, error: Option<&str>) -> Markup {
    let tr = &signed.tr;
    html! {
        form.card.stack #feed-form method="post" action="/feed" {
            h2 { (tr.t("feed-new-post")) }
            @if let Some(error) = error {
                p.error #feed-form-error role="alert" { (error) }
            }
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="feed-title-input" { (tr.t("feed-field-title")) }
            input #feed-title-input type="text" name="title" value=(draft.title) maxlength=(MAX_TITLE_CHARS);
            label for="feed-text-input" { (tr.t("feed-field-text")) }
            textarea #feed-text-input name="text" rows="4" required { (draft.text) }
            fieldset #feed-recipients {
                legend { (tr.t("feed-recipients")) }
                label.check {
                    input #feed-to-all type="radio" name="to" value="all" checked[!draft.chosen];
                    " " (tr.t("feed-to-all"))
                }
                label.check {
                    input #feed-to-chosen type="radio" name="to" value="chosen" checked[draft.chosen];
                    " " (tr.t("feed-to-chosen"))
                }
                div.row {
                    div.stack {
                        label for="feed-users" { (tr.t("feed-to-users")) }
                        select #feed-users name="user" multiple size="5" {
                            @for (id, name) in &dir.user_choices {
                                option value=(id) selected[draft.users.contains(id)] { (name) }
                            }
                        }
                    }
                    div.stack {
                        label for="feed-groups" { (tr.t("feed-to-groups")) }
                        select #feed-groups name="group" multiple size="5" {
                            @for (id, name) in &dir.group_choices {
                                option value=(id) selected[draft.groups.contains(id)] { (name) }
                            }
                        }
                    }
                    div.stack {
                        label for="feed-departments" { (tr.t("feed-to-departments")) }
                        select #feed-departments name="department" multiple size="5" {
                            @for (id, name, depth) in &dir.department_choices {
                                option value=(id) selected[draft.departments.contains(id)] {
                                    ("\u{a0}\u{a0}".repeat(*depth)) (name)
                                }
                            }
                        }
                    }
                }
            }
            div { button.primary #feed-publish type="submit" { (tr.t("feed-publish")) } }
        }
    }
}

/// One post with its comments and forms.
fn post_card(
    signed: &Signed,
    dir: &Directory,
    post: &FeedPost,
    comments: &[FeedComment],
) -> Markup {
    let tr = &signed.tr;
    let author = |id: i64| {
        dir.users
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    };
    let mine: Vec<&FeedComment> = comments.iter().filter(|c| c.post_id == post.id).collect();
    let may_delete = signed.user.is_admin || signed.user.id == post.author_id;
    html! {
        article.card.stack.feed-post id={ "post-" (post.id) } data-id=(post.id) {
            @if !post.title.is_empty() {
                h2.feed-post-title { (post.title) }
            }
            p.muted.feed-meta {
                strong { (author(post.author_id)) }
                " · " (format_instant(Some(post.created_at)))
                " · " (tr.t("feed-to")) " " span.feed-recipients { (recipients_text(tr, dir, post)) }
            }
            @if post.important {
                p.warning.feed-important { (tr.t("feed-important")) }
            }
            div.feed-text.rich-text { (post_body(&post.text)) }
            @if !post.tags.is_empty() {
                p.muted.feed-tags {
                    @for tag in &post.tags { "#" (tag.name) " " }
                }
            }
            h3 { (tr.t_count("feed-comments", "count", post.comments)) }
            @if !mine.is_empty() {
                ul.feed-comments {
                    @for comment in &mine {
                        li data-id=(comment.id) {
                            strong { (author(comment.author_id)) }
                            " · " span.muted { (format_instant(Some(comment.created_at))) }
                            div.feed-comment-text.rich-text { (post_body(&comment.text)) }
                        }
                    }
                }
            }
            form.row.feed-comment-form method="post" action={ "/feed/" (post.id) "/comments" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label.visually-hidden for={ "feed-comment-" (post.id) } { (tr.t("feed-comment-label")) }
                textarea id={ "feed-comment-" (post.id) } name="text" rows="2" required placeholder=(tr.t("feed-comment-label")) {}
                button type="submit" { (tr.t("feed-comment-send")) }
            }
            @if may_delete {
                form.feed-delete method="post" action={ "/feed/" (post.id) "/delete" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    button.danger type="submit" { (tr.t("feed-delete")) }
                }
            }
        }
    }
}
