//! The `sonet_group` scope: workgroups and projects (`sonet_group.create/
//! update/delete/get`, `sonet_group.user.get/add`). Parameters are top-level
//! UPPER_SNAKE names (no `fields`); keys beginning with `~` or `=` are
//! discarded on create and update, and `sonet_group.get` drops filter keys
//! with an operator it does not know, as Bitrix24 does (with a leniency
//! warning). A group is listed to everyone when `VISIBLE` is `Y`, else only
//! to its members; administrators see every group with `IS_ADMIN: Y`. The
//! owner and administrators change a group; administrators add members.
//! A group with `SCRUM_MASTER_ID` (a user that exists) is a scrum. Errors
//! are `ERROR_CORE` with Bitrix24's texts.

use portico_protocol::envelope::format_datetime;
use portico_protocol::filter::{parse_filter_key, FilterOp};
use portico_protocol::params::{php_array, php_values, value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::Workgroup;
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::handler;
use crate::listing::page_in_memory;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{check_length, store_error};
use portico_store::sizes::{MAX_STRING_CHARS, MAX_TEXT_CHARS};

/// Filter and order fields of `sonet_group.get`.
const FIELDS: [&str; 10] = [
    "ID",
    "NAME",
    "OWNER_ID",
    "ACTIVE",
    "VISIBLE",
    "OPENED",
    "CLOSED",
    "PROJECT",
    "DATE_CREATE",
    "DATE_UPDATE",
];

const GROUP_ID: ParamSpec = ParamSpec {
    name: "GROUP_ID",
    kind: "integer",
    required: true,
    description: "Workgroup ID.",
    description_pt: "ID do grupo de trabalho.",
};

/// Declares the `sonet_group.*` methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("sonet_group", &[]);
    s.method(
        "sonet_group.create",
        "Creates a workgroup (NAME required; DESCRIPTION, VISIBLE, OPENED, CLOSED, KEYWORDS, INITIATE_PERMS, PROJECT, SCRUM_MASTER_ID, OWNER_ID for administrators) and returns its ID; the caller becomes its owner.",
        "Cria um grupo de trabalho (NAME obrigatório; DESCRIPTION, VISIBLE, OPENED, CLOSED, KEYWORDS, INITIATE_PERMS, PROJECT, SCRUM_MASTER_ID, OWNER_ID para administradores) e retorna seu ID; quem chama vira o dono.",
        &[ParamSpec { name: "NAME", kind: "string", required: true, description: "Group name.", description_pt: "Nome do grupo." }],
        r#"{"NAME": "Website relaunch", "VISIBLE": "Y", "OPENED": "N", "PROJECT": "Y"}"#,
        handler!(create),
    );
    s.method(
        "sonet_group.update",
        "Changes a workgroup's fields; its owner and administrators only. Returns the group ID.",
        "Altera os campos de um grupo de trabalho; somente o dono e administradores. Retorna o ID do grupo.",
        &[GROUP_ID],
        r#"{"GROUP_ID": 1, "DESCRIPTION": "Q3"}"#,
        handler!(update),
    );
    s.method(
        "sonet_group.delete",
        "Deletes a workgroup; its owner and administrators only.",
        "Remove um grupo de trabalho; somente o dono e administradores.",
        &[GROUP_ID],
        r#"{"GROUP_ID": 1}"#,
        handler!(delete),
    );
    s.method(
        "sonet_group.get",
        "Lists the workgroups the caller may see (ORDER, default ID DESC; FILTER on ID, NAME, OWNER_ID, ACTIVE, VISIBLE, OPENED, CLOSED, PROJECT, dates; GROUP_ID; IS_ADMIN=Y for administrators); pages of 50 with start.",
        "Lista os grupos de trabalho que quem chama pode ver (ORDER, padrão ID DESC; FILTER por ID, NAME, OWNER_ID, ACTIVE, VISIBLE, OPENED, CLOSED, PROJECT, datas; GROUP_ID; IS_ADMIN=Y para administradores); páginas de 50 com start.",
        &[
            ParamSpec { name: "ORDER", kind: "object", required: false, description: "e.g. {\"NAME\": \"ASC\"}.", description_pt: "p. ex. {\"NAME\": \"ASC\"}." },
            ParamSpec { name: "FILTER", kind: "object", required: false, description: "e.g. {\"%NAME\": \"Pro\"}.", description_pt: "p. ex. {\"%NAME\": \"Pro\"}." },
        ],
        r#"{"ORDER": {"NAME": "ASC"}, "FILTER": {"%NAME": "Pro"}}"#,
        handler!(get),
    );
    s.method(
        "sonet_group.user.get",
        "Lists the members of a workgroup with their role (A owner, E moderator, K member).",
        "Lista os membros de um grupo de trabalho com seu papel (A dono, E moderador, K membro).",
        &[ParamSpec {
            name: "ID",
            kind: "integer",
            required: true,
            description: "Workgroup ID.",
            description_pt: "ID do grupo de trabalho.",
        }],
        r#"{"ID": 1}"#,
        handler!(user_get),
    );
    s.method(
        "sonet_group.user.add",
        "Adds users to a workgroup without invitation and returns the IDs added. Administrators only.",
        "Adiciona usuários a um grupo de trabalho sem convite e retorna os IDs adicionados. Somente administradores.",
        &[GROUP_ID, ParamSpec { name: "USER_ID", kind: "integer", required: true, description: "A user ID or a list of them.", description_pt: "Um ID de usuário ou uma lista deles." }],
        r#"{"GROUP_ID": 1, "USER_ID": [2, 3]}"#,
        handler!(user_add),
    );
}

