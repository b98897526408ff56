//! Group chats: `im.chat.add` (closed or open, bound to an entity or not,
//! with members and a first message), `im.chat.get` (by entity binding),
//! `im.chat.user.add/list/delete`, `im.chat.leave`, `im.chat.updateTitle`.
//! Members add members and rename the chat; anyone joins an open chat; the
//! owner removes others; everyone may leave. Each change writes its system
//! message. Private dialogs take no members and have no title.

use portico_protocol::params::{php_values, value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::sizes::{MAX_STRING_CHARS, MAX_TEXT_CHARS};
use portico_store::{ChatKind, NewChat, NewMessage, User};
use serde_json::{json, Value};

use super::dialog::{access_error, chat_access, Access};
use super::messages::post_message;
use super::render::{color_of_id, users_by_id, COLORS};
use super::{notices, SCOPE};
use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::store_error;

const CHAT_ID: ParamSpec = ParamSpec {
    name: "CHAT_ID",
    kind: "integer",
    required: true,
    description: "Chat ID.",
    description_pt: "ID do chat.",
};

/// Declares the group chat methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "im.chat.add",
        "Creates a group chat owned by the caller and returns its ID: USERS, TYPE (CHAT closed, OPEN), TITLE, DESCRIPTION, COLOR, MESSAGE (a first message), ENTITY_TYPE and ENTITY_ID (a binding).",
        "Cria um chat de grupo do qual quem chama é dono e retorna seu ID: USERS, TYPE (CHAT fechado, OPEN), TITLE, DESCRIPTION, COLOR, MESSAGE (uma primeira mensagem), ENTITY_TYPE e ENTITY_ID (um vínculo).",
        &[ParamSpec { name: "USERS", kind: "array", required: false, description: "User IDs of the members.", description_pt: "IDs de usuário dos membros." }],
        r#"{"TYPE": "CHAT", "TITLE": "Launch", "USERS": [2, 3], "MESSAGE": "Welcome!"}"#,
        handler!(add),
    );
    s.method(
        "im.chat.get",
        "Finds the chat bound to an entity: {\"ID\": …}, or null.",
        "Encontra o chat vinculado a uma entidade: {\"ID\": …}, ou null.",
        &[
            ParamSpec {
                name: "ENTITY_TYPE",
                kind: "string",
                required: true,
                description: "Binding type (e.g. CRM).",
                description_pt: "Tipo do vínculo (p. ex. CRM).",
            },
            ParamSpec {
                name: "ENTITY_ID",
                kind: "string",
                required: true,
                description: "Binding ID (e.g. DEAL|12).",
                description_pt: "ID do vínculo (p. ex. DEAL|12).",
            },
        ],
        r#"{"ENTITY_TYPE": "CRM", "ENTITY_ID": "DEAL|12"}"#,
        handler!(get),
    );
    s.method(
        "im.chat.user.add",
        "Adds users to a group chat (members add; anyone joins an open chat); HIDE_HISTORY=Y (default) hides earlier messages from them.",
        "Adiciona usuários a um chat de grupo (membros adicionam; qualquer um entra num chat aberto); HIDE_HISTORY=Y (padrão) oculta deles as mensagens anteriores.",
        &[CHAT_ID, ParamSpec { name: "USERS", kind: "array", required: true, description: "User IDs.", description_pt: "IDs de usuário." }],
        r#"{"CHAT_ID": 1, "USERS": [4]}"#,
        handler!(user_add),
    );
    s.method(
        "im.chat.user.list",
        "Lists the user IDs of a chat's members (an empty list when the caller may not see them).",
        "Lista os IDs de usuário dos membros de um chat (lista vazia quando quem chama não pode vê-los).",
        &[CHAT_ID],
        r#"{"CHAT_ID": 1}"#,
        handler!(user_list),
    );
    s.method(
        "im.chat.user.delete",
        "Removes a member from a group chat: the owner removes anyone, a member removes only themself.",
        "Remove um membro de um chat de grupo: o dono remove qualquer um, um membro só a si mesmo.",
        &[CHAT_ID, ParamSpec { name: "USER_ID", kind: "integer", required: true, description: "The member to remove.", description_pt: "O membro a remover." }],
        r#"{"CHAT_ID": 1, "USER_ID": 4}"#,
        handler!(user_delete),
    );
    s.method(
        "im.chat.leave",
        "The caller leaves a group chat (an owner who leaves passes it on).",
        "Quem chama sai de um chat de grupo (um dono que sai o repassa).",
        &[CHAT_ID],
        r#"{"CHAT_ID": 1}"#,
        handler!(leave),
    );
    s.method(
        "im.chat.updatetitle",
        "Renames a group chat (its members).",
        "Renomeia um chat de grupo (seus membros).",
        &[
            CHAT_ID,
            ParamSpec {
                name: "TITLE",
                kind: "string",
                required: true,
                description: "The new title.",
                description_pt: "O novo título.",
            },
        ],
        r#"{"CHAT_ID": 1, "TITLE": "Launch (Q3)"}"#,
        handler!(update_title),
    );
}

