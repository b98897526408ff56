//! `log.blogpost.add`, `log.blogpost.update` and `log.blogpost.delete`.
//! A post needs a text and at least one recipient that exists (`UA` when
//! `DEST` is not given); each write raises its `ONLIVEFEEDPOST*` event.
//! Only the author or an administrator changes or deletes a post.

use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use portico_store::sizes::{MAX_STRING_CHARS, MAX_TEXT_CHARS};
use portico_store::{FeedPost, FeedPostFields, Recipient, User};
use serde_json::json;

use super::input::{self, acting_user, note_ignored, recipients, text};
use super::{positive, SCOPE};
use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{check_length, store_error};

const POST_ID: ParamSpec = ParamSpec {
    name: "POST_ID",
    kind: "integer",
    required: true,
    description: "Post ID.",
    description_pt: "ID da publicação.",
};

const POST_MESSAGE: ParamSpec = ParamSpec {
    name: "POST_MESSAGE",
    kind: "string",
    required: true,
    description: "Text of the post.",
    description_pt: "Texto da publicação.",
};

const POST_TITLE: ParamSpec = ParamSpec {
    name: "POST_TITLE",
    kind: "string",
    required: false,
    description: "Title of the post.",
    description_pt: "Título da publicação.",
};

const DEST: ParamSpec = ParamSpec {
    name: "DEST",
    kind: "array",
    required: false,
    description: "Recipients: UA (all employees), U{id}, SG{id} (workgroup), DR{id} (department with its sub-departments). Default UA.",
    description_pt: "Destinatários: UA (todos os funcionários), U{id}, SG{id} (grupo de trabalho), DR{id} (departamento com seus subdepartamentos). Padrão UA.",
};

const IMPORTANT: ParamSpec = ParamSpec {
    name: "IMPORTANT",
    kind: "string",
    required: false,
    description: "Y to publish it as important (IMPORTANT_DATE_END: until when).",
    description_pt: "Y para publicar como importante (IMPORTANT_DATE_END: até quando).",
};

const USER_ID: ParamSpec = ParamSpec {
    name: "USER_ID",
    kind: "integer",
    required: false,
    description: "Act as this user (administrators only).",
    description_pt: "Agir como este usuário (somente administradores).",
};

/// Declares the post writes.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "log.blogpost.add",
        "Publishes a post in the live feed (POST_MESSAGE required; POST_TITLE, DEST, IMPORTANT, IMPORTANT_DATE_END, TAGS, USER_ID for administrators) and returns its ID. FILES are accepted and not stored.",
        "Publica uma mensagem no feed (POST_MESSAGE obrigatório; POST_TITLE, DEST, IMPORTANT, IMPORTANT_DATE_END, TAGS, USER_ID para administradores) e retorna seu ID. FILES são aceitos e não armazenados.",
        &[POST_MESSAGE, POST_TITLE, DEST, IMPORTANT, USER_ID],
        r#"{"POST_TITLE": "New rules", "POST_MESSAGE": "From Monday on…", "DEST": ["UA"], "TAGS": "rules,office"}"#,
        handler!(add),
    );
    s.method(
        "log.blogpost.update",
        "Changes a post (POST_TITLE and/or POST_MESSAGE, DEST, IMPORTANT, IMPORTANT_DATE_END, TAGS); its author and administrators only. Returns the post ID.",
        "Altera uma publicação (POST_TITLE e/ou POST_MESSAGE, DEST, IMPORTANT, IMPORTANT_DATE_END, TAGS); somente o autor e administradores. Retorna o ID da publicação.",
        &[POST_ID, POST_TITLE, DEST, IMPORTANT, USER_ID],
        r#"{"POST_ID": 1, "POST_MESSAGE": "From Tuesday on…"}"#,
        handler!(update),
    );
    s.method(
        "log.blogpost.delete",
        "Deletes a post with its comments; its author and administrators only.",
        "Remove uma publicação com seus comentários; somente o autor e administradores.",
        &[POST_ID, USER_ID],
        r#"{"POST_ID": 1}"#,
        handler!(delete),
    );
}

/// `SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR` with `text`.
fn add_error(text: &str) -> ApiError {
    ApiError::new(ErrorCode::LogPostAddError, text.to_owned())
}

/// `SONET_CONTROLLER_LIVEFEED_BLOGPOST_UPDATE_ERROR` with `text`.
fn update_error(text: &str) -> ApiError {
    ApiError::new(ErrorCode::LogPostUpdateError, text.to_owned())
}

/// Whether `user` may change or delete `post`: its author or an administrator.
fn may_change(user: &User, post: &FeedPost) -> bool {
    user.is_admin || user.id == post.author_id
}