/// `ERROR_CORE` with Bitrix24's text.
fn core(text: &str) -> ApiError {
    ApiError::new(ErrorCode::ErrorCore, text.to_owned())
}

/// `Y`/`N` of a flag parameter, if given.
fn flag(params: &Params, name: &str) -> Option<bool> {
    params
        .get(name)
        .and_then(value_as_string)
        .map(|v| v.trim().eq_ignore_ascii_case("Y"))
}

fn yn(b: bool) -> &'static str {
    if b {
        "Y"
    } else {
        "N"
    }
}

/// A group as `sonet_group.get` answers it.
fn render(ctx: &Ctx, g: &Workgroup) -> Value {
    let date = |t: i64| format_datetime(t, ctx.clock.offset);
    json!({
        "ID": g.id.to_string(),
        "SITE_ID": "s1",
        "NAME": g.name,
        "DESCRIPTION": if g.description.is_empty() { Value::Null } else { json!(g.description) },
        "DATE_CREATE": date(g.created_at),
        "DATE_UPDATE": date(g.updated_at),
        "DATE_ACTIVITY": date(g.updated_at),
        "ACTIVE": yn(g.active),
        "VISIBLE": yn(g.visible),
        "OPENED": yn(g.opened),
        "CLOSED": yn(g.closed),
        "SUBJECT_ID": "1",
        "OWNER_ID": g.owner_id.to_string(),
        "KEYWORDS": g.keywords,
        "NUMBER_OF_MEMBERS": g.members.to_string(),
        "SUBJECT_NAME": "Workgroups",
        "PROJECT": yn(g.project),
        "IS_EXTRANET": "N",
        "SCRUM_MASTER_ID": g.scrum_master_id.map(|id| id.to_string()),
    })
}

