//! The `user` scope: `user.current`, `user.get` and `user.fields` (also granted
//! by `user_basic` and `user_brief`), and `user.add` / `user.update` (only by
//! `user`). What a caller sees follows its scope, as in Bitrix24: `user_brief`
//! the name-and-position fields without contacts, `user_basic` those and the
//! contacts, `user` every field.

use portico_protocol::params::{value_as_string, Params};
use portico_protocol::ApiError;
use portico_store::users::USER;
use std::sync::Arc;

use chrono::FixedOffset;
use portico_store::user_fields::entity_id_of;
use portico_store::{EventStamp, OrderKey, StoreError, UserAdded, UserField, UserFieldStore};
use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::crm::user_fields;
use crate::handler;
use crate::listing::{build_query, page_output, resolve_order_with, UnknownKeys};
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{invalid_arg, param_string, store_error};

mod filter;
mod render;
mod search;
mod write;

/// The definitions of users' profile fields (`UF_USR_*`), by `SORT` then id.
pub async fn profile_fields(store: &dyn UserFieldStore) -> Result<Vec<UserField>, StoreError> {
    store.list_user_fields(entity_id_of(&USER)).await
}

/// Asks a user creation to record its `ONUSERADD`, made at `stamp` (whoever
/// creates the user: `user.add`, the Users page, the command line), with the
/// new user's fields — and its `profile` fields (`UF_USR_*` definitions) — as
/// `user.get` shows them in the portal's time `offset`.
pub fn user_added(stamp: EventStamp, offset: FixedOffset, profile: Vec<UserField>) -> UserAdded {
    let now = stamp.at;
    UserAdded {
        stamp,
        data: Arc::new(move |record| render::event_data(record, &profile, now, offset)),
    }
}

/// The fields `user_brief` shows.
const BRIEF_FIELDS: [&str; 30] = [
    "ID",
    "XML_ID",
    "ACTIVE",
    "NAME",
    "LAST_NAME",
    "SECOND_NAME",
    "TITLE",
    "IS_ONLINE",
    "TIME_ZONE",
    "PERSONAL_PHOTO",
    "TIMESTAMP_X",
    "DATE_REGISTER",
    "PERSONAL_PROFESSION",
    "PERSONAL_GENDER",
    "PERSONAL_BIRTHDAY",
    "PERSONAL_CITY",
    "PERSONAL_STATE",
    "PERSONAL_COUNTRY",
    "WORK_POSITION",
    "WORK_CITY",
    "WORK_STATE",
    "WORK_COUNTRY",
    "LAST_ACTIVITY_DATE",
    "UF_EMPLOYMENT_DATE",
    "UF_TIMEMAN",
    "UF_SKILLS",
    "UF_INTERESTS",
    "UF_DEPARTMENT",
    "UF_PHONE_INNER",
    "USER_TYPE",
];

/// The fields `user_basic` does not show (it shows every other one).
const NOT_BASIC_FIELDS: [&str; 3] = ["LAST_LOGIN", "PERSONAL_WWW", "PERSONAL_ICQ"];