/// A text parameter trimmed and cut to `max` characters.
fn text_param(params: &Params, name: &str, max: usize) -> String {
    params
        .get(name)
        .and_then(value_as_string)
        .map(|t| t.trim().chars().take(max).collect())
        .unwrap_or_default()
}

/// The positive ids of an array (or single) parameter, each once.
fn id_list(params: &Params, name: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = params
        .get(name)
        .map(php_values)
        .unwrap_or_default()
        .into_iter()
        .filter_map(value_as_i64)
        .filter(|id| *id > 0)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The active users among `ids`.
async fn active_users(ctx: &Ctx, ids: &[i64]) -> Result<Vec<User>, ApiError> {
    Ok(users_by_id(ctx, ids)
        .await?
        .into_values()
        .filter(|u| u.active)
        .collect())
}

/// `im.chat.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let me = ctx.caller.user.clone();
    let kind = match params.get("TYPE").and_then(value_as_string) {
        Some(t) if t.trim().eq_ignore_ascii_case("OPEN") => ChatKind::Open,
        _ => ChatKind::Closed,
    };
    let members: Vec<i64> = active_users(&ctx, &id_list(&params, "USERS"))
        .await?
        .iter()
        .map(|u| u.id)
        .filter(|id| *id != me.id)
        .collect();
    let mine = ctx
        .store
        .user_chats(me.id, None)
        .await
        .map_err(store_error)?
        .iter()
        .filter(|s| s.chat.kind != ChatKind::Private)
        .count();
    let number = i64::try_from(mine).unwrap_or(0) + 1;
    let color = params
        .get("COLOR")
        .and_then(value_as_string)
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| COLORS.iter().any(|(name, _)| name == c))
        .unwrap_or_else(|| color_of_id(number + me.id).to_owned());
    let mut title = text_param(&params, "TITLE", MAX_STRING_CHARS);
    if title.is_empty() {
        let mut word = color.replace('_', " ").to_lowercase();
        if let Some(first) = word.get(..1) {
            word = first.to_uppercase() + &word[1..];
        }
        title = format!("{word} chat №{number}");
    }
    for ignored in ["AVATAR", "COPILOT_MAIN_ROLE"] {
        if params.get(ignored).is_some() {
            ctx.ignored("parameter", ignored);
        }
    }
    let now = ctx.clock.now();
    let chat = NewChat {
        kind,
        title,
        description: text_param(&params, "DESCRIPTION", MAX_TEXT_CHARS),
        color,
        owner_id: me.id,
        entity_type: text_param(&params, "ENTITY_TYPE", MAX_STRING_CHARS),
        entity_id: text_param(&params, "ENTITY_ID", MAX_STRING_CHARS),
        members: members.clone(),
        created_at: now,
    };
    // One system message: who created the chat, or whom its creator invited.
    let notice = if members.is_empty() {
        notices::created(&me)
    } else {
        let named = users_by_id(&ctx, &members).await?;
        notices::joined(me.clone(), named)(&members)
    };
    let id = ctx
        .store
        .create_chat(chat, Some(notice))
        .await
        .map_err(store_error)?;
    let first = text_param(&params, "MESSAGE", super::messages::MAX_MESSAGE_CHARS);
    if !first.is_empty() {
        let message = NewMessage {
            chat_id: id,
            author_id: me.id,
            text: first,
            params: json!({}),
            uuid: None,
            created_at: now,
        };
        post_message(&ctx, message).await?;
    }
    Ok(MethodOutput::value(json!(id)))
}

/// `im.chat.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let entity_type = text_param(&params, "ENTITY_TYPE", MAX_STRING_CHARS);
    let entity_id = text_param(&params, "ENTITY_ID", MAX_STRING_CHARS);
    if entity_type.is_empty() || entity_id.is_empty() {
        return Ok(MethodOutput::value(Value::Null));
    }
    let found = ctx
        .store
        .chat_by_entity(&entity_type, &entity_id)
        .await
        .map_err(store_error)?;
    let Some(id) = found else {
        return Ok(MethodOutput::value(Value::Null));
    };
    Ok(MethodOutput::value(
        match chat_access(&ctx, id, None).await? {
            Some(_) => json!({"ID": id}),
            None => Value::Null,
        },
    ))
}

