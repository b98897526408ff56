//! Methods of the `basic` scope that every integration may call: `methods`,
//! `method.get`, `scope`, `profile`, `server.time`, `app.info` and `batch`;
//! applications' options and `feature.get` ([`options`]).

mod batch;
mod options;

use portico_protocol::envelope::format_datetime;
use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use serde_json::{json, Value};

use crate::context::{AuthKind, Ctx};
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry, BASIC};
use crate::values::store_error;
use crate::values::{param_bool, param_string};

/// The portal's language, as `app.info` names it in the licence.
const PORTAL_LANGUAGE: &str = "en";

/// Declares the `basic` methods.
pub fn register(r: &mut Registry) {
    options::register(r);
    let mut s = r.scope(BASIC, &[]);
    s.method(
        "methods",
        "Lists method names: those available to the caller, all of them (full), or those of one scope.",
        "Lista nomes de métodos: os disponíveis para quem chama, todos (full) ou os de um escopo.",
        &[
            ParamSpec { name: "full", kind: "boolean", required: false, description: "List every method of the portal.", description_pt: "Listar todos os métodos do portal." },
            ParamSpec { name: "scope", kind: "string", required: false, description: "List the methods of this scope; empty for the common ones.", description_pt: "Listar os métodos deste escopo; vazio para os comuns." },
        ],
        r#"{"full": true}"#,
        handler!(methods),
    );
    s.method(
        "method.get",
        "Tells whether a method exists and whether the caller may call it.",
        "Informa se um método existe e se quem chama pode usá-lo.",
        &[ParamSpec {
            name: "name",
            kind: "string",
            required: true,
            description: "Method name.",
            description_pt: "Nome do método.",
        }],
        r#"{"name": "crm.lead.add"}"#,
        handler!(method_get),
    );
    s.method(
        "scope",
        "Lists the scopes granted to the caller, or every scope of the portal (full).",
        "Lista os escopos concedidos a quem chama, ou todos os escopos do portal (full).",
        &[ParamSpec {
            name: "full",
            kind: "boolean",
            required: false,
            description: "List every scope of the portal.",
            description_pt: "Listar todos os escopos do portal.",
        }],
        r#"{}"#,
        handler!(scope),
    );
    s.method(
        "profile",
        "Returns the basic profile of the calling user.",
        "Retorna o perfil básico do usuário que chama.",
        &[],
        r#"{}"#,
        handler!(profile),
    );
    s.method(
        "server.time",
        "Returns the server's current time in ISO 8601 with the portal's offset.",
        "Retorna a hora atual do servidor em ISO 8601 com o fuso do portal.",
        &[],
        r#"{}"#,
        handler!(server_time),
    );
    s.method(
        "app.info",
        "Returns information about the caller: for a local application its ID, CODE (client_id), VERSION, STATUS (L), INSTALLED, PAYMENT_EXPIRED, DAYS, LANGUAGE_ID and licence; for an inbound webhook its scopes (SCOPE) and the portal's licence (LICENSE).",
        "Retorna informações sobre quem chama: para um aplicativo local, seu ID, CODE (client_id), VERSION, STATUS (L), INSTALLED, PAYMENT_EXPIRED, DAYS, LANGUAGE_ID e a licença; para um webhook de entrada, seus escopos (SCOPE) e a licença do portal (LICENSE).",
        &[],
        r#"{}"#,
        handler!(app_info),
    );
    s.method(
        "batch",
        "Runs up to 50 methods in one request, in order; later commands may use earlier results with $result[key][field].",
        "Executa até 50 métodos numa requisição, em ordem; comandos seguintes podem usar resultados anteriores com $result[chave][campo].",
        &[
            ParamSpec { name: "cmd", kind: "object", required: true, description: "Commands: key => \"method?query\".", description_pt: "Comandos: chave => \"método?consulta\"." },
            ParamSpec { name: "halt", kind: "boolean", required: false, description: "Stop at the first failing command.", description_pt: "Parar no primeiro comando com erro." },
        ],
        r#"{"halt": 0, "cmd": {"me": "user.current", "leads": "crm.lead.list?filter[ASSIGNED_BY_ID]=$result[me][ID]"}}"#,
        handler!(batch::batch),
    )
    .batchable = false;
}

