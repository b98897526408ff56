//! What an application keeps on the portal (`app.option.get/set`: one set
//! for the application, written by administrators; `user.option.get/set`:
//! one set per user) and `feature.get`. The option methods need an
//! application's token: a webhook gets Bitrix24's `ACCESS_DENIED`
//! "Access denied! Application context required". Values are kept as given
//! (text, numbers, lists, objects), each name replaced on set, the others kept.

use portico_protocol::params::{value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use serde_json::{json, Map, Value};

use crate::context::{AuthKind, Ctx};
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry, BASIC};
use crate::values::store_error;

/// Longest option name, in characters.
const MAX_NAME_CHARS: usize = 255;

/// Largest option value, in bytes of JSON.
const MAX_VALUE_BYTES: usize = 65_535;

/// Most options one call sets.
const MAX_OPTIONS_PER_CALL: usize = 100;

/// The parameter of the get methods.
const OPTION: &[ParamSpec] = &[ParamSpec {
    name: "option",
    kind: "string",
    required: false,
    description: "One option's name; without it, all options.",
    description_pt: "O nome de uma opção; sem ele, todas as opções.",
}];

/// The parameter of the set methods.
const OPTIONS: &[ParamSpec] = &[ParamSpec {
    name: "options",
    kind: "object",
    required: true,
    description: "Names and values to keep ({\"name\": value}); names given replace their values, the others stay.",
    description_pt: "Nomes e valores a guardar ({\"nome\": valor}); os nomes informados substituem seus valores, os demais ficam.",
}];

/// Declares the option methods and `feature.get` (scope `basic`).
pub fn register(r: &mut Registry) {
    let mut s = r.scope(BASIC, &[]);
    s.method(
        "app.option.get",
        "Returns the application's options, or the value of one (null when unset). Application tokens only.",
        "Retorna as opções do aplicativo, ou o valor de uma (null quando não definida). Só com token de aplicativo.",
        OPTION,
        r#"{"option": "data"}"#,
        handler!(app_get),
    );
    s.method(
        "app.option.set",
        "Keeps options for the application (administrators only) and returns true. Application tokens only.",
        "Guarda opções do aplicativo (somente administradores) e retorna true. Só com token de aplicativo.",
        OPTIONS,
        r#"{"options": {"data": "value"}}"#,
        handler!(app_set),
    );
    s.method(
        "user.option.get",
        "Returns the calling user's options for the application, or the value of one. Application tokens only.",
        "Retorna as opções do usuário que chama para o aplicativo, ou o valor de uma. Só com token de aplicativo.",
        OPTION,
        r#"{"option": "data"}"#,
        handler!(user_get),
    );
    s.method(
        "user.option.set",
        "Keeps options of the calling user for the application and returns true. Application tokens only.",
        "Guarda opções do usuário que chama para o aplicativo e retorna true. Só com token de aplicativo.",
        OPTIONS,
        r#"{"options": {"data": "value"}}"#,
        handler!(user_set),
    );
    s.method(
        "feature.get",
        "Whether a feature is available: CODE rest_offline_extended or rest_auth_connector; answers {\"value\": \"Y\"} or \"N\".",
        "Se um recurso está disponível: CODE rest_offline_extended ou rest_auth_connector; responde {\"value\": \"Y\"} ou \"N\".",
        &[ParamSpec { name: "CODE", kind: "string", required: true, description: "The feature's code.", description_pt: "O código do recurso." }],
        r#"{"CODE": "rest_offline_extended"}"#,
        handler!(feature_get),
    );
}

/// Bitrix24's `AccessException`: 403 `ACCESS_DENIED` "Access denied! {why}".
fn access_denied(why: &str) -> ApiError {
    ApiError::new(ErrorCode::AccessDenied, format!("Access denied! {why}"))
}

/// The calling application's id; other callers are refused.
fn app_of(ctx: &Ctx) -> Result<i64, ApiError> {
    match ctx.caller.auth {
        AuthKind::App { id } => Ok(id),
        _ => Err(access_denied("Application context required")),
    }
}

/// Options as answered: one value (null when unset) or all as an object
/// (`[]` when there are none, as PHP's empty array).
async fn read(ctx: &Ctx, params: &Params, user_id: i64) -> Result<MethodOutput, ApiError> {
    let app = app_of(ctx)?;
    let all = ctx
        .store
        .app_options(app, user_id)
        .await
        .map_err(store_error)?;
    if let Some(name) = params.get("option").and_then(value_as_string) {
        let value = all
            .into_iter()
            .find(|(n, _)| *n == name)
            .map_or(Value::Null, |(_, v)| v);
        return Ok(MethodOutput::value(value));
    }
    if all.is_empty() {
        return Ok(MethodOutput::value(json!([])));
    }
    Ok(MethodOutput::value(Value::Object(
        all.into_iter().collect(),
    )))
}

/// The options a set call gives: `options`, else the parameters themselves.
fn given(params: &Params) -> Result<Vec<(String, Value)>, ApiError> {
    let map: Map<String, Value> = match params.get("options") {
        Some(Value::Object(map)) => map.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v.clone()))
            .collect(),
        Some(_) => Map::new(),
        None => params.map().clone(),
    };
    if map.is_empty() {
        return Err(ApiError::new(
            ErrorCode::ErrorArgument,
            "Argument 'options' is null or empty",
        ));
    }
    if map.len() > MAX_OPTIONS_PER_CALL {
        return Err(ApiError::new(
            ErrorCode::ErrorArgument,
            format!("At most {MAX_OPTIONS_PER_CALL} options can be set in one call"),
        ));
    }
    for (name, value) in &map {
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(ApiError::new(
                ErrorCode::ErrorArgument,
                format!("An option name is 1 to {MAX_NAME_CHARS} characters"),
            ));
        }
        if value.to_string().len() > MAX_VALUE_BYTES {
            return Err(ApiError::new(
                ErrorCode::ErrorArgument,
                format!("The value of option '{name}' is larger than {MAX_VALUE_BYTES} bytes"),
            ));
        }
    }
    Ok(map.into_iter().collect())
}

/// Keeps the options of a set call.
async fn write(ctx: &Ctx, params: &Params, user_id: i64) -> Result<MethodOutput, ApiError> {
    let app = app_of(ctx)?;
    let options = given(params)?;
    ctx.store
        .set_app_options(app, user_id, options)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `app.option.get`.
async fn app_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    read(&ctx, &params, 0).await
}

/// `app.option.set`: administrators only.
async fn app_set(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    app_of(&ctx)?;
    if !ctx.caller.user.is_admin {
        return Err(access_denied("Administrator authorization required"));
    }
    write(&ctx, &params, 0).await
}

/// `user.option.get`.
async fn user_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let user = ctx.caller.user.id;
    read(&ctx, &params, user).await
}

/// `user.option.set`.
async fn user_set(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let user = ctx.caller.user.id;
    write(&ctx, &params, user).await
}

/// `feature.get`.
async fn feature_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let code = params
        .get("CODE")
        .and_then(value_as_string)
        .map(|c| c.trim().to_owned())
        .unwrap_or_default();
    if code.is_empty() {
        return Err(ApiError::new(ErrorCode::CodeEmpty, "CODE can't be empty"));
    }
    let available = ctx.plan.has_feature(&code);
    Ok(MethodOutput::value(json!({
        "value": if available { "Y" } else { "N" },
    })))
}
