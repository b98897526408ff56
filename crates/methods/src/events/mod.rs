//! Applications' event handlers (reference §9.3–9.7): `event.bind`,
//! `event.unbind`, `event.get`, `events` and `event.test`. Bindings are made
//! with an application's token only (a webhook's outbound handlers are set in
//! the web UI); binding for another user (`auth_type`) and offline events need
//! an administrator, and a non-administrator sees and removes only their own
//! bindings. Offline events (`event_type=offline`) are not raised by this
//! portal: binding one is refused.

use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use portico_store::app_events::{AppHandlerFilter, NewAppHandler, APP_ONLY_EVENTS};
use portico_store::events::event_catalogue;
use portico_store::StoreError;
use serde_json::{json, Value};

use crate::context::{AuthKind, Ctx};
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry, BASIC};
use crate::values::{param_bool, param_string, php_intval, store_error};

/// Declares the event methods (no scope needed beyond the application's).
pub fn register(r: &mut Registry) {
    let mut s = r.scope(BASIC, &[]);
    s.method(
        "event.bind",
        "Binds a handler URL of the calling application to an event; the handler gets a POST for each one.",
        "Vincula uma URL de tratamento do aplicativo que chama a um evento; ela recebe um POST a cada ocorrência.",
        &[
            ParamSpec { name: "event", kind: "string", required: true, description: "Event code, any case (ONCRMLEADADD).", description_pt: "Código do evento, em qualquer caixa (ONCRMLEADADD)." },
            ParamSpec { name: "handler", kind: "string", required: true, description: "Handler URL.", description_pt: "URL de tratamento." },
            ParamSpec { name: "auth_type", kind: "integer", required: false, description: "User whose tokens the handler gets (administrators only for others); default: the user who made the change.", description_pt: "Usuário cujos tokens o tratador recebe (só administradores para outros); padrão: quem fez a mudança." },
            ParamSpec { name: "event_type", kind: "string", required: false, description: "online (default); offline is not supported.", description_pt: "online (padrão); offline não é suportado." },
        ],
        r#"{"event": "ONCRMLEADADD", "handler": "https://app.example.com/handler"}"#,
        handler!(bind),
    );
    s.method(
        "event.unbind",
        "Removes the calling application's bindings that match event, handler and auth_type (omitted ones match all).",
        "Remove os vínculos do aplicativo que chama que correspondem a event, handler e auth_type (omitidos correspondem a todos).",
        &[
            ParamSpec { name: "event", kind: "string", required: false, description: "Event code.", description_pt: "Código do evento." },
            ParamSpec { name: "handler", kind: "string", required: false, description: "Handler URL.", description_pt: "URL de tratamento." },
            ParamSpec { name: "auth_type", kind: "integer", required: false, description: "User id; 0 or empty: bindings without one.", description_pt: "Id do usuário; 0 ou vazio: vínculos sem usuário." },
        ],
        r#"{"event": "ONCRMLEADADD", "handler": "https://app.example.com/handler"}"#,
        handler!(unbind),
    );
    s.method(
        "event.get",
        "Lists the calling application's bindings (a non-administrator's own only).",
        "Lista os vínculos do aplicativo que chama (só os próprios para quem não é administrador).",
        &[],
        "{}",
        handler!(get),
    );
    s.method(
        "events",
        "Lists the event codes available to the caller: of its scopes, of one SCOPE, or all (FULL).",
        "Lista os códigos de evento disponíveis para quem chama: dos seus escopos, de um SCOPE ou todos (FULL).",
        &[
            ParamSpec { name: "SCOPE", kind: "string", required: false, description: "Only the events of this scope.", description_pt: "Só os eventos deste escopo." },
            ParamSpec { name: "FULL", kind: "boolean", required: false, description: "Every event of the portal.", description_pt: "Todos os eventos do portal." },
        ],
        r#"{"SCOPE": "crm"}"#,
        handler!(events),
    );
    s.method(
        "event.test",
        "Sends ONAPPTEST to the calling application's handlers bound to it, with the parameters under data[QUERY].",
        "Envia ONAPPTEST aos tratadores do aplicativo que chama vinculados a ele, com os parâmetros em data[QUERY].",
        &[],
        r#"{"any": "data"}"#,
        handler!(test),
    );
}

/// The calling application's id; other callers are refused as Bitrix24 does.
fn app_id(ctx: &Ctx) -> Result<i64, ApiError> {
    match ctx.caller.auth {
        AuthKind::App { id } => Ok(id),
        _ => Err(ApiError::from_code(ErrorCode::WrongAuthType)),
    }
}

/// Refusal of an administrators-only use, in Bitrix24's words.
fn admin_only(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::AccessDenied,
        format!("Access denied! {what} requires administrator access rights"),
    )
}

/// Every event code an application may bind: what the portal raises and the
/// application events.
fn bindable_events() -> Vec<String> {
    event_catalogue()
        .into_iter()
        .map(|e| e.code)
        .chain(APP_ONLY_EVENTS.iter().map(|c| (*c).to_owned()))
        .collect()
}

/// `event_type`: `false` for online (the default), `true` for offline.
fn is_offline(params: &Params) -> Result<bool, ApiError> {
    match param_string(params, "event_type")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "" | "online" => Ok(false),
        "offline" => Ok(true),
        _ => Err(ApiError::new(
            ErrorCode::ErrorArgument,
            "Unknown event_type: expected online or offline",
        )),
    }
}