/// Whether the title and text fit.
fn fits(fields: &FeedPostFields) -> bool {
    check_length("POST_TITLE", &fields.title, MAX_STRING_CHARS).is_ok()
        && check_length("POST_MESSAGE", &fields.text, MAX_TEXT_CHARS).is_ok()
}

/// `log.blogpost.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    note_ignored(&ctx, &params);
    let Some(author) = acting_user(&ctx, &params).await? else {
        return Err(add_error("Blog post hasn't been added"));
    };
    let body = text(&params, "POST_MESSAGE").unwrap_or_default();
    if body.trim().is_empty() {
        return Err(add_error("Blog post hasn't been added"));
    }
    let recipients = match recipients(&ctx, &params, &author).await? {
        None => vec![Recipient::All],
        Some(found) if found.is_empty() => return Err(add_error("No destination specified")),
        Some(found) => found,
    };
    let fields = FeedPostFields {
        title: text(&params, "POST_TITLE")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        text: body,
        recipients,
        important: input::important(&params).unwrap_or(false),
        important_until: input::important_until(&ctx, &params).flatten(),
        tags: input::tags(&params).unwrap_or_default(),
    };
    if !fits(&fields) {
        return Err(add_error("Blog post hasn't been added"));
    }
    let mut stamp = ctx.event_stamp();
    stamp.user_id = Some(author.id);
    let id = ctx
        .store
        .insert_feed_post(author.id, fields, stamp)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(id)))
}

/// `log.blogpost.update`: `POST_TITLE` alone keeps the text; `POST_MESSAGE`
/// alone leaves the post without a title, as Bitrix24 does. What is not
/// given (recipients, importance, tags) stays.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    note_ignored(&ctx, &params);
    let Some(id) = positive(&params, "POST_ID") else {
        return Err(update_error("Wrong post ID"));
    };
    let Some(post) = ctx.store.feed_post(id).await.map_err(store_error)? else {
        return Err(update_error("No post found"));
    };
    let Some(editor) = acting_user(&ctx, &params).await? else {
        return Err(update_error("No write perms"));
    };
    if !may_change(&editor, &post) {
        return Err(update_error("No write perms"));
    }
    let given = |name| text(&params, name).filter(|t| !t.trim().is_empty());
    let (title, body) = (given("POST_TITLE"), given("POST_MESSAGE"));
    if title.is_none() && body.is_none() {
        return Err(ApiError::from_code(ErrorCode::EmptyTitle));
    }
    let recipients = match recipients(&ctx, &params, &editor).await? {
        Some(found) if !found.is_empty() => found,
        Some(_) => {
            ctx.ignored("parameter (no recipient left)", "DEST");
            post.recipients.clone()
        }
        None => post.recipients.clone(),
    };
    let fields = FeedPostFields {
        title: title.map(|t| t.trim().to_owned()).unwrap_or_default(),
        text: body.unwrap_or_else(|| post.text.clone()),
        recipients,
        important: input::important(&params).unwrap_or(post.important),
        important_until: input::important_until(&ctx, &params).unwrap_or(post.important_until),
        tags: input::tags(&params)
            .unwrap_or_else(|| post.tags.iter().map(|t| t.name.clone()).collect()),
    };
    if !fits(&fields) {
        return Err(update_error("Cannot update blog post"));
    }
    let mut stamp = ctx.event_stamp();
    stamp.user_id = Some(editor.id);
    if !ctx
        .store
        .update_feed_post(id, fields, stamp)
        .await
        .map_err(store_error)?
    {
        return Err(update_error("No post found"));
    }
    Ok(MethodOutput::value(json!(id)))
}

/// `log.blogpost.delete`: numeric-string error codes, as Bitrix24 answers.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let wrong_id = || ApiError::new(ErrorCode::ControllerParam, "Wrong post ID");
    let id = positive(&params, "POST_ID").ok_or_else(wrong_id)?;
    let post = ctx
        .store
        .feed_post(id)
        .await
        .map_err(store_error)?
        .ok_or_else(wrong_id)?;
    let Some(user) = acting_user(&ctx, &params).await? else {
        return Err(ApiError::from_code(ErrorCode::LogPostDeleteDenied));
    };
    if !may_change(&user, &post) {
        return Err(ApiError::from_code(ErrorCode::LogPostDeleteDenied));
    }
    let mut stamp = ctx.event_stamp();
    stamp.user_id = Some(user.id);
    if !ctx
        .store
        .delete_feed_post(id, stamp)
        .await
        .map_err(store_error)?
    {
        return Err(ApiError::new(ErrorCode::Uncoded, "Error deleting message"));
    }
    Ok(MethodOutput::value(json!(true)))
}
