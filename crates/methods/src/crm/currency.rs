//! `crm.currency.*`: the currency directory. Everyone with the `crm` scope
//! reads it; administrators change it. Rows speak the portal's language
//! (`en`); `crm.currency.get` adds every language under `LANG`. As in
//! Bitrix24, `crm.currency.list` answers every currency with `total` 0 and no
//! paging, and the base currency cannot be deleted.

use portico_protocol::envelope::format_datetime;
use portico_protocol::params::{value_as_i64, value_as_string, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::currencies::{BASE_CURRENCY, CURRENCY_EXISTS};
use portico_store::{Currency, CurrencyChange, CurrencyLang, StoreError};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::crm::write::fields_object;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{check_length, field_descriptor, store_error};
use portico_store::sizes::MAX_STRING_CHARS;

/// The language rows speak.
const PORTAL_LANG: &str = "en";

const CODE: ParamSpec = ParamSpec {
    name: "id",
    kind: "string",
    required: true,
    description: "Currency code (ISO 4217), e.g. EUR.",
    description_pt: "Código da moeda (ISO 4217), p. ex. EUR.",
};

const FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "CURRENCY, AMOUNT_CNT, AMOUNT (price of AMOUNT_CNT units in the base currency), SORT, LANG {lang: {FULL_NAME, FORMAT_STRING, DEC_POINT, THOUSANDS_SEP, DECIMALS, HIDE_ZERO}}.",
    description_pt: "CURRENCY, AMOUNT_CNT, AMOUNT (preço de AMOUNT_CNT unidades na moeda base), SORT, LANG {idioma: {FULL_NAME, FORMAT_STRING, DEC_POINT, THOUSANDS_SEP, DECIMALS, HIDE_ZERO}}.",
};

/// Declares the `crm.currency.*` methods.
pub fn register(r: &mut Registry) {
    let mut s = r.scope("crm", &[]);
    s.method(
        "crm.currency.list",
        "Lists the currencies, base currency included, by SORT (or by order); total is always 0, there is no paging.",
        "Lista as moedas, incluindo a moeda base, por SORT (ou por order); total é sempre 0, sem paginação.",
        &[ParamSpec {
            name: "order",
            kind: "object",
            required: false,
            description: "Sort over sort and currency, e.g. {\"sort\": \"asc\"}.",
            description_pt: "Ordenação por sort e currency, p. ex. {\"sort\": \"asc\"}.",
        }],
        r#"{"order": {"sort": "asc"}}"#,
        handler!(list),
    );
    s.method(
        "crm.currency.get",
        "Returns a currency with its display settings in every language (LANG).",
        "Retorna uma moeda com suas configurações de exibição em cada idioma (LANG).",
        &[CODE],
        r#"{"id": "EUR"}"#,
        handler!(get),
    );
    s.method(
        "crm.currency.add",
        "Adds a currency and returns its code. Administrators only.",
        "Adiciona uma moeda e retorna seu código. Somente administradores.",
        &[FIELDS],
        r#"{"fields": {"CURRENCY": "GBP", "AMOUNT_CNT": 1, "AMOUNT": 1.27, "SORT": 400, "LANG": {"en": {"FULL_NAME": "Pound sterling", "FORMAT_STRING": "£#", "DECIMALS": 2}}}}"#,
        handler!(add),
    );
    s.method(
        "crm.currency.update",
        "Changes a currency's rate, SORT or display settings. Administrators only.",
        "Altera a cotação, SORT ou configurações de exibição de uma moeda. Somente administradores.",
        &[CODE, FIELDS],
        r#"{"id": "EUR", "fields": {"AMOUNT": 1.1}}"#,
        handler!(update),
    );
    s.method(
        "crm.currency.delete",
        "Deletes a currency; the base currency cannot be deleted. Administrators only.",
        "Remove uma moeda; a moeda base não pode ser removida. Somente administradores.",
        &[CODE],
        r#"{"id": "BRL"}"#,
        handler!(delete),
    );
    s.method(
        "crm.currency.fields",
        "Describes the currency fields.",
        "Descreve os campos de moeda.",
        &[],
        "{}",
        handler!(fields),
    );
    s.method(
        "crm.currency.base.get",
        "Returns the code of the base currency.",
        "Retorna o código da moeda base.",
        &[],
        "{}",
        handler!(base_get),
    );
    s.method(
        "crm.currency.base.set",
        "Makes a currency the base currency (its rate becomes 1). Administrators only.",
        "Torna uma moeda a moeda base (sua cotação passa a 1). Somente administradores.",
        &[CODE],
        r#"{"id": "EUR"}"#,
        handler!(base_set),
    );
}

/// `Access denied.` unless the caller is an administrator.
fn require_admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.caller.user.is_admin {
        Ok(())
    } else {
        Err(ApiError::legacy("Access denied."))
    }
}

/// The currency code of `id` (any case).
fn code_param(params: &Params) -> Result<String, ApiError> {
    params
        .resolve("id")
        .and_then(value_as_string)
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::legacy("The parameter id is not defined or invalid."))
}

