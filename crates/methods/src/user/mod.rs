//! The `user` scope (also granted by `user_basic` and `user_brief`): `user.current`,
//! `user.get` and `user.fields`. With only `user_brief`, contact fields (e-mail,
//! phones) are left out, as Bitrix24 drops fields a scope does not allow.

use portico_protocol::params::Params;
use portico_protocol::ApiError;
use portico_store::users::USER;
use portico_store::{Condition, Record};
use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::handler;
use crate::listing::{
    build_query, page_output, render_record, resolve_filter, resolve_order, resolve_select,
    Selection,
};
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{invalid_arg, param_string, store_error};

/// Fields only `user` and `user_basic` may read.
const CONTACT_FIELDS: [&str; 4] = ["EMAIL", "PERSONAL_PHONE", "PERSONAL_MOBILE", "WORK_PHONE"];

/// Parameters of `user.get` that are not filter fields.
const USER_GET_PARAMS: [&str; 7] = [
    "SORT",
    "ORDER",
    "FILTER",
    "START",
    "ADMIN_MODE",
    "SELECT",
    "IMAGE_RESIZE",
];

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
        "Lists users, 50 per page, filtered by FILTER (field operators as in CRM lists) and sorted by sort/order.",
        "Lista usuários, 50 por página, filtrados por FILTER (operadores como nas listas do CRM) e ordenados por sort/order.",
        &[
            ParamSpec { name: "FILTER", kind: "object", required: false, description: "Conditions, e.g. {\"ACTIVE\": true}.", description_pt: "Condições, p. ex. {\"ACTIVE\": true}." },
            ParamSpec { name: "sort", kind: "string", required: false, description: "Field to sort by (default ID).", description_pt: "Campo de ordenação (padrão ID)." },
            ParamSpec { name: "order", kind: "string", required: false, description: "ASC or DESC.", description_pt: "ASC ou DESC." },
            ParamSpec { name: "start", kind: "integer", required: false, description: "Offset; -1 skips counting.", description_pt: "Deslocamento; -1 dispensa a contagem." },
        ],
        r#"{"FILTER": {"ACTIVE": true}, "sort": "ID", "order": "ASC"}"#,
        handler!(get),
    );
    s.method(
        "user.fields",
        "Lists the user fields with their captions.",
        "Lista os campos de usuário com seus rótulos.",
        &[],
        r#"{}"#,
        handler!(fields),
    );
}

/// The fields the caller's scopes let it read.
fn visible(ctx: &Ctx) -> Selection {
    let full = ctx
        .caller
        .scopes
        .iter()
        .any(|s| s == "user" || s == "user_basic");
    let mut sel = resolve_select(&USER, None).unwrap_or(Selection {
        fields: Vec::new(),
        multi: Vec::new(),
        uf: Vec::new(),
    });
    if !full {
        sel.fields
            .retain(|i| !CONTACT_FIELDS.contains(&USER.fields[*i].name));
    }
    sel
}

/// A user row in the wire shape.
fn render(ctx: &Ctx, record: &Record, sel: &Selection) -> Value {
    let mut row = render_record(&USER, record, sel, ctx.clock.offset);
    if let Value::Object(m) = &mut row {
        m.insert("IS_ONLINE".into(), Value::from("N"));
    }
    row
}

/// `user.current`.
async fn current(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let record = ctx
        .store
        .get_record(&USER, ctx.caller.user.id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::from_code(portico_protocol::ErrorCode::AuthorizationError))?;
    Ok(MethodOutput::value(render(&ctx, &record, &visible(&ctx))))
}

/// `user.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let (mut query, start) = build_query(&USER, None, None, params.get("start"), ctx.clock.offset)?;
    query.conditions = resolve_filter(&USER, params.get("FILTER"), ctx.clock.offset)?;
    // Older clients put filter fields at the top level (`user.get?ID=5`).
    let top_level: Map<String, Value> = params
        .map()
        .iter()
        .filter(|(k, _)| {
            let upper = k.to_ascii_uppercase();
            !USER_GET_PARAMS.contains(&upper.as_str()) && USER.index_of(&upper).is_some()
        })
        .map(|(k, v)| (k.to_ascii_uppercase(), v.clone()))
        .collect();
    query.conditions.extend(resolve_filter(
        &USER,
        Some(&Value::Object(top_level)),
        ctx.clock.offset,
    )?);
    let sel = visible(&ctx);
    let hidden = USER
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| !sel.fields.contains(i));
    for (i, f) in hidden {
        if query
            .conditions
            .iter()
            .any(|c| matches!(c, Condition::Field { field, .. } if *field == i))
        {
            return Err(invalid_arg(format!(
                "Invalid filter: field '{}' is not allowed in filter",
                f.name
            )));
        }
    }
    if let Some(sort) = param_string(&params, "sort").filter(|s| !s.is_empty()) {
        let dir = param_string(&params, "order").unwrap_or_else(|| "ASC".into());
        let order = Value::Object(Map::from_iter([(sort, Value::String(dir))]));
        query.order = resolve_order(&USER, Some(&order))?;
    }
    let page = ctx
        .store
        .list_records(&USER, &query)
        .await
        .map_err(store_error)?;
    let rows = page.records.iter().map(|r| render(&ctx, r, &sel)).collect();
    Ok(page_output(rows, page.total, start))
}

/// `user.fields`: field → caption.
async fn fields(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let sel = visible(&ctx);
    let map: Map<String, Value> = sel
        .fields
        .iter()
        .map(|i| {
            (
                USER.fields[*i].name.to_string(),
                Value::from(USER.fields[*i].title),
            )
        })
        .collect();
    Ok(MethodOutput::value(Value::Object(map)))
}
