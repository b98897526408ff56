//! `user.add` (administrators invite a user by e-mail) and `user.update`
//! (administrators change any user, a user their own profile; only
//! administrators change `ACTIVE`). Fields come at the top level, as every
//! Bitrix24 client sends them, profile fields (`UF_USR_*`) among them, read
//! and checked as the CRM reads its user fields (a mandatory one is required on
//! add and cannot be emptied); read-only and unknown keys are ignored (logged
//! at debug level). A new user's login is its e-mail and it has no password,
//! so it cannot sign in until an administrator sets one. `user.add` raises
//! `ONUSERADD` with the new user's fields in its own transaction.

use chrono::FixedOffset;
use portico_protocol::params::{value_as_bool, value_as_i64, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::user_fields::UserFieldWrite;
use portico_store::users::{department_text, USER, USER_EMAIL_CONFLICT};
use portico_store::{FieldValue, StoreError, UserField};
use serde_json::Value;

use crate::context::Ctx;
use crate::crm::user_fields;
use crate::crm::write::looks_like_email;
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{parse_field_value, store_error};

/// The department every employee is in until a company structure exists.
const ROOT_DEPARTMENT: i64 = 1;

/// Declares `user.add` and `user.update` (scope `user` only).
pub(super) fn register(r: &mut Registry) {
    let mut s = r.scope("user", &[]);
    s.method(
        "user.add",
        "Invites a user by e-mail (administrators only) and returns the new user's ID. EMAIL is required and becomes the login; NAME, LAST_NAME, UF_DEPARTMENT (default [1]), EXTRANET (Y: an extranet user, without departments) and the other writable fields of user.fields may be given. The new user has no password and cannot sign in until an administrator sets one (portico user set-password).",
        "Convida um usuário pelo e-mail (somente administradores) e retorna o ID do novo usuário. EMAIL é obrigatório e vira o login; NAME, LAST_NAME, UF_DEPARTMENT (padrão [1]), EXTRANET (Y: usuário de extranet, sem departamentos) e os demais campos graváveis de user.fields podem ser informados. O novo usuário não tem senha e não consegue entrar até que um administrador defina uma (portico user set-password).",
        &[
            ParamSpec { name: "EMAIL", kind: "string", required: true, description: "E-mail address; also the login. A taken one is refused.", description_pt: "Endereço de e-mail; também o login. Um já usado é recusado." },
            ParamSpec { name: "NAME", kind: "string", required: false, description: "First name.", description_pt: "Nome." },
            ParamSpec { name: "LAST_NAME", kind: "string", required: false, description: "Last name.", description_pt: "Sobrenome." },
            ParamSpec { name: "UF_DEPARTMENT", kind: "array", required: false, description: "Department IDs (default [1]).", description_pt: "IDs dos departamentos (padrão [1])." },
            ParamSpec { name: "EXTRANET", kind: "string", required: false, description: "Y for an extranet user (no departments); default N.", description_pt: "Y para um usuário de extranet (sem departamentos); padrão N." },
        ],
        r#"{"EMAIL": "ana@example.com", "NAME": "Ana", "LAST_NAME": "Lima", "UF_DEPARTMENT": [1], "EXTRANET": "N"}"#,
        handler!(add),
    );
    s.method(
        "user.update",
        "Changes the given fields of a user and returns true. Administrators change any user; other users only their own profile. Only administrators change ACTIVE (N deactivates: the user's integrations and sessions stop), and not their own.",
        "Altera os campos informados de um usuário e retorna true. Administradores alteram qualquer usuário; os demais, só o próprio perfil. Só administradores alteram ACTIVE (N desativa: as integrações e sessões do usuário param), e não o próprio.",
        &[
            ParamSpec { name: "ID", kind: "integer", required: true, description: "User ID.", description_pt: "ID do usuário." },
            ParamSpec { name: "NAME", kind: "string", required: false, description: "First name; any writable field of user.fields may be given.", description_pt: "Nome; qualquer campo gravável de user.fields pode ser informado." },
            ParamSpec { name: "ACTIVE", kind: "string", required: false, description: "Y or N (administrators only).", description_pt: "Y ou N (somente administradores)." },
        ],
        r#"{"ID": 2, "WORK_POSITION": "Sales manager", "UF_PHONE_INNER": "204"}"#,
        handler!(update),
    );
}

/// Bitrix24's refusal of a user write (`ERROR_CORE`, `access_denied`).
fn access_denied() -> ApiError {
    ApiError::new(ErrorCode::ErrorCore, "access_denied")
}

/// Bitrix24's refusal of a missing or malformed e-mail.
fn wrong_email() -> ApiError {
    ApiError::new(ErrorCode::ErrorArgument, "wrong_email")
}

/// A store failure of a user write: a taken e-mail as Bitrix24 words it.
fn write_error(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict(name) if name == USER_EMAIL_CONFLICT => ApiError::new(
            ErrorCode::ErrorArgument,
            "A user with this email already exists",
        ),
        other => store_error(other),
    }
}

/// Position of a catalogue field.
fn pos(name: &str) -> usize {
    USER.index_of(name).expect("user catalogue field")
}

