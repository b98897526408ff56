//! Applications' event handlers (reference §9.3–9.7): `event.bind`,
//! `event.unbind`, `event.get`, `events` and `event.test`. Bindings are made
//! with an application's token only (a webhook's outbound handlers are set in
//! the web UI); binding for another user (`auth_type`) and offline events need
//! an administrator, and a non-administrator sees and removes only their own
//! bindings. Offline bindings (`event_type=offline`) and the
//! `event.offline.*` methods are in [`offline`].

mod offline;

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
            ParamSpec { name: "handler", kind: "string", required: false, description: "Handler URL (required for online events).", description_pt: "URL de tratamento (obrigatória para eventos online)." },
            ParamSpec { name: "auth_type", kind: "integer", required: false, description: "User whose tokens the handler gets (administrators only for others); default: the user who made the change.", description_pt: "Usuário cujos tokens o tratador recebe (só administradores para outros); padrão: quem fez a mudança." },
            ParamSpec { name: "event_type", kind: "string", required: false, description: "online (default) or offline (administrators only): the change is queued for event.offline.get.", description_pt: "online (padrão) ou offline (só administradores): a mudança entra na fila de event.offline.get." },
            ParamSpec { name: "auth_connector", kind: "string", required: false, description: "Offline: the source key; changes made by calls carrying it are not queued.", description_pt: "Offline: a chave de origem; mudanças feitas por chamadas com ela não entram na fila." },
            ParamSpec { name: "options", kind: "object", required: false, description: "Offline: minTimeout, the least seconds between two ONOFFLINEEVENT (default 1).", description_pt: "Offline: minTimeout, o mínimo de segundos entre dois ONOFFLINEEVENT (padrão 1)." },
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
            ParamSpec { name: "event_type", kind: "string", required: false, description: "online (default) or offline.", description_pt: "online (padrão) ou offline." },
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
    s.method(
        "event.offline.get",
        "Takes the first rows of the calling application's offline queue: deletes them (clear=1, the default) or reserves them under a new process_id (clear=0).",
        "Pega as primeiras linhas da fila offline do aplicativo que chama: apaga-as (clear=1, padrão) ou reserva-as sob um novo process_id (clear=0).",
        &[
            ParamSpec { name: "filter", kind: "object", required: false, description: "On ID, TIMESTAMP_X, EVENT_NAME, MESSAGE_ID, with operators before the names.", description_pt: "Por ID, TIMESTAMP_X, EVENT_NAME, MESSAGE_ID, com operadores antes dos nomes." },
            ParamSpec { name: "order", kind: "object", required: false, description: "Same fields, ASC or DESC; default TIMESTAMP_X ASC.", description_pt: "Mesmos campos, ASC ou DESC; padrão TIMESTAMP_X ASC." },
            ParamSpec { name: "limit", kind: "integer", required: false, description: "How many rows (default 50).", description_pt: "Quantas linhas (padrão 50)." },
            ParamSpec { name: "clear", kind: "integer", required: false, description: "1 (default): delete the rows; 0: reserve them.", description_pt: "1 (padrão): apagar as linhas; 0: reservá-las." },
            ParamSpec { name: "process_id", kind: "string", required: false, description: "Read again the rows reserved by this process.", description_pt: "Ler de novo as linhas reservadas por este processo." },
            ParamSpec { name: "auth_connector", kind: "string", required: false, description: "The queue of this source key.", description_pt: "A fila desta chave de origem." },
            ParamSpec { name: "error", kind: "integer", required: false, description: "1: include rows marked erroneous.", description_pt: "1: incluir linhas marcadas com erro." },
        ],
        r#"{"limit": 10, "clear": 0}"#,
        handler!(offline::get),
    );
    s.method(
        "event.offline.clear",
        "Deletes rows reserved under a process_id: those of id, else of message_id, else all.",
        "Apaga linhas reservadas sob um process_id: as de id, senão as de message_id, senão todas.",
        &[
            ParamSpec {
                name: "process_id",
                kind: "string",
                required: true,
                description: "The process.",
                description_pt: "O processo.",
            },
            ParamSpec {
                name: "id",
                kind: "array",
                required: false,
                description: "Row ids.",
                description_pt: "Ids das linhas.",
            },
            ParamSpec {
                name: "message_id",
                kind: "array",
                required: false,
                description: "MESSAGE_ID values (ignored with id).",
                description_pt: "Valores de MESSAGE_ID (ignorados com id).",
            },
            ParamSpec {
                name: "auth_connector",
                kind: "string",
                required: false,
                description: "The queue of this source key.",
                description_pt: "A fila desta chave de origem.",
            },
        ],
        r#"{"process_id": "yh3gu929sf0d32lsfysqas2y1hlpp09q", "id": [2]}"#,
        handler!(offline::clear),
    );
    s.method(
        "event.offline.error",
        "Marks rows reserved under a process_id erroneous and gives them back to the queue.",
        "Marca com erro linhas reservadas sob um process_id e devolve-as à fila.",
        &[
            ParamSpec {
                name: "process_id",
                kind: "string",
                required: true,
                description: "The process.",
                description_pt: "O processo.",
            },
            ParamSpec {
                name: "message_id",
                kind: "array",
                required: false,
                description: "MESSAGE_ID values.",
                description_pt: "Valores de MESSAGE_ID.",
            },
            ParamSpec {
                name: "auth_connector",
                kind: "string",
                required: false,
                description: "The queue of this source key.",
                description_pt: "A fila desta chave de origem.",
            },
        ],
        r#"{"process_id": "yh3gu929sf0d32lsfysqas2y1hlpp09q", "message_id": ["2"]}"#,
        handler!(offline::error),
    );
    s.method(
        "event.offline.list",
        "Reads the calling application's offline queue without changing it, in pages of 50.",
        "Lê a fila offline do aplicativo que chama sem alterá-la, em páginas de 50.",
        &[
            ParamSpec {
                name: "filter",
                kind: "object",
                required: false,
                description: "On ID, TIMESTAMP_X, EVENT_NAME, MESSAGE_ID, PROCESS_ID, ERROR.",
                description_pt: "Por ID, TIMESTAMP_X, EVENT_NAME, MESSAGE_ID, PROCESS_ID, ERROR.",
            },
            ParamSpec {
                name: "order",
                kind: "object",
                required: false,
                description: "Same fields; default ID ASC.",
                description_pt: "Mesmos campos; padrão ID ASC.",
            },
            ParamSpec {
                name: "start",
                kind: "integer",
                required: false,
                description: "Offset of the page (0, 50, 100, …).",
                description_pt: "Deslocamento da página (0, 50, 100, …).",
            },
            ParamSpec {
                name: "auth_connector",
                kind: "string",
                required: false,
                description: "The queue of this source key.",
                description_pt: "A fila desta chave de origem.",
            },
        ],
        r#"{"filter": {"ERROR": 0}, "order": {"ID": "DESC"}}"#,
        handler!(offline::list),
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
    let event = param_string(&params, "event")
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase();
    if is_offline(&params)? {
        return offline::bind(&ctx, &params, event).await;
    }
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
    let text = |name: &str| param_string(&params, name).filter(|s| !s.trim().is_empty());
    if offline {
        let event = text("event").map(|e| e.trim().to_ascii_uppercase());
        return offline::unbind(&ctx, event).await;
    }
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
    let mut list: Vec<Value> = handlers
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
    list.extend(offline::bindings(&ctx, app_id).await?);
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
