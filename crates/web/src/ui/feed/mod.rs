//! The Feed page: the live feed posts the signed-in user may see, newest
//! first, each with its comments and a form to comment, and a form to
//! publish a post to all employees or to chosen users, workgroups and
//! departments ([`list`]). Posts are read through the store's feed query,
//! which decides visibility exactly as `log.blogpost.get` does; every write
//! goes through the REST methods (`log.blogpost.add`, `log.blogpost.delete`,
//! `log.blogcomment.add`) called as the signed-in user ([`write`]). Texts
//! are shown through the shared BB-code renderer ([`post_body`]). Forms work
//! without scripts; `feed.js` tells of new activity on the page.

mod list;
mod write;

use axum::routing::{get, post};
use axum::Router;
use maud::Markup;
use portico_methods::MethodOutput;
use portico_protocol::ApiError;
use serde_json::Value;

use super::crm;
use super::session::Signed;
use crate::state::AppState;

/// The scope the feed pages call methods with.
pub const SCOPE: &str = "log";

/// The script of the feed page (served by [`super::routes`]).
const FEED_SCRIPT: &str = "/static/feed.js";

/// The feed pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feed", get(list::show).post(write::publish))
        .route("/feed/{id}/comments", post(write::comment))
        .route("/feed/{id}/delete", post(write::delete))
}

/// Calls REST method `method` with `params` as the signed-in user, scope `log`.
async fn call(
    state: &AppState,
    signed: &Signed,
    method: &str,
    params: Value,
) -> Result<MethodOutput, ApiError> {
    crm::call_in_scope(state, signed, SCOPE, method, params).await
}

/// A post's or a comment's text as the page shows it: its BB-code rendered
/// by the shared safe renderer (every piece of text escaped, line breaks
/// kept).
pub fn post_body(text: &str) -> Markup {
    super::rich_text::text(&text.replace("\r\n", "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_text_is_escaped_with_its_line_breaks_and_bb_code() {
        assert_eq!(
            post_body("a <b>\r\n& c").into_string(),
            "a &lt;b&gt;<br>&amp; c"
        );
        assert!(post_body("[b]x[/b]").into_string().contains(">x</"));
    }

    #[test]
    fn comment_counts_read_in_each_language() {
        use crate::ui::i18n::{Lang, Tr};
        let count = |lang, n| Tr::new(lang).t_count("feed-comments", "count", n);
        assert_eq!(count(Lang::En, 0), "No comments");
        assert_eq!(count(Lang::En, 1), "1 comment");
        assert_eq!(count(Lang::En, 2), "2 comments");
        assert_eq!(count(Lang::PtBr, 0), "Nenhum comentário");
        assert_eq!(count(Lang::PtBr, 1), "1 comentário");
        assert_eq!(count(Lang::PtBr, 3), "3 comentários");
    }
}