/// The writable user fields among the parameters, by position. `skip` keys
/// are parameters of the method itself; profile fields (`profile`) are read
/// by [`profile_values`].
fn parse_values(
    method: &str,
    params: &Params,
    skip: &[&str],
    profile: &[UserField],
    offset: FixedOffset,
) -> Result<Vec<(usize, FieldValue)>, ApiError> {
    let mut values = Vec::new();
    for (key, value) in params.map() {
        let upper = key.trim().to_ascii_uppercase();
        if skip.contains(&upper.as_str()) || user_fields::find(profile, &upper).is_some() {
            continue;
        }
        let Some(p) = USER.index_of(&upper).filter(|p| !USER.fields[*p].read_only) else {
            tracing::debug!(method, key = %upper, "ignored a parameter that is not a writable user field");
            continue;
        };
        let v = parse_field_value(&USER.fields[p], value, offset)
            .map_err(|e| ApiError::new(ErrorCode::ErrorCore, e))?;
        if v.is_null() && USER.fields[p].name == "ACTIVE" {
            tracing::debug!(method, "ignored an empty ACTIVE");
            continue;
        }
        values.retain(|(q, _)| *q != p);
        values.push((p, v));
    }
    Ok(values)
}

/// The profile fields (`UF_USR_*`) among the parameters, parsed and checked
/// as the CRM's user fields are (`creating`: a mandatory one must be given).
async fn profile_values(
    ctx: &Ctx,
    params: &Params,
    profile: &[UserField],
    creating: bool,
) -> Result<Vec<UserFieldWrite>, ApiError> {
    user_fields::parse_write(ctx, profile, params.map(), creating).await
}

/// The value written for a field, if any.
fn written(values: &[(usize, FieldValue)], name: &str) -> Option<FieldValue> {
    let p = pos(name);
    values.iter().find(|(q, _)| *q == p).map(|(_, v)| v.clone())
}

/// Sets a field's value, replacing one given.
fn set(values: &mut Vec<(usize, FieldValue)>, name: &str, value: FieldValue) {
    let p = pos(name);
    values.retain(|(q, _)| *q != p);
    values.push((p, value));
}

/// The e-mail written, trimmed and checked; `None` when the write leaves it.
fn checked_email(values: &mut Vec<(usize, FieldValue)>) -> Result<Option<String>, ApiError> {
    let Some(v) = written(values, "EMAIL") else {
        return Ok(None);
    };
    let email = v.as_str().map(str::trim).unwrap_or_default().to_owned();
    if !looks_like_email(&email) {
        return Err(wrong_email());
    }
    set(values, "EMAIL", FieldValue::Text(email.clone()));
    Ok(Some(email))
}

/// `user.add`.
async fn add(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    if !ctx.caller.user.is_admin {
        return Err(access_denied());
    }
    let profile = user_fields::definitions(&ctx, &USER).await?;
    let mut values = parse_values(
        "user.add",
        &params,
        &["EXTRANET"],
        &profile,
        ctx.clock.offset,
    )?;
    let uf = profile_values(&ctx, &params, &profile, true).await?;
    if checked_email(&mut values)?.is_none() {
        return Err(wrong_email());
    }
    let extranet = params
        .get("EXTRANET")
        .and_then(value_as_bool)
        .unwrap_or(false);
    let departments = match written(&values, "UF_DEPARTMENT") {
        _ if extranet => FieldValue::Null,
        Some(FieldValue::Text(ids)) => FieldValue::Text(ids),
        _ => FieldValue::Text(department_text(&[ROOT_DEPARTMENT]).unwrap_or_default()),
    };
    set(&mut values, "UF_DEPARTMENT", departments);
    let user_type = if extranet { "extranet" } else { "employee" };
    set(&mut values, "USER_TYPE", FieldValue::Text(user_type.into()));
    let now = ctx.clock.now();
    set(&mut values, "DATE_REGISTER", FieldValue::Int(now));
    set(&mut values, "TIMESTAMP_X", FieldValue::Int(now));
    let event = super::user_added(ctx.event_stamp(), ctx.clock.offset, profile);
    let id = ctx
        .store
        .add_user(values, uf, Some(event))
        .await
        .map_err(write_error)?;
    tracing::info!(target: "portico::users", user = id, by = ctx.caller.user.id, "user added");
    Ok(MethodOutput::value(Value::from(id)))
}

/// `user.update`.
async fn update(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let caller = &ctx.caller.user;
    let id = params
        .get("ID")
        .and_then(value_as_i64)
        .filter(|id| *id > 0)
        .ok_or_else(access_denied)?;
    if !caller.is_admin && id != caller.id {
        return Err(access_denied());
    }
    let profile = user_fields::definitions(&ctx, &USER).await?;
    let mut values = parse_values("user.update", &params, &["ID"], &profile, ctx.clock.offset)?;
    let uf = profile_values(&ctx, &params, &profile, false).await?;
    let active = written(&values, "ACTIVE").and_then(|v| v.as_i64());
    match active {
        Some(_) if !caller.is_admin => return Err(access_denied()),
        Some(0) if id == caller.id => {
            return Err(ApiError::new(
                ErrorCode::ErrorCore,
                "An administrator cannot deactivate their own account.",
            ))
        }
        _ => {}
    }
    checked_email(&mut values)?;
    set(&mut values, "TIMESTAMP_X", FieldValue::Int(ctx.clock.now()));
    let found = ctx
        .store
        .update_user(id, values, uf)
        .await
        .map_err(write_error)?;
    if !found {
        return Err(access_denied());
    }
    if active == Some(0) {
        ctx.store
            .delete_user_sessions(id)
            .await
            .map_err(store_error)?;
    }
    Ok(MethodOutput::value(Value::Bool(true)))
}