/// The fields of a create or update over `g`; `~`/`=` keys are discarded.
fn apply(ctx: &Ctx, params: &Params, mut g: Workgroup) -> Result<Workgroup, ApiError> {
    for key in params.map().keys() {
        if key.starts_with('~') || key.starts_with('=') {
            ctx.ignored("parameter", key);
        }
    }
    if let Some(name) = params.get("NAME") {
        g.name = value_as_string(name).unwrap_or_default().trim().to_owned();
    }
    if let Some(d) = params.get("DESCRIPTION") {
        g.description = value_as_string(d).unwrap_or_default();
    }
    if let Some(k) = params.get("KEYWORDS") {
        g.keywords = value_as_string(k).unwrap_or_default();
    }
    if let Some(p) = params.get("INITIATE_PERMS").and_then(value_as_string) {
        let p = p.trim().to_ascii_uppercase();
        if ["A", "E", "K"].contains(&p.as_str()) {
            g.initiate_perms = p;
        }
    }
    for (name, slot) in [
        ("VISIBLE", &mut g.visible),
        ("OPENED", &mut g.opened),
        ("CLOSED", &mut g.closed),
        ("ACTIVE", &mut g.active),
        ("PROJECT", &mut g.project),
    ] {
        if let Some(v) = flag(params, name) {
            *slot = v;
        }
    }
    if let Some(owner) = params.get("OWNER_ID").and_then(value_as_i64) {
        if ctx.caller.user.is_admin && owner > 0 {
            g.owner_id = owner;
        } else {
            ctx.ignored("parameter (administrators only)", "OWNER_ID");
        }
    }
    if g.name.is_empty() {
        return Err(core("Incorrect input data"));
    }
    for (name, text, max) in [
        ("NAME", &g.name, MAX_STRING_CHARS),
        ("KEYWORDS", &g.keywords, MAX_STRING_CHARS),
        ("DESCRIPTION", &g.description, MAX_TEXT_CHARS),
    ] {
        check_length(name, text, max).map_err(|e| core(&e))?;
    }
    g.updated_at = ctx.clock.now();
    Ok(g)
}

/// `SCRUM_MASTER_ID`, when given: a user that exists makes `g` a scrum,
/// `0` or empty makes it an ordinary group again.
async fn scrum_master(ctx: &Ctx, params: &Params, g: &mut Workgroup) -> Result<(), ApiError> {
    let Some(v) = params.get("SCRUM_MASTER_ID") else {
        return Ok(());
    };
    let id = match value_as_string(v).as_deref().map(str::trim) {
        None | Some("") | Some("0") => None,
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| core("Incorrect input data"))?,
        ),
    };
    if let Some(id) = id {
        if ctx
            .store
            .user_by_id(id)
            .await
            .map_err(store_error)?
            .is_none()
        {
            return Err(core("Incorrect input data"));
        }
    }
    g.scrum_master_id = id;
    Ok(())
}

/// `sonet_group.create`.
async fn create(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let now = ctx.clock.now();
    let blank = Workgroup {
        id: 0,
        name: String::new(),
        description: String::new(),
        visible: true,
        opened: false,
        closed: false,
        active: true,
        project: false,
        keywords: String::new(),
        initiate_perms: "K".to_owned(),
        owner_id: ctx.caller.user.id,
        created_at: now,
        updated_at: now,
        members: 0,
        scrum_master_id: None,
    };
    let mut g = apply(&ctx, &params, blank)?;
    scrum_master(&ctx, &params, &mut g).await?;
    let id = ctx.store.insert_workgroup(g).await.map_err(store_error)?;
    Ok(MethodOutput::value(json!(id)))
}

/// The group of parameter `name`, or Bitrix24's errors.
async fn group(ctx: &Ctx, params: &Params, name: &str, wrong: &str) -> Result<Workgroup, ApiError> {
    let id = params
        .get(name)
        .and_then(value_as_i64)
        .filter(|id| *id > 0)
        .ok_or_else(|| core(wrong))?;
    ctx.store
        .list_workgroups()
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or_else(|| core("Socialnetwork group not found"))
}

/// Whether the caller owns `g` or is an administrator.
fn manages(ctx: &Ctx, g: &Workgroup) -> bool {
    ctx.caller.user.is_admin || g.owner_id == ctx.caller.user.id
}

