//! The `placement` scope: `placement.bind`, `placement.unbind`,
//! `placement.get` and `placement.list` (Bitrix24's widgets). They work only
//! in an application's context — a webhook or the web UI gets 403
//! `WRONG_AUTH_TYPE` — and binding or unbinding needs an administrator
//! (403 `ACCESS_DENIED` "Access denied!"). The placements offered are the
//! CRM record tabs ([`DETAIL_TABS`]); each also needs the application's
//! `crm` scope, as in Bitrix24, or it is `ERROR_PLACEMENT_NOT_FOUND`.

use portico_protocol::params::{php_array, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::placements::{NewPlacement, Placement};
use portico_store::sizes::MAX_STRING_CHARS;
use portico_store::StoreError;
use serde_json::{json, Map, Value};

use crate::context::{AuthKind, Ctx};
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{check_length, param_bool, param_string, store_error};

/// The CRM record tabs an application may bind: (entity's UI path segment,
/// placement code). Each needs the `crm` scope.
pub const DETAIL_TABS: [(&str, &str); 4] = [
    ("leads", "CRM_LEAD_DETAIL_TAB"),
    ("deals", "CRM_DEAL_DETAIL_TAB"),
    ("contacts", "CRM_CONTACT_DETAIL_TAB"),
    ("companies", "CRM_COMPANY_DETAIL_TAB"),
];

/// The scope every offered placement belongs to.
const PLACEMENT_SCOPE: &str = "crm";

/// Longest handler URL accepted.
const MAX_HANDLER_CHARS: usize = 2048;

/// Longest `LANG_ALL` accepted, as JSON text.
const MAX_LANG_ALL_CHARS: usize = 16 * 1024;

const PLACEMENT: ParamSpec = ParamSpec {
    name: "PLACEMENT",
    kind: "string",
    required: true,
    description: "Placement code, e.g. CRM_DEAL_DETAIL_TAB.",
    description_pt: "Código do local de inserção, p. ex. CRM_DEAL_DETAIL_TAB.",
};

/// Declares the `placement.*` methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("placement", &[]);
    s.method(
        "placement.bind",
        "Binds the application's HANDLER URL to a placement (a tab on CRM records), with TITLE, DESCRIPTION and LANG_ALL translations. Administrators, in an application's context.",
        "Vincula a URL HANDLER do aplicativo a um local de inserção (uma aba nos registros do CRM), com TITLE, DESCRIPTION e traduções em LANG_ALL. Administradores, no contexto de um aplicativo.",
        &[
            PLACEMENT,
            ParamSpec {
                name: "HANDLER",
                kind: "string",
                required: true,
                description: "URL opened in the placement's frame, on the application's host.",
                description_pt: "URL aberta no quadro do local de inserção, no host do aplicativo.",
            },
            ParamSpec {
                name: "TITLE",
                kind: "string",
                required: false,
                description: "Title shown (the tab's label); the application's name when empty.",
                description_pt: "Título exibido (o rótulo da aba); o nome do aplicativo quando vazio.",
            },
            ParamSpec {
                name: "DESCRIPTION",
                kind: "string",
                required: false,
                description: "Description of the placement.",
                description_pt: "Descrição do local de inserção.",
            },
            ParamSpec {
                name: "LANG_ALL",
                kind: "object",
                required: false,
                description: "Translations by language: {\"en\": {\"TITLE\": …, \"DESCRIPTION\": …, \"GROUP_NAME\": …}, \"br\": {…}}.",
                description_pt: "Traduções por idioma: {\"en\": {\"TITLE\": …, \"DESCRIPTION\": …, \"GROUP_NAME\": …}, \"br\": {…}}.",
            },
        ],
        r#"{"PLACEMENT": "CRM_DEAL_DETAIL_TAB", "HANDLER": "https://app.example.com/deal-tab", "TITLE": "Invoices"}"#,
        handler!(bind),
    );
    s.method(
        "placement.unbind",
        "Removes the application's bindings of PLACEMENT: the one of HANDLER, or all when HANDLER is empty. Administrators, in an application's context.",
        "Remove os vínculos do aplicativo com PLACEMENT: o de HANDLER, ou todos quando HANDLER está vazio. Administradores, no contexto de um aplicativo.",
        &[
            PLACEMENT,
            ParamSpec {
                name: "HANDLER",
                kind: "string",
                required: false,
                description: "The handler URL to unbind; all of the placement's when empty.",
                description_pt: "A URL do manipulador a desvincular; todas do local quando vazia.",
            },
        ],
        r#"{"PLACEMENT": "CRM_DEAL_DETAIL_TAB", "HANDLER": "https://app.example.com/deal-tab"}"#,
        handler!(unbind),
    );
    s.method(
        "placement.get",
        "Lists the application's placement bindings. In an application's context.",
        "Lista os vínculos de locais de inserção do aplicativo. No contexto de um aplicativo.",
        &[],
        "{}",
        handler!(get),
    );
    s.method(
        "placement.list",
        "Lists the placement codes the application may bind (with its scopes; SCOPE limits to one scope, FULL=true lists all). In an application's context.",
        "Lista os códigos de locais de inserção que o aplicativo pode vincular (com seus escopos; SCOPE limita a um escopo, FULL=true lista todos). No contexto de um aplicativo.",
        &[
            ParamSpec {
                name: "SCOPE",
                kind: "string",
                required: false,
                description: "Only the placements of this scope (crm).",
                description_pt: "Somente os locais deste escopo (crm).",
            },
            ParamSpec {
                name: "FULL",
                kind: "boolean",
                required: false,
                description: "All placements, whatever the application's scopes.",
                description_pt: "Todos os locais, quaisquer que sejam os escopos do aplicativo.",
            },
        ],
        r#"{"SCOPE": "crm"}"#,
        handler!(list),
    );
}

