//! The legacy positional comment methods `task.commentitem.add`, `getlist`,
//! `get`, `update`, `delete`: parameters bound by position (see
//! [`positional`](crate::tasks::positional)), UPPER_SNAKE output, `ERROR_CORE`
//! with the `TASKS_ERROR_EXCEPTION_#…` texts. Anyone who sees the task comments;
//! authors (and administrators) change and delete their comments.

use portico_protocol::envelope::format_datetime;
use portico_protocol::params::{php_array, value_as_string, Params};
use portico_protocol::ApiError;
use portico_store::TaskComment;
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::tasks::positional::{
    action_failed, int_arg, positional, task_exception, wrong_argument,
};
use crate::tasks::{visible_task, SCOPE};
use crate::values::store_error;

const TASKID: ParamSpec = ParamSpec {
    name: "TASKID",
    kind: "integer",
    required: true,
    description: "Task ID (first positional parameter).",
    description_pt: "ID da tarefa (primeiro parâmetro posicional).",
};
const ITEMID: ParamSpec = ParamSpec {
    name: "ITEMID",
    kind: "integer",
    required: true,
    description: "Comment ID (second positional parameter).",
    description_pt: "ID do comentário (segundo parâmetro posicional).",
};
const FIELDS: ParamSpec = ParamSpec {
    name: "FIELDS",
    kind: "object",
    required: true,
    description: "{POST_MESSAGE}.",
    description_pt: "{POST_MESSAGE}.",
};

/// Declares the comment methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "task.commentitem.add",
        "Adds a comment to a task; returns its ID. Parameters by position.",
        "Adiciona um comentário a uma tarefa; retorna seu ID. Parâmetros por posição.",
        &[TASKID, FIELDS],
        r#"{"TASKID": 1, "FIELDS": {"POST_MESSAGE": "Done?"}}"#,
        handler!(add),
    );
    s.method(
        "task.commentitem.getlist",
        "Lists the comments of a task. Parameters by position: TASKID, ORDER, FILTER.",
        "Lista os comentários de uma tarefa. Parâmetros por posição: TASKID, ORDER, FILTER.",
        &[TASKID],
        r#"{"TASKID": 1, "ORDER": {"ID": "asc"}}"#,
        handler!(get_list),
    );
    s.method(
        "task.commentitem.get",
        "Returns one comment of a task. Parameters by position.",
        "Retorna um comentário de uma tarefa. Parâmetros por posição.",
        &[TASKID, ITEMID],
        r#"{"TASKID": 1, "ITEMID": 1}"#,
        handler!(get),
    );
    s.method(
        "task.commentitem.update",
        "Changes the text of a comment. Parameters by position.",
        "Altera o texto de um comentário. Parâmetros por posição.",
        &[TASKID, ITEMID, FIELDS],
        r#"{"TASKID": 1, "ITEMID": 1, "FIELDS": {"POST_MESSAGE": "Done!"}}"#,
        handler!(update),
    );
    s.method(
        "task.commentitem.delete",
        "Deletes a comment. Parameters by position.",
        "Remove um comentário. Parâmetros por posição.",
        &[TASKID, ITEMID],
        r#"{"TASKID": 1, "ITEMID": 1}"#,
        handler!(delete),
    );
}

/// `POST_MESSAGE` of positional `FIELDS` at `index`; other keys refused.
fn message_arg(args: &[&Value], index: usize, method: &str) -> Result<String, ApiError> {
    let fields = args.get(index).and_then(|v| php_array(v)).ok_or_else(|| {
        wrong_argument(
            method,
            index,
            "arFields",
            "expected to be of type \"array\"",
        )
    })?;
    for key in fields.keys() {
        if !matches!(
            key.as_str(),
            "POST_MESSAGE" | "AUTHOR_ID" | "POST_DATE" | "UF_FORUM_MESSAGE_DOC"
        ) {
            return Err(wrong_argument(
                method,
                index,
                "arFields",
                &format!("must not contain key \"{key}\""),
            ));
        }
    }
    let text = fields
        .get("POST_MESSAGE")
        .and_then(value_as_string)
        .unwrap_or_default();
    if text.trim().is_empty() {
        return Err(task_exception(
            256,
            "Comment text is not specified",
            "WRONG_ARGUMENTS",
        ));
    }
    super::positional::bounded("POST_MESSAGE", &text, portico_store::sizes::MAX_TEXT_CHARS)?;
    Ok(text)
}