/// `sonet_group.update`.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let g = group(&ctx, &params, "GROUP_ID", "Wrong group ID").await?;
    if !manages(&ctx, &g) {
        return Err(core("User has no permissions to update group"));
    }
    let mut g = apply(&ctx, &params, g)?;
    scrum_master(&ctx, &params, &mut g).await?;
    let id = g.id;
    if !ctx.store.update_workgroup(g).await.map_err(store_error)? {
        return Err(core("Cannot update group"));
    }
    Ok(MethodOutput::value(json!(id)))
}

/// `sonet_group.delete`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let g = group(&ctx, &params, "GROUP_ID", "Wrong group ID").await?;
    if !manages(&ctx, &g) {
        return Err(core("User has no permissions to delete group"));
    }
    if !ctx
        .store
        .delete_workgroup(g.id)
        .await
        .map_err(store_error)?
    {
        return Err(core("Cannot delete group"));
    }
    Ok(MethodOutput::value(json!(true)))
}

/// The value of `g` for filter/order field `field`.
fn value_of(g: &Workgroup, field: &str) -> Value {
    match field {
        "ID" => json!(g.id),
        "NAME" => json!(g.name),
        "OWNER_ID" => json!(g.owner_id),
        "ACTIVE" => json!(yn(g.active)),
        "VISIBLE" => json!(yn(g.visible)),
        "OPENED" => json!(yn(g.opened)),
        "CLOSED" => json!(yn(g.closed)),
        "PROJECT" => json!(yn(g.project)),
        "DATE_CREATE" => json!(g.created_at),
        _ => json!(g.updated_at),
    }
}

/// Whether `g` passes `op` against `wanted` on `field`.
fn passes(ctx: &Ctx, g: &Workgroup, field: &str, op: FilterOp, wanted: &Value) -> bool {
    let have = value_of(g, field);
    let want = |w: &Value| -> Value {
        if field.starts_with("DATE_") {
            value_as_string(w)
                .and_then(|s| portico_protocol::envelope::parse_datetime(&s, ctx.clock.offset))
                .map_or(Value::Null, |t| json!(t))
        } else if have.is_i64() {
            json!(value_as_i64(w).unwrap_or(0))
        } else {
            json!(value_as_string(w).unwrap_or_default())
        }
    };
    let cmp = |w: &Value| match (have.as_i64(), want(w).as_i64()) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => have
            .as_str()
            .zip(want(w).as_str().map(str::to_owned))
            .map(|(a, b)| a.cmp(b.as_str())),
    };
    let values = php_values(wanted);
    let any = |f: &dyn Fn(&Value) -> bool| values.iter().any(|w| f(w));
    let contains = |w: &Value| {
        let needle = value_as_string(w).unwrap_or_default().to_lowercase();
        have.as_str()
            .is_some_and(|h| h.to_lowercase().contains(&needle))
    };
    use std::cmp::Ordering::*;
    match op {
        FilterOp::Eq | FilterOp::In => any(&|w| cmp(w) == Some(Equal)),
        FilterOp::NotEq | FilterOp::NotIn => !any(&|w| cmp(w) == Some(Equal)),
        FilterOp::Gt => any(&|w| cmp(w) == Some(Greater)),
        FilterOp::Gte => any(&|w| matches!(cmp(w), Some(Greater | Equal))),
        FilterOp::Lt => any(&|w| cmp(w) == Some(Less)),
        FilterOp::Lte => any(&|w| matches!(cmp(w), Some(Less | Equal))),
        FilterOp::Like => any(&contains),
        FilterOp::NotLike => !any(&contains),
        _ => true,
    }
}