/// Declares the `user.*` methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("user", &["user_basic", "user_brief"]);
    s.method(
        "user.current",
        "Returns the calling user's profile (a webhook's creator).",
        "Retorna o perfil do usuário que chama (o criador do webhook).",
        &[],
        r#"{}"#,
        handler!(current),
    );
    s.method(
        "user.get",
        "Lists users, 50 per page, filtered by FILTER (every user field with the CRM list operators, and UF_DEPARTMENT, IS_ONLINE, NAME_SEARCH, USER_TYPE; unknown keys are ignored) and sorted by sort/order.",
        "Lista usuários, 50 por página, filtrados por FILTER (todo campo de usuário com os operadores das listas do CRM, e UF_DEPARTMENT, IS_ONLINE, NAME_SEARCH, USER_TYPE; chaves desconhecidas são ignoradas) e ordenados por sort/order.",
        &[
            ParamSpec { name: "FILTER", kind: "object", required: false, description: "Conditions, e.g. {\"ACTIVE\": true, \"UF_DEPARTMENT\": 1}.", description_pt: "Condições, p. ex. {\"ACTIVE\": true, \"UF_DEPARTMENT\": 1}." },
            ParamSpec { name: "sort", kind: "string", required: false, description: "Field to sort by (default ID).", description_pt: "Campo de ordenação (padrão ID)." },
            ParamSpec { name: "order", kind: "string", required: false, description: "ASC or DESC.", description_pt: "ASC ou DESC." },
            ParamSpec { name: "select", kind: "array", required: false, description: "Fields to return; * or UF_* for groups of fields (default: all).", description_pt: "Campos a retornar; * ou UF_* para grupos de campos (padrão: todos)." },
            ParamSpec { name: "start", kind: "integer", required: false, description: "Offset; -1 skips counting.", description_pt: "Deslocamento; -1 dispensa a contagem." },
        ],
        r#"{"FILTER": {"ACTIVE": true}, "sort": "ID", "order": "ASC"}"#,
        handler!(get),
    );
    s.method(
        "user.search",
        "Finds users: FILTER NAME, LAST_NAME, WORK_POSITION (words inside), UF_DEPARTMENT_NAME, USER_TYPE, or FIND alone (names, e-mail and position at once); otherwise as user.get.",
        "Encontra usuários: FILTER NAME, LAST_NAME, WORK_POSITION (palavras contidas), UF_DEPARTMENT_NAME, USER_TYPE, ou FIND sozinho (nomes, e-mail e cargo de uma vez); no mais, como user.get.",
        &[
            ParamSpec { name: "FILTER", kind: "object", required: false, description: "e.g. {\"FIND\": \"ana\"} or {\"NAME\": \"Ana\", \"UF_DEPARTMENT_NAME\": \"Sales\"}.", description_pt: "p. ex. {\"FIND\": \"ana\"} ou {\"NAME\": \"Ana\", \"UF_DEPARTMENT_NAME\": \"Vendas\"}." },
            ParamSpec { name: "start", kind: "integer", required: false, description: "Offset; -1 skips counting.", description_pt: "Deslocamento; -1 dispensa a contagem." },
        ],
        r#"{"FILTER": {"FIND": "ana"}}"#,
        handler!(search_users),
    );
    s.method(
        "user.fields",
        "Lists the user fields with their captions.",
        "Lista os campos de usuário com seus rótulos.",
        &[],
        r#"{}"#,
        handler!(fields),
    );
    write::register(r);
}

/// Catalogue positions of the fields the caller's scopes let it read.
fn visible(ctx: &Ctx) -> Vec<usize> {
    let shown = |name: &str| {
        if has_scope(ctx, "user") {
            true
        } else if has_scope(ctx, "user_basic") {
            !NOT_BASIC_FIELDS.contains(&name)
        } else {
            BRIEF_FIELDS.contains(&name)
        }
    };
    USER.fields
        .iter()
        .enumerate()
        .filter(|(_, f)| shown(f.name))
        .map(|(i, _)| i)
        .collect()
}

/// Whether the caller's scopes include `scope`.
fn has_scope(ctx: &Ctx, scope: &str) -> bool {
    ctx.caller.scopes.iter().any(|s| s == scope)
}

/// The profile fields (`UF_USR_*`) the caller may read: all of them with the
/// `user` scope, none with only `user_basic` or `user_brief`.
async fn visible_profile(ctx: &Ctx) -> Result<Vec<UserField>, ApiError> {
    if !has_scope(ctx, "user") {
        return Ok(Vec::new());
    }
    profile_fields(ctx.store.as_ref())
        .await
        .map_err(store_error)
}