/// `auth_type` as given: absent `None`; `0` or empty `Some(None)`; a user id.
fn auth_type(params: &Params) -> Option<Option<i64>> {
    let value = params.get("auth_type")?;
    Some(php_intval(value).filter(|id| *id > 0))
}

/// `event.bind`.
async fn bind(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = app_id(&ctx)?;
    let me = &ctx.caller.user;
    if is_offline(&params)? {
        if !me.is_admin {
            return Err(admin_only("Offline events binding"));
        }
        return Err(ApiError::new(
            ErrorCode::ErrorArgument,
            "Offline events are not supported by this portal",
        ));
    }
    let event = param_string(&params, "event")
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase();
    if !bindable_events().contains(&event) {
        return Err(ApiError::from_code(ErrorCode::EventNotFound));
    }
    let auth_user_id = auth_type(&params).flatten();
    if auth_user_id.is_some_and(|id| id != me.id) && !me.is_admin {
        return Err(admin_only("Event binding with AUTH_TYPE"));
    }
    let handler = param_string(&params, "handler").unwrap_or_default();
    if handler.trim().is_empty() {
        return Err(ApiError::new(
            ErrorCode::ErrorArgument,
            "Argument 'handler' is null or empty",
        ));
    }
    let handler_url = (ctx.handler_check)(handler.trim()).map_err(|why| {
        ApiError::new(
            ErrorCode::ErrorArgument,
            format!("Wrong handler URL: {why}"),
        )
    })?;
    let binding = NewAppHandler {
        app_id,
        user_id: me.id,
        event,
        handler_url,
        auth_user_id,
        created_at: ctx.clock.now(),
    };
    match ctx.store.bind_app_handler(binding).await {
        Ok(Some(_)) => Ok(MethodOutput::value(json!(true))),
        Ok(None) => Err(ApiError::new(
            ErrorCode::ErrorCore,
            "Handler already binded",
        )),
        Err(StoreError::Conflict(_)) => Err(ApiError::new(
            ErrorCode::ErrorArgument,
            "No user with this auth_type",
        )),
        Err(e) => Err(store_error(e)),
    }
}

/// `event.unbind`.
async fn unbind(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = app_id(&ctx)?;
    let me = &ctx.caller.user;
    let offline = is_offline(&params)?;
    if offline && !me.is_admin {
        return Err(admin_only("Offline events unbinding"));
    }
    let auth_user_id = auth_type(&params);
    if matches!(auth_user_id, Some(Some(id)) if id != me.id) && !me.is_admin {
        return Err(admin_only("Event unbinding with AUTH_TYPE"));
    }
    if offline {
        return Ok(MethodOutput::value(json!({ "count": 0 })));
    }
    let text = |name: &str| param_string(&params, name).filter(|s| !s.trim().is_empty());
    let filter = AppHandlerFilter {
        event: text("event").map(|e| e.trim().to_ascii_uppercase()),
        handler_url: text("handler").map(|h| {
            let h = h.trim();
            (ctx.handler_check)(h).unwrap_or_else(|_| h.to_owned())
        }),
        auth_user_id,
        user_id: (!me.is_admin).then_some(me.id),
    };
    let count = ctx
        .store
        .unbind_app_handlers(app_id, filter)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!({ "count": count })))
}

/// `event.get`.
async fn get(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = app_id(&ctx)?;
    let me = &ctx.caller.user;
    let handlers = ctx.store.app_handlers(app_id).await.map_err(store_error)?;
    let list: Vec<Value> = handlers
        .into_iter()
        .filter(|h| me.is_admin || h.user_id == me.id)
        .flat_map(|h| {
            let auth_type = h.auth_user_id.unwrap_or(0).to_string();
            h.events
                .into_iter()
                .map(move |event| {
                    json!({
                        "event": event,
                        "handler": h.handler_url,
                        "auth_type": auth_type,
                        "offline": 0,
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect();
    Ok(MethodOutput::value(Value::Array(list)))
}

/// `events`.
async fn events(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let full = param_bool(&params, "FULL");
    let scope = param_string(&params, "SCOPE").filter(|s| !s.trim().is_empty());
    let catalogue = event_catalogue().into_iter().filter(|e| match &scope {
        _ if full => true,
        Some(scope) => e.scope.eq_ignore_ascii_case(scope.trim()),
        None => ctx.caller.scopes.iter().any(|s| s == e.scope),
    });
    let app_events = APP_ONLY_EVENTS
        .iter()
        .map(|c| (*c).to_owned())
        .filter(|_| scope.is_none() || full);
    let codes: Vec<Value> = app_events
        .chain(catalogue.map(|e| e.code))
        .map(Value::String)
        .collect();
    Ok(MethodOutput::value(Value::Array(codes)))
}

/// `event.test`.
async fn test(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = app_id(&ctx)?;
    let query: serde_json::Map<String, Value> = params
        .map()
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("auth"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    ctx.store
        .record_app_event(
            app_id,
            portico_store::TEST_EVENT_CODE,
            json!({ "QUERY": query }),
            ctx.event_stamp(),
        )
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!(1)))
}