/// `Not found`.
fn not_found() -> ApiError {
    ApiError::legacy("Not found")
}

/// A rate as Bitrix24 shows it: four decimals.
fn rate_text(value: &Value) -> Option<String> {
    let number = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', ".").parse().ok(),
        _ => None,
    }?;
    (number.is_finite() && number > 0.0).then(|| format!("{number:.4}"))
}

/// One row in the portal's language.
fn render(ctx: &Ctx, c: &Currency) -> Map<String, Value> {
    let mut row = Map::new();
    row.insert("CURRENCY".into(), json!(c.code));
    row.insert("AMOUNT_CNT".into(), json!(c.amount_cnt.to_string()));
    row.insert("AMOUNT".into(), json!(c.amount));
    row.insert("SORT".into(), json!(c.sort.to_string()));
    row.insert("BASE".into(), json!(if c.base { "Y" } else { "N" }));
    let lang = c.langs.iter().find(|l| l.lang == PORTAL_LANG);
    row.insert(
        "FULL_NAME".into(),
        json!(lang.map_or(c.code.as_str(), |l| l.full_name.as_str())),
    );
    row.insert("LID".into(), json!(PORTAL_LANG));
    if let Some(l) = lang {
        for (key, value) in lang_fields(l) {
            if key != "FULL_NAME" {
                row.insert(key.into(), value);
            }
        }
    }
    row.insert(
        "DATE_UPDATE".into(),
        json!(format_datetime(c.date_update, ctx.clock.offset)),
    );
    row
}

/// The display settings of one language, as Bitrix24 names them.
fn lang_fields(l: &CurrencyLang) -> Vec<(&'static str, Value)> {
    vec![
        ("FULL_NAME", json!(l.full_name)),
        ("FORMAT_STRING", json!(l.format_string)),
        ("DEC_POINT", json!(l.dec_point)),
        ("THOUSANDS_SEP", json!(l.thousands_sep)),
        ("DECIMALS", json!(l.decimals.to_string())),
        ("HIDE_ZERO", json!(if l.hide_zero { "Y" } else { "N" })),
    ]
}

/// `LANG {lang: {…}}` of `fields`; unknown keys inside are ignored, texts
/// longer than 255 characters refused.
fn parse_langs(ctx: &Ctx, fields: &Map<String, Value>) -> Result<Vec<CurrencyLang>, ApiError> {
    let Some(Value::Object(langs)) = lookup(fields, "LANG") else {
        return Ok(Vec::new());
    };
    let langs: Vec<CurrencyLang> = langs
        .iter()
        .filter_map(|(lang, v)| {
            let Value::Object(v) = v else {
                ctx.ignored("fields LANG (not an object)", lang);
                return None;
            };
            let text = |k: &str, default: &str| {
                lookup(v, k)
                    .and_then(value_as_string)
                    .unwrap_or_else(|| default.to_owned())
            };
            Some(CurrencyLang {
                lang: lang.trim().to_ascii_lowercase(),
                full_name: text("FULL_NAME", ""),
                format_string: text("FORMAT_STRING", "#"),
                dec_point: text("DEC_POINT", "."),
                thousands_sep: text("THOUSANDS_SEP", " "),
                decimals: lookup(v, "DECIMALS").and_then(value_as_i64).unwrap_or(2),
                hide_zero: text("HIDE_ZERO", "N").eq_ignore_ascii_case("Y"),
            })
        })
        .collect();
    for l in &langs {
        for (name, text) in [
            ("LANG", &l.lang),
            ("FULL_NAME", &l.full_name),
            ("FORMAT_STRING", &l.format_string),
            ("DEC_POINT", &l.dec_point),
            ("THOUSANDS_SEP", &l.thousands_sep),
        ] {
            check_length(name, text, MAX_STRING_CHARS).map_err(ApiError::legacy)?;
        }
    }
    Ok(langs)
}

/// A key of `map`, any case.
fn lookup<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// `crm.currency.list`.
async fn list(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let mut all = ctx.store.list_currencies().await.map_err(store_error)?;
    if let Some(order) = params.array("order")? {
        // Applied last key first, so the first key decides.
        for (key, dir) in order.iter().rev() {
            let descending =
                value_as_string(dir).is_some_and(|d| d.trim().eq_ignore_ascii_case("desc"));
            match key.to_ascii_lowercase().as_str() {
                "sort" => all.sort_by_key(|c| c.sort),
                "currency" => all.sort_by(|a, b| a.code.cmp(&b.code)),
                _ => {
                    ctx.ignored("order", key);
                    continue;
                }
            }
            if descending {
                all.reverse();
            }
        }
    }
    let rows: Vec<Value> = all.iter().map(|c| Value::Object(render(&ctx, c))).collect();
    Ok(MethodOutput {
        total: Some(0),
        ..MethodOutput::value(Value::Array(rows))
    })
}

/// `crm.currency.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let code = code_param(&params)?;
    let c = ctx
        .store
        .currency(&code)
        .await
        .map_err(store_error)?
        .ok_or_else(not_found)?;
    let mut row = render(&ctx, &c);
    let langs: Map<String, Value> = c
        .langs
        .iter()
        .map(|l| {
            let fields: Map<String, Value> = lang_fields(l)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
            (l.lang.clone(), Value::Object(fields))
        })
        .collect();
    row.insert("LANG".into(), Value::Object(langs));
    Ok(MethodOutput::value(Value::Object(row)))
}