/// `methods`: method names visible to the caller.
async fn methods(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let full = param_bool(&params, "full");
    let scope = params
        .get("scope")
        .map(|_| param_string(&params, "scope").unwrap_or_default());
    let names: Vec<Value> = ctx
        .registry
        .all()
        .iter()
        .filter(|m| match &scope {
            _ if full => true,
            Some(s) if s.is_empty() => m.scope == BASIC,
            Some(s) => {
                m.scope.eq_ignore_ascii_case(s)
                    || m.also_granted_by.iter().any(|a| a.eq_ignore_ascii_case(s))
            }
            None => m.granted_by(&ctx.caller.scopes),
        })
        .map(|m| Value::String(m.name.to_string()))
        .collect();
    Ok(MethodOutput::value(Value::Array(names)))
}

/// `method.get`: `{isExisting, isAvailable}`.
async fn method_get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let spec = param_string(&params, "name").and_then(|n| ctx.registry.get(n.trim()));
    let available = spec.is_some_and(|m| m.granted_by(&ctx.caller.scopes));
    Ok(MethodOutput::value(
        json!({"isExisting": spec.is_some(), "isAvailable": available}),
    ))
}

/// `scope`: granted scopes, or all of them.
async fn scope(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let list: Vec<Value> = if param_bool(&params, "full") {
        ctx.registry
            .scopes()
            .into_iter()
            .map(|s| Value::String(s.into()))
            .collect()
    } else {
        ctx.caller
            .scopes
            .iter()
            .map(|s| Value::String(s.clone()))
            .collect()
    };
    Ok(MethodOutput::value(Value::Array(list)))
}

/// `profile`: the caller's basic profile.
async fn profile(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let u = &ctx.caller.user;
    if !u.active {
        return Ok(MethodOutput::value(json!({})));
    }
    Ok(MethodOutput::value(json!({
        "ID": u.id.to_string(),
        "ADMIN": u.is_admin,
        "NAME": u.name,
        "LAST_NAME": u.last_name,
        "PERSONAL_GENDER": "",
        "TIME_ZONE": "",
    })))
}

/// `server.time`.
async fn server_time(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::value(Value::String(format_datetime(
        ctx.clock.now(),
        ctx.clock.offset,
    ))))
}

/// `app.info`: only applications have one; a webhook gets Bitrix24's 400 `ACCESS_DENIED`.
async fn app_info(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    match ctx.caller.auth {
        // Bitrix24's answer for a webhook (a "password" in its terms): its scopes
        // and the licence; a self-hosted portal's licence is `{lang}_selfhosted`.
        AuthKind::Webhook { .. } => Ok(MethodOutput::value(json!({
            "SCOPE": ctx.caller.scopes,
            "LICENSE": format!("{PORTAL_LANGUAGE}_selfhosted"),
        }))),
        AuthKind::App { id } => {
            let app = ctx
                .store
                .app_by_id(id)
                .await
                .map_err(store_error)?
                .ok_or_else(|| ApiError::from_code(ErrorCode::InvalidToken))?;
            Ok(MethodOutput::value(json!({
                "ID": app.id,
                "CODE": app.client_id,
                "VERSION": app.version,
                "STATUS": "L",
                "INSTALLED": app.installed_at.is_some(),
                "PAYMENT_EXPIRED": "N",
                "DAYS": null,
                "LANGUAGE_ID": PORTAL_LANGUAGE,
                "LICENSE": format!("{PORTAL_LANGUAGE}_selfhosted"),
                "LICENSE_TYPE": "selfhosted",
                "LICENSE_FAMILY": "selfhosted",
            })))
        }
        AuthKind::WebSession => Err(ApiError::new(
            ErrorCode::AccessDenied,
            "Access denied! Application context required",
        )
        .with_status(400)),
    }
}