/// What `select` names of what the caller sees: `*` everything, `UF_*` the
/// `UF_` fields (profile fields included), names one each (unknown ones
/// skipped); absent or empty, everything. `ID` always.
fn selected(
    visible: &[usize],
    profile: &[UserField],
    select: Option<&Value>,
) -> (Vec<usize>, Vec<UserField>) {
    let names: Vec<String> = match select {
        Some(Value::Array(items)) => items.iter().filter_map(value_as_string).collect(),
        Some(Value::Object(map)) => map.values().filter_map(value_as_string).collect(),
        Some(other) => value_as_string(other).into_iter().collect(),
        None => Vec::new(),
    };
    let names: Vec<String> = names
        .iter()
        .map(|n| n.trim().to_ascii_uppercase())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() || names.iter().any(|n| n == "*") {
        return (visible.to_vec(), profile.to_vec());
    }
    let all_uf = names.iter().any(|n| n == "UF_*");
    let named = |name: &str| (all_uf && name.starts_with("UF_")) || names.iter().any(|n| n == name);
    let fields = visible
        .iter()
        .copied()
        .filter(|&p| {
            let name = USER.fields[p].name;
            name == "ID" || named(name)
        })
        .collect();
    let profile = profile
        .iter()
        .filter(|d| named(&d.field_name))
        .cloned()
        .collect();
    (fields, profile)
}

/// `user.current`.
async fn current(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let record = ctx
        .store
        .get_record(&USER, ctx.caller.user.id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::from_code(portico_protocol::ErrorCode::AuthorizationError))?;
    let profile = visible_profile(&ctx).await?;
    let row = render::row(
        &record,
        &visible(&ctx),
        &profile,
        ctx.clock.now(),
        ctx.clock.offset,
    );
    Ok(MethodOutput::value(row))
}

/// `user.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let visible = visible(&ctx);
    let profile = visible_profile(&ctx).await?;
    let (mut query, start) = build_query(&USER, None, None, params.get("start"), ctx.clock.offset)?;
    query.conditions = filter::conditions(&ctx, &visible, &profile, &params)?;
    if let Some(sort) = param_string(&params, "sort").filter(|s| !s.is_empty()) {
        let dir = param_string(&params, "order").unwrap_or_else(|| "ASC".into());
        let order = Value::Object(Map::from_iter([(sort, Value::String(dir))]));
        query.order = resolve_order_with(&USER, &profile, Some(&order), UnknownKeys::Refuse)?;
        if let Some((OrderKey::Field(p), _)) = query.order.first() {
            if !visible.contains(p) {
                return Err(invalid_arg(format!(
                    "Invalid order: field '{}' is not allowed in order",
                    USER.fields[*p].name
                )));
            }
        }
    }
    let (fields, profile) = selected(&visible, &profile, params.get("select"));
    query.with_uf = !profile.is_empty();
    let page = ctx
        .store
        .list_records(&USER, &query)
        .await
        .map_err(store_error)?;
    let (now, offset) = (ctx.clock.now(), ctx.clock.offset);
    let rows = page
        .records
        .iter()
        .map(|r| render::row(r, &fields, &profile, now, offset))
        .collect();
    Ok(page_output(rows, page.total, start))
}

/// `user.search`: `user.get` over the search's filter.
async fn search_users(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let params = search::as_user_get(&ctx, params).await?;
    get(ctx, params).await
}

/// `user.fields`: field → caption, for the fields the caller may read, then
/// the profile fields with their English form caption (else their name).
async fn fields(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let mut map: Map<String, Value> = visible(&ctx)
        .into_iter()
        .map(|i| {
            let f = &USER.fields[i];
            (f.name.to_string(), Value::from(f.title))
        })
        .collect();
    for def in visible_profile(&ctx).await? {
        let caption = user_fields::display_name(&def).to_owned();
        map.insert(def.field_name, Value::String(caption));
    }
    Ok(MethodOutput::value(Value::Object(map)))
}