/// `crm.currency.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let fields = fields_object(&params)?;
    let required = |key: &str| {
        lookup(&fields, key).ok_or_else(|| {
            ApiError::new(
                ErrorCode::ErrorCore,
                format!("Undefined array key \"{key}\""),
            )
        })
    };
    let code = value_as_string(required("CURRENCY")?)
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()))
        .ok_or_else(|| ApiError::legacy("The field CURRENCY must be a three-letter code."))?;
    let amount_cnt = value_as_i64(required("AMOUNT_CNT")?)
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::legacy("The field AMOUNT_CNT must be a positive integer."))?;
    let amount = rate_text(required("AMOUNT")?)
        .ok_or_else(|| ApiError::legacy("The field AMOUNT must be a positive number."))?;
    let currency = Currency {
        code: code.clone(),
        amount_cnt,
        amount,
        sort: lookup(&fields, "SORT")
            .and_then(value_as_i64)
            .unwrap_or(100),
        base: false,
        date_update: ctx.clock.now(),
        langs: parse_langs(&ctx, &fields)?,
    };
    match ctx
        .store
        .insert_currency(currency, Some(ctx.event_stamp()))
        .await
    {
        Ok(()) => Ok(MethodOutput::value(json!(code))),
        Err(StoreError::Conflict(name)) if name == CURRENCY_EXISTS => {
            Err(ApiError::legacy(format!("Currency {code} already exists.")))
        }
        Err(e) => Err(store_error(e)),
    }
}

/// `crm.currency.update`: `AMOUNT_CNT`, `AMOUNT` (not of the base
/// currency), `SORT` and `LANG`; other keys are ignored.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let code = code_param(&params)?;
    let fields = fields_object(&params)?;
    for key in fields.keys() {
        let known = ["AMOUNT_CNT", "AMOUNT", "SORT", "LANG", "CURRENCY"];
        if !known.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            ctx.ignored("fields", key);
        }
    }
    let change = CurrencyChange {
        amount_cnt: lookup(&fields, "AMOUNT_CNT")
            .map(|v| {
                value_as_i64(v).filter(|n| *n > 0).ok_or_else(|| {
                    ApiError::legacy("The field AMOUNT_CNT must be a positive integer.")
                })
            })
            .transpose()?,
        amount: lookup(&fields, "AMOUNT")
            .map(|v| {
                rate_text(v)
                    .ok_or_else(|| ApiError::legacy("The field AMOUNT must be a positive number."))
            })
            .transpose()?,
        sort: lookup(&fields, "SORT").and_then(value_as_i64),
        langs: parse_langs(&ctx, &fields)?,
        at: ctx.clock.now(),
    };
    match ctx
        .store
        .update_currency(&code, change, Some(ctx.event_stamp()))
        .await
    {
        Ok(true) => Ok(MethodOutput::value(json!(true))),
        Ok(false) => Err(not_found()),
        Err(e) => Err(store_error(e)),
    }
}

/// `crm.currency.delete`.
async fn delete(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let code = code_param(&params)?;
    match ctx
        .store
        .delete_currency(&code, Some(ctx.event_stamp()))
        .await
    {
        Ok(true) => Ok(MethodOutput::value(json!(true))),
        Ok(false) => Err(not_found()),
        Err(StoreError::Conflict(name)) if name == BASE_CURRENCY => {
            Err(ApiError::legacy("Cannot delete base currency."))
        }
        Err(e) => Err(store_error(e)),
    }
}

/// `crm.currency.fields`.
async fn fields(_ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let d = |kind: &str, required: bool, read_only: bool, title: &str| {
        field_descriptor(kind, required, read_only, false, title)
    };
    Ok(MethodOutput::value(json!({
        "CURRENCY": d("string", true, false, "Currency"),
        "AMOUNT_CNT": d("integer", true, false, "Nominal"),
        "AMOUNT": d("double", true, false, "Exchange rate"),
        "BASE": d("char", false, true, "Base currency"),
        "SORT": d("integer", false, false, "Sort"),
        "DATE_UPDATE": d("datetime", false, true, "Updated on"),
        "LANG": d("currency_localization", false, false, "Localizations"),
    })))
}

/// `crm.currency.base.get`.
async fn base_get(ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let all = ctx.store.list_currencies().await.map_err(store_error)?;
    let base = all.iter().find(|c| c.base).map(|c| c.code.clone());
    Ok(MethodOutput::value(json!(base.unwrap_or_default())))
}

/// `crm.currency.base.set`.
async fn base_set(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    require_admin(&ctx)?;
    let code = code_param(&params)?;
    match ctx.store.set_base_currency(&code, ctx.clock.now()).await {
        Ok(true) => Ok(MethodOutput::value(json!(true))),
        Ok(false) => Err(not_found()),
        Err(e) => Err(store_error(e)),
    }
}
