//! `log.blogcomment.add` and `log.blogcomment.delete`. Both answer refusals
//! with an empty `error` code and Bitrix24's texts. A comment is left under a
//! post the commenting user may see; the same text twice by the same author
//! under one post is a duplicate. A comment is deleted by its author or an
//! administrator.

use portico_protocol::params::Params;
use portico_protocol::ApiError;
use portico_store::feed::DUPLICATE_COMMENT;
use portico_store::sizes::MAX_TEXT_CHARS;
use portico_store::StoreError;
use serde_json::json;

use super::input::{acting_user, note_ignored, text};
use super::{positive, visible_post, SCOPE};
use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::store_error;

/// Declares the comment methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "log.blogcomment.add",
        "Comments a live feed post the caller may see (POST_ID and TEXT required; USER_ID for administrators) and returns the comment ID. FILES are accepted and not stored.",
        "Comenta uma publicação do feed que quem chama pode ver (POST_ID e TEXT obrigatórios; USER_ID para administradores) e retorna o ID do comentário. FILES são aceitos e não armazenados.",
        &[
            ParamSpec { name: "POST_ID", kind: "integer", required: true, description: "Post ID.", description_pt: "ID da publicação." },
            ParamSpec { name: "TEXT", kind: "string", required: true, description: "Text of the comment.", description_pt: "Texto do comentário." },
            ParamSpec { name: "USER_ID", kind: "integer", required: false, description: "Comment as this user (administrators only).", description_pt: "Comentar como este usuário (somente administradores)." },
        ],
        r#"{"POST_ID": 1, "TEXT": "Thanks!"}"#,
        handler!(add),
    );
    s.method(
        "log.blogcomment.delete",
        "Deletes a comment; its author and administrators only.",
        "Remove um comentário; somente o autor e administradores.",
        &[
            ParamSpec {
                name: "COMMENT_ID",
                kind: "integer",
                required: true,
                description: "Comment ID.",
                description_pt: "ID do comentário.",
            },
            ParamSpec {
                name: "USER_ID",
                kind: "integer",
                required: false,
                description: "Act as this user (administrators only).",
                description_pt: "Agir como este usuário (somente administradores).",
            },
        ],
        r#"{"COMMENT_ID": 1}"#,
        handler!(delete),
    );
}

/// `log.blogcomment.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    note_ignored(&ctx, &params);
    let not_added = || ApiError::legacy("Blog comment hasn't been added");
    let Some(author) = acting_user(&ctx, &params).await? else {
        return Err(ApiError::legacy("No permissions"));
    };
    let Some(post_id) = positive(&params, "POST_ID") else {
        return Err(ApiError::legacy("No post found"));
    };
    if visible_post(&ctx, author.id, post_id).await?.is_none() {
        return Err(ApiError::legacy("No post found"));
    }
    let body = text(&params, "TEXT").unwrap_or_default();
    if body.trim().is_empty() || body.chars().count() > MAX_TEXT_CHARS {
        return Err(not_added());
    }
    match ctx
        .store
        .insert_feed_comment(post_id, author.id, body, ctx.clock.now())
        .await
    {
        Ok(id) => Ok(MethodOutput::value(json!(id))),
        Err(StoreError::Conflict(c)) if c == DUPLICATE_COMMENT => {
            Err(ApiError::legacy("Duplicate comment"))
        }
        Err(StoreError::NotFound) => Err(ApiError::legacy("No post found")),
        Err(e) => Err(store_error(e)),
    }
}

/// `log.blogcomment.delete`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let Some(id) = positive(&params, "COMMENT_ID") else {
        return Err(ApiError::legacy("Wrong comment ID"));
    };
    let Some(user) = acting_user(&ctx, &params).await? else {
        return Err(ApiError::legacy("No delete perms"));
    };
    let comment = ctx.store.feed_comment(id).await.map_err(store_error)?;
    let Some(comment) = comment else {
        return Err(ApiError::legacy("No comment found"));
    };
    if visible_post(&ctx, user.id, comment.post_id)
        .await?
        .is_none()
        && !user.is_admin
    {
        return Err(ApiError::legacy("No comment found"));
    }
    if !(user.is_admin || user.id == comment.author_id) {
        return Err(ApiError::legacy("No delete perms"));
    }
    if !ctx
        .store
        .delete_feed_comment(id, ctx.clock.now())
        .await
        .map_err(store_error)?
    {
        return Err(ApiError::legacy("No comment found"));
    }
    Ok(MethodOutput::value(json!(true)))
}