async fn render(ctx: &Ctx, c: &TaskComment) -> Result<Value, ApiError> {
    let author = ctx
        .store
        .user_by_id(c.author_id)
        .await
        .map_err(store_error)?;
    let (name, email) = author
        .map(|u| {
            (
                format!("{} {}", u.name, u.last_name).trim().to_owned(),
                u.email,
            )
        })
        .unwrap_or_default();
    Ok(json!({
        "POST_MESSAGE_HTML": null,
        "ID": c.id.to_string(),
        "AUTHOR_ID": c.author_id.to_string(),
        "AUTHOR_NAME": name,
        "AUTHOR_EMAIL": email,
        "POST_DATE": format_datetime(c.post_date, ctx.clock.offset),
        "POST_MESSAGE": c.message,
        "ATTACHED_OBJECTS": {},
    }))
}

async fn comment_of(ctx: &Ctx, task_id: i64, id: i64) -> Result<TaskComment, ApiError> {
    visible_task(ctx, task_id)
        .await?
        .ok_or_else(action_failed)?;
    let comments = ctx
        .store
        .task_comments(task_id)
        .await
        .map_err(store_error)?;
    comments
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(action_failed)
}

async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let args = positional(&params);
    let task_id = int_arg(&args, 0, "taskId", "ctaskcommentitem::add")?;
    let text = message_arg(&args, 1, "ctaskcommentitem::add")?;
    visible_task(&ctx, task_id)
        .await?
        .ok_or_else(action_failed)?;
    let id = ctx
        .store
        .add_task_comment(task_id, ctx.caller.user.id, text, ctx.event_stamp())
        .await
        .map_err(store_error)?
        .ok_or_else(action_failed)?;
    Ok(MethodOutput::value(Value::from(id)))
}

async fn get_list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let args = positional(&params);
    let method = "ctaskcommentitem::getlist";
    let task_id = int_arg(&args, 0, "taskId", method)?;
    let mut descending = true;
    let mut by_date = false;
    if let Some(order) = args.get(1).and_then(|v| php_array(v)) {
        for (key, dir) in order.iter() {
            let upper = key.to_ascii_uppercase();
            if key == "0" && value_as_string(dir).unwrap_or_default().is_empty() {
                continue;
            }
            if !matches!(
                upper.as_str(),
                "ID" | "AUTHOR_ID" | "AUTHOR_NAME" | "AUTHOR_EMAIL" | "POST_DATE"
            ) {
                return Err(wrong_argument(
                    method,
                    1,
                    "arOrder",
                    &format!("must not contain key \"{key}\""),
                ));
            }
            by_date = upper == "POST_DATE";
            descending = !value_as_string(dir).is_some_and(|d| d.eq_ignore_ascii_case("asc"));
        }
    }
    visible_task(&ctx, task_id)
        .await?
        .ok_or_else(action_failed)?;
    let mut comments = ctx
        .store
        .task_comments(task_id)
        .await
        .map_err(store_error)?;
    if by_date {
        comments.sort_by_key(|c| (c.post_date, c.id));
    }
    if descending {
        comments.reverse();
    }
    let mut out = Vec::with_capacity(comments.len());
    for c in &comments {
        out.push(render(&ctx, c).await?);
    }
    Ok(MethodOutput::value(Value::Array(out)))
}

async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let args = positional(&params);
    let task_id = int_arg(&args, 0, "taskId", "ctaskcommentitem::get")?;
    let id = int_arg(&args, 1, "itemId", "ctaskcommentitem::get")?;
    let comment = comment_of(&ctx, task_id, id).await?;
    Ok(MethodOutput::value(render(&ctx, &comment).await?))
}

async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let args = positional(&params);
    let method = "ctaskcommentitem::update";
    let task_id = int_arg(&args, 0, "taskId", method)?;
    let id = int_arg(&args, 1, "itemId", method)?;
    let text = message_arg(&args, 2, method)?;
    let comment = comment_of(&ctx, task_id, id).await?;
    if comment.author_id != ctx.caller.user.id && !ctx.caller.user.is_admin {
        return Err(action_failed());
    }
    ctx.store
        .update_task_comment(task_id, id, text)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(Value::Bool(true)))
}

async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let args = positional(&params);
    let task_id = int_arg(&args, 0, "taskId", "ctaskcommentitem::delete")?;
    let id = int_arg(&args, 1, "itemId", "ctaskcommentitem::delete")?;
    let comment = comment_of(&ctx, task_id, id).await?;
    if comment.author_id != ctx.caller.user.id && !ctx.caller.user.is_admin {
        return Err(action_failed());
    }
    ctx.store
        .delete_task_comment(task_id, id)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(Value::Bool(true)))
}