/// The application calling, or Bitrix24's refusal of any other caller.
fn app_context(ctx: &Ctx) -> Result<i64, ApiError> {
    match ctx.caller.auth {
        AuthKind::App { id } => Ok(id),
        _ => Err(ApiError::new(
            ErrorCode::WrongAuthType,
            "Current authorization type is denied for this method Application context required",
        )),
    }
}

/// Refuses callers that are not administrators.
fn require_admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.caller.user.is_admin {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::AccessDenied, "Access denied!"))
    }
}

/// A required text argument, trimmed; `ERROR_ARGUMENT` when missing or empty.
fn required_text(params: &Params, name: &str) -> Result<String, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Err(empty_argument(name)),
        Some(Value::String(s)) if s.trim().is_empty() => Err(empty_argument(name)),
        Some(Value::String(s)) => Ok(s.trim().to_owned()),
        Some(_) => Err(ApiError::new(
            ErrorCode::ErrorArgument,
            format!("The value of an argument '{name}' must be of type string"),
        )),
    }
}

/// Bitrix24's error for a missing argument.
fn empty_argument(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ErrorArgument,
        format!("Argument '{name}' is null or empty"),
    )
}

/// Whether the application holding `scopes` may bind `code`.
fn offered(code: &str, scopes: &[String]) -> bool {
    DETAIL_TABS.iter().any(|(_, c)| *c == code) && scopes.iter().any(|s| s == PLACEMENT_SCOPE)
}

/// The host (with port) of an `http`/`https` URL without credentials.
fn url_host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return None;
    }
    Some(authority.to_ascii_lowercase())
}

/// `LANG_ALL` as stored JSON text: an object of languages, each an object of
/// `TITLE`, `DESCRIPTION`, `GROUP_NAME` texts; anything else is refused.
fn lang_all(params: &Params) -> Result<String, ApiError> {
    let bad = || {
        ApiError::new(
            ErrorCode::ErrorArgument,
            "The value of an argument 'LANG_ALL' must be an array of languages",
        )
    };
    let Some(value) = params.get("LANG_ALL") else {
        return Ok("{}".to_owned());
    };
    let mut out = Map::new();
    match value {
        Value::Null => {}
        Value::String(s) if s.is_empty() => {}
        // A PHP array: an object, or a list (`[]` when empty, as PHP clients
        // send an empty array).
        Value::Object(_) | Value::Array(_) => {
            let langs = php_array(value).ok_or_else(bad)?;
            for (lang, texts) in langs.iter() {
                let Some(texts) = php_array(texts) else {
                    return Err(bad());
                };
                let mut kept = Map::new();
                for key in ["TITLE", "DESCRIPTION", "GROUP_NAME"] {
                    let text = texts
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(key))
                        .and_then(|(_, v)| value_as_string(v))
                        .unwrap_or_default();
                    kept.insert(key.to_owned(), Value::String(text));
                }
                out.insert(lang.to_ascii_lowercase(), Value::Object(kept));
            }
        }
        _ => return Err(bad()),
    }
    let text = Value::Object(out).to_string();
    check_length("LANG_ALL", &text, MAX_LANG_ALL_CHARS)
        .map_err(|m| ApiError::new(ErrorCode::ErrorArgument, m))?;
    Ok(text)
}