/// `sonet_group.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let mut all = ctx.store.list_workgroups().await.map_err(store_error)?;
    let see_all = ctx.caller.user.is_admin && flag(&params, "IS_ADMIN") == Some(true);
    if !see_all {
        let mine = ctx
            .store
            .groups_of_user(ctx.caller.user.id)
            .await
            .map_err(store_error)?;
        all.retain(|g| g.visible || mine.contains(&g.id));
    }
    let mut conditions: Vec<(String, FilterOp, Value)> = Vec::new();
    if let Some(filter) = params.get("FILTER").and_then(php_array) {
        for (key, value) in filter.iter() {
            let supported = parse_filter_key(key).ok().filter(|(op, name)| {
                FIELDS.contains(&name.to_ascii_uppercase().as_str())
                    && !matches!(op, FilterOp::LikeRaw | FilterOp::NotLikeRaw)
            });
            match supported {
                Some((op, name)) => conditions.push((name.to_ascii_uppercase(), op, value.clone())),
                None => ctx.ignored("FILTER", key),
            }
        }
    }
    if let Some(id) = params.get("GROUP_ID") {
        conditions.push(("ID".to_owned(), FilterOp::Eq, id.clone()));
    }
    all.retain(|g| {
        conditions
            .iter()
            .all(|(field, op, value)| passes(&ctx, g, field, *op, value))
    });
    let order: Vec<(String, bool)> = match params.get("ORDER").and_then(php_array) {
        Some(map) if !map.is_empty() => map
            .iter()
            .filter_map(|(k, dir)| {
                let field = k.to_ascii_uppercase();
                if !FIELDS.contains(&field.as_str()) {
                    ctx.ignored("ORDER", k);
                    return None;
                }
                let desc =
                    value_as_string(dir).is_some_and(|d| d.trim().eq_ignore_ascii_case("DESC"));
                Some((field, desc))
            })
            .collect(),
        _ => vec![("ID".to_owned(), true)],
    };
    all.sort_by(|a, b| {
        for (field, desc) in &order {
            let (x, y) = (value_of(a, field), value_of(b, field));
            let by = match (x.as_i64(), y.as_i64()) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => x.as_str().cmp(&y.as_str()),
            };
            let by = if *desc { by.reverse() } else { by };
            if by.is_ne() {
                return by;
            }
        }
        a.id.cmp(&b.id)
    });
    Ok(page_in_memory(&all, params.get("start"), |g| {
        render(&ctx, g)
    }))
}

/// `sonet_group.user.get`: members of a group the caller may see.
async fn user_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let g = group(&ctx, &params, "ID", "Wrong socialnetwork group ID").await?;
    let members = ctx.store.group_members(g.id).await.map_err(store_error)?;
    let member = members.iter().any(|m| m.user_id == ctx.caller.user.id);
    if !(g.visible || member || ctx.caller.user.is_admin) {
        return Err(core("Socialnetwork group not found"));
    }
    let rows: Vec<Value> = members
        .iter()
        .map(|m| json!({"USER_ID": m.user_id.to_string(), "ROLE": m.role}))
        .collect();
    Ok(MethodOutput::value(Value::Array(rows)))
}

/// `sonet_group.user.add`.
async fn user_add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let g = group(&ctx, &params, "GROUP_ID", "Wrong group ID").await?;
    if !ctx.caller.user.is_admin {
        return Err(core("No permissions to add users"));
    }
    let ids: Vec<i64> = params
        .get("USER_ID")
        .map(php_values)
        .unwrap_or_default()
        .into_iter()
        .filter_map(value_as_i64)
        .filter(|id| *id > 0)
        .collect();
    let mut known = Vec::new();
    for id in &ids {
        if ctx
            .store
            .user_by_id(*id)
            .await
            .map_err(store_error)?
            .is_some()
        {
            known.push(*id);
        }
    }
    if known.is_empty() {
        return Err(core("Wrong user IDs"));
    }
    let added = ctx
        .store
        .add_group_members(g.id, &known)
        .await
        .map_err(store_error)?;
    let added: Vec<Value> = added.iter().map(|id| json!(id.to_string())).collect();
    Ok(MethodOutput::value(Value::Array(added)))
}
