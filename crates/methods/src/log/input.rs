//! The parameters the feed methods share: the acting user (`USER_ID`, for
//! administrators), the recipients (`DEST`, or the older `SPERM`), a post's
//! fields (`POST_TITLE`, `POST_MESSAGE`, `IMPORTANT`, `IMPORTANT_DATE_END`,
//! `TAGS`) and what Bitrix24 accepts that Portico does not keep (files, link
//! previews, backgrounds, user fields), which is logged as ignored.

use portico_protocol::envelope::parse_datetime;
use portico_protocol::params::{php_values, value_as_i64, value_as_string, Params};
use portico_protocol::ApiError;
use portico_store::{Recipient, User};
use serde_json::Value;

use crate::context::Ctx;
use crate::values::store_error;

/// Parameters of a post Bitrix24 accepts and Portico does not keep: files
/// (stored on Bitrix24's Drive, which Portico has not), link previews,
/// backgrounds, the site.
const NOT_KEPT: [&str; 6] = [
    "FILES",
    "UF_BLOG_POST_FILE",
    "PARSE_PREVIEW",
    "BACKGROUND_CODE",
    "SITE_ID",
    "UF_BLOG_POST_VOTE",
];

/// Logs the parameters of a post write that are accepted and not kept.
pub fn note_ignored(ctx: &Ctx, params: &Params) {
    for key in params.map().keys() {
        let upper = key.to_ascii_uppercase();
        if NOT_KEPT.contains(&upper.as_str()) {
            ctx.ignored("parameter (not stored)", key);
        } else if upper.starts_with("UF_") {
            ctx.ignored("user field", key);
        }
    }
}

/// The user a write acts as: the caller, or for an administrator the user
/// `USER_ID` names. `None` when an administrator names a user that does not
/// exist; a `USER_ID` of anyone else is ignored (logged).
pub async fn acting_user(ctx: &Ctx, params: &Params) -> Result<Option<User>, ApiError> {
    let caller = &ctx.caller.user;
    let Some(wanted) = params.get("USER_ID").and_then(value_as_i64) else {
        return Ok(Some(caller.clone()));
    };
    if wanted == caller.id {
        return Ok(Some(caller.clone()));
    }
    if !caller.is_admin {
        ctx.ignored("parameter (administrators only)", "USER_ID");
        return Ok(Some(caller.clone()));
    }
    ctx.store.user_by_id(wanted).await.map_err(store_error)
}

/// The DEST codes of a parameter: a list, one code, or `SPERM`'s older form
/// grouped by kind (`{"U": ["U1"], "SG": ["SG2"]}`).
fn codes(value: &Value) -> Vec<String> {
    php_values(value)
        .into_iter()
        .flat_map(|v| match v {
            Value::Array(_) | Value::Object(_) => php_values(v)
                .into_iter()
                .filter_map(value_as_string)
                .collect::<Vec<_>>(),
            scalar => value_as_string(scalar).into_iter().collect(),
        })
        .collect()
}

/// The recipients `DEST` (else `SPERM`) names for a post by `author`, if
/// either is given: codes that are not DEST codes, users and departments that
/// do not exist, and workgroups that do not exist or that `author` may not
/// see (hidden ones they are not a member of, unless an administrator) are
/// dropped (logged); the list may end up empty.
pub async fn recipients(
    ctx: &Ctx,
    params: &Params,
    author: &User,
) -> Result<Option<Vec<Recipient>>, ApiError> {
    let given = match (params.get("DEST"), params.get("SPERM")) {
        (Some(dest), _) => dest,
        (None, Some(sperm)) => sperm,
        (None, None) => return Ok(None),
    };
    let mut parsed = Vec::new();
    for code in codes(given) {
        match Recipient::parse(&code) {
            Some(recipient) => parsed.push(recipient),
            None => ctx.ignored("DEST", &code),
        }
    }
    let needs_groups = parsed.iter().any(|r| matches!(r, Recipient::Group(_)));
    let groups = if needs_groups {
        let mine = ctx
            .store
            .groups_of_user(author.id)
            .await
            .map_err(store_error)?;
        let mut all = ctx.store.list_workgroups().await.map_err(store_error)?;
        all.retain(|g| g.visible || author.is_admin || mine.contains(&g.id));
        all
    } else {
        Vec::new()
    };
    let needs_departments = parsed.iter().any(|r| matches!(r, Recipient::Department(_)));
    let departments = if needs_departments {
        ctx.store.list_departments().await.map_err(store_error)?
    } else {
        Vec::new()
    };
    let mut known = Vec::new();
    for recipient in parsed {
        let exists = match recipient {
            Recipient::All => true,
            Recipient::User(id) => ctx
                .store
                .user_by_id(id)
                .await
                .map_err(store_error)?
                .is_some(),
            Recipient::Group(id) => groups.iter().any(|g| g.id == id),
            Recipient::Department(id) => departments.iter().any(|d| d.id == id),
        };
        if exists {
            known.push(recipient);
        } else {
            ctx.ignored("DEST (no such recipient)", &recipient.code());
        }
    }
    Ok(Some(known))
}

/// Text of parameter `name`, if given as a scalar.
pub fn text(params: &Params, name: &str) -> Option<String> {
    params.get(name).and_then(value_as_string)
}

/// `IMPORTANT` (`Y`/`N`), if given.
pub fn important(params: &Params) -> Option<bool> {
    text(params, "IMPORTANT").map(|v| v.trim().eq_ignore_ascii_case("Y"))
}

/// `IMPORTANT_DATE_END`, if given: `Some(None)` for an empty or unreadable
/// date (an unreadable one is logged).
pub fn important_until(ctx: &Ctx, params: &Params) -> Option<Option<i64>> {
    let raw = text(params, "IMPORTANT_DATE_END")?;
    if raw.trim().is_empty() {
        return Some(None);
    }
    let at = parse_datetime(&raw, ctx.clock.offset);
    if at.is_none() {
        ctx.ignored("parameter (not a date)", "IMPORTANT_DATE_END");
    }
    Some(at)
}

/// `TAGS`, if given: a comma-separated text or a list of names.
pub fn tags(params: &Params) -> Option<Vec<String>> {
    let value = params.get("TAGS")?;
    Some(
        php_values(value)
            .into_iter()
            .filter_map(value_as_string)
            .flat_map(|t| t.split(',').map(str::to_owned).collect::<Vec<_>>())
            .collect(),
    )
}