/// `CHAT_ID`, or `CHAT_ID_EMPTY`.
fn chat_id(params: &Params) -> Result<i64, ApiError> {
    params
        .get("CHAT_ID")
        .and_then(value_as_i64)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::ChatIdEmpty))
}

/// Group chat `id` as the caller may reach it, or `ACCESS_ERROR` with `denied`.
async fn group_chat(ctx: &Ctx, id: i64, denied: &'static str) -> Result<Access, ApiError> {
    chat_access(ctx, id, None)
        .await?
        .filter(|a| a.chat.kind != ChatKind::Private)
        .ok_or_else(|| access_error(denied))
}

/// `im.chat.user.add`.
async fn user_add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    const DENIED: &str = "It is forbidden to add users to this chat";
    let id = chat_id(&params)?;
    let access = group_chat(&ctx, id, DENIED).await?;
    let me = ctx.caller.user.clone();
    let wanted = id_list(&params, "USERS");
    if wanted.is_empty() {
        return Err(ApiError::from_code(ErrorCode::UserIdEmpty));
    }
    // A visitor of an open chat may only join it themself.
    if !access.can_write() && wanted != [me.id] {
        return Err(access_error(DENIED));
    }
    let users = active_users(&ctx, &wanted).await?;
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let hide_history = params
        .get("HIDE_HISTORY")
        .and_then(value_as_string)
        .is_none_or(|h| !h.trim().eq_ignore_ascii_case("N"));
    let named = users.into_iter().map(|u| (u.id, u)).collect();
    ctx.store
        .add_chat_members(
            id,
            &ids,
            hide_history,
            me.id,
            ctx.clock.now(),
            notices::joined(me, named),
        )
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(true)))
}

/// `im.chat.user.list`.
async fn user_list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = chat_id(&params)?;
    let ids = match chat_access(&ctx, id, None).await? {
        Some(access) => access.member_ids(),
        None => Vec::new(),
    };
    Ok(MethodOutput::value(json!(ids)))
}

/// Removes `user` from the chat of `access` on behalf of the caller.
async fn remove(ctx: &Ctx, access: &Access, user: &User) -> Result<(), ApiError> {
    let me = &ctx.caller.user;
    let notice = if user.id == me.id {
        notices::left(user)
    } else {
        notices::removed(me, user)
    };
    ctx.store
        .remove_chat_member(access.chat.id, user.id, me.id, ctx.clock.now(), notice)
        .await
        .map_err(store_error)?;
    Ok(())
}

/// `im.chat.user.delete`.
async fn user_delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = chat_id(&params)?;
    let user_id = params
        .get("USER_ID")
        .and_then(value_as_i64)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::from_code(ErrorCode::UserIdEmpty))?;
    let access = group_chat(&ctx, id, "Action unavailable").await?;
    let me = ctx.caller.user.id;
    if !access.can_write() {
        return Err(access_error("Action unavailable"));
    }
    if user_id != me && access.chat.owner_id != me {
        return Err(ApiError::from_code(ErrorCode::AccessDeniedKick));
    }
    if !access.members.iter().any(|m| m.user_id == user_id) {
        return Err(ApiError::new(
            ErrorCode::UserNotFound,
            "The specified user is not in the chat",
        ));
    }
    let user = ctx
        .store
        .user_by_id(user_id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::from_code(ErrorCode::UserNotFound))?;
    remove(&ctx, &access, &user).await?;
    Ok(MethodOutput::value(json!(true)))
}

/// `im.chat.leave`.
async fn leave(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = chat_id(&params)?;
    let access = group_chat(&ctx, id, "Action unavailable").await?;
    if !access.can_write() {
        return Err(access_error("Action unavailable"));
    }
    let me = ctx.caller.user.clone();
    remove(&ctx, &access, &me).await?;
    Ok(MethodOutput::value(json!(true)))
}

/// `im.chat.updateTitle`.
async fn update_title(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = chat_id(&params)?;
    let title = text_param(&params, "TITLE", MAX_STRING_CHARS);
    if title.is_empty() {
        return Err(ApiError::from_code(ErrorCode::TitleEmpty));
    }
    let access = group_chat(&ctx, id, "Action unavailable").await?;
    if !access.can_write() {
        return Err(access_error("Action unavailable"));
    }
    let me = &ctx.caller.user;
    ctx.store
        .rename_chat(
            id,
            &title,
            me.id,
            ctx.clock.now(),
            notices::renamed(me, &title),
        )
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(true)))
}
