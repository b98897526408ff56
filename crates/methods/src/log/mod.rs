//! The `log` scope: the live feed. Posts (`log.blogpost.add/update/delete`
//! in [`post`], `log.blogpost.get` in [`get`], rows shaped in [`render`]) and
//! comments (`log.blogcomment.add/delete` in [`comment`]); the parameters
//! they share (DEST codes, the acting user, the post's fields) in [`input`].
//!
//! A post is addressed with Bitrix24's DEST codes (`UA`, `U{id}`, `SG{id}`,
//! `DR{id}`) and seen by its recipients and its author only: the store
//! decides it in its query. Only the author or an administrator changes or
//! deletes a post. `USER_ID` (acting as another user) is honoured for
//! administrators only. Errors follow Bitrix24 method by method: coded
//! `SONET_CONTROLLER_LIVEFEED_*` errors for add and update, numeric-string
//! codes for delete, an empty code for the comment methods.

pub mod comment;
pub mod get;
pub mod input;
pub mod post;
pub mod render;

use portico_protocol::params::{value_as_i64, Params};
use portico_protocol::ApiError;
use portico_store::{FeedPost, FeedQuery, FeedWindow};

use crate::context::Ctx;
use crate::registry::Registry;
use crate::values::store_error;

/// The scope of every feed method.
pub const SCOPE: &str = "log";

/// Declares the `log` methods.
pub fn register(r: &mut Registry) {
    post::register(r);
    get::register(r);
    comment::register(r);
}

/// Post `id` when `reader` may see it.
pub async fn visible_post(ctx: &Ctx, reader: i64, id: i64) -> Result<Option<FeedPost>, ApiError> {
    let page = ctx
        .store
        .feed_posts(FeedQuery {
            reader,
            post_id: Some(id),
            addressed_to: Vec::new(),
            published_from: None,
            published_to: None,
            window: FeedWindow::Offset { start: 0, limit: 1 },
        })
        .await
        .map_err(store_error)?;
    Ok(page.posts.into_iter().next())
}

/// Parameter `name` when it is a positive number.
pub fn positive(params: &Params, name: &str) -> Option<i64> {
    params.get(name).and_then(value_as_i64).filter(|n| *n > 0)
}