/// `placement.bind`.
async fn bind(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = app_context(&ctx)?;
    require_admin(&ctx)?;
    let code = required_text(&params, "PLACEMENT")?.to_ascii_uppercase();
    if !offered(&code, &ctx.caller.scopes) {
        return Err(ApiError::new(
            ErrorCode::PlacementNotFound,
            "Placement not found",
        ));
    }
    let handler = required_text(&params, "HANDLER")?;
    let app = ctx
        .store
        .app_by_id(app_id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::from_code(ErrorCode::InvalidToken))?;
    let wrong_handler = || ApiError::new(ErrorCode::ErrorArgument, "Wrong handler URL");
    check_length("HANDLER", &handler, MAX_HANDLER_CHARS)
        .map_err(|m| ApiError::new(ErrorCode::ErrorArgument, m))?;
    let host = url_host(&handler).ok_or_else(wrong_handler)?;
    if url_host(&app.handler_url).as_deref() != Some(host.as_str()) {
        // As Bitrix24: the handler lives where the application's handler path does.
        return Err(wrong_handler());
    }
    let title = param_string(&params, "TITLE").unwrap_or_default();
    let description = param_string(&params, "DESCRIPTION").unwrap_or_default();
    for (name, text) in [("TITLE", &title), ("DESCRIPTION", &description)] {
        check_length(name, text, MAX_STRING_CHARS)
            .map_err(|m| ApiError::new(ErrorCode::ErrorArgument, m))?;
    }
    let binding = NewPlacement {
        app_id,
        placement: code,
        handler_url: handler,
        title: title.trim().to_owned(),
        description: description.trim().to_owned(),
        lang_all: lang_all(&params)?,
        created_at: ctx.clock.now(),
    };
    match ctx.store.insert_placement(binding).await {
        Ok(_) => Ok(MethodOutput::value(json!(true))),
        Err(StoreError::Conflict(name)) if name != "foreign_key" => Err(ApiError::new(
            ErrorCode::ErrorCore,
            "Handler already binded",
        )),
        Err(e) => Err(store_error(e)),
    }
}

/// `placement.unbind`: `{"count": …}`, which Bitrix24 raises by two for each
/// binding removed (once when found, once when deleted).
async fn unbind(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = app_context(&ctx)?;
    require_admin(&ctx)?;
    let code = required_text(&params, "PLACEMENT")?.to_ascii_uppercase();
    let handler = param_string(&params, "HANDLER")
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
    let removed = ctx
        .store
        .delete_placements(app_id, &code, handler.as_deref())
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(json!({ "count": removed * 2 })))
}

/// One binding as `placement.get` answers it.
fn render(p: &Placement) -> Value {
    let lang_all: Value = serde_json::from_str(&p.lang_all).unwrap_or_else(|_| json!({}));
    let lang_all = match lang_all {
        Value::Object(m) if m.is_empty() => json!([]),
        other => other,
    };
    json!({
        "placement": p.placement,
        "userId": 0,
        "handler": p.handler_url,
        "options": [],
        "title": p.title,
        "description": p.description,
        "langAll": lang_all,
    })
}

/// `placement.get`: the calling application's bindings.
async fn get(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let app_id = app_context(&ctx)?;
    let all = ctx
        .store
        .app_placements(app_id)
        .await
        .map_err(store_error)?;
    Ok(MethodOutput::value(Value::Array(
        all.iter().map(render).collect(),
    )))
}

/// `placement.list`: the codes the application may bind.
async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    app_context(&ctx)?;
    let scope = param_string(&params, "SCOPE")
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty());
    let shown = match scope {
        Some(scope) => scope == PLACEMENT_SCOPE,
        None => {
            param_bool(&params, "FULL") || ctx.caller.scopes.iter().any(|s| s == PLACEMENT_SCOPE)
        }
    };
    let codes: Vec<&str> = if shown {
        DETAIL_TABS.iter().map(|(_, code)| *code).collect()
    } else {
        Vec::new()
    };
    Ok(MethodOutput::value(json!(codes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_hosts_are_read_from_http_urls_only() {
        assert_eq!(
            url_host("https://App.example.com:8443/tab?x=1").as_deref(),
            Some("app.example.com:8443")
        );
        assert_eq!(url_host("javascript:alert(1)"), None);
        assert_eq!(url_host("https://user@evil.example/"), None);
        assert_eq!(url_host("https:///nohost"), None);
    }
}
