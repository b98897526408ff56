//! Reading the parameters of bot methods: keys in any case (as Bitrix24
//! reads classic parameters), `Y`/`N` flags, handler URLs through the same
//! check as `event.bind`, and a bot's profile.

use portico_protocol::params::{php_array, value_as_bool, value_as_string, ParamMap};
use portico_store::bots::BotProfile;
use serde_json::Value;

use crate::context::Ctx;
use crate::im::render::COLORS;

/// Whether `name` is one of the colours a bot may have (`RED`, `GREEN`, …).
fn known_color(name: &str) -> bool {
    COLORS.iter().any(|(n, _)| *n == name)
}

/// A key of `map` in any case.
pub(super) fn key<'a>(map: &'a ParamMap, name: &str) -> Option<&'a Value> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// A text value of `map`, trimmed; empty when absent.
pub(super) fn text(map: &ParamMap, name: &str) -> String {
    key(map, name)
        .and_then(value_as_string)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// A flag of `map` (`Y`/`N`, `true`/`false`, `1`/`0`); `default` when absent
/// or unreadable.
pub(super) fn flag(map: &ParamMap, name: &str, default: bool) -> bool {
    key(map, name).and_then(value_as_bool).unwrap_or(default)
}

/// A nested object of `map` (an object or a list), if given.
pub(super) fn object(map: &ParamMap, name: &str) -> Option<ParamMap> {
    key(map, name)
        .and_then(php_array)
        .map(std::borrow::Cow::into_owned)
}

/// A handler URL of `map`: `Ok(None)` when absent or empty, the checked URL,
/// or `Err` when the check refuses it.
pub(super) fn handler_url(ctx: &Ctx, map: &ParamMap, name: &str) -> Result<Option<String>, ()> {
    let url = text(map, name);
    if url.is_empty() {
        return Ok(None);
    }
    (ctx.handler_check)(&url).map(Some).map_err(|_| ())
}

/// A classic profile (`PROPERTIES`: `NAME`, `LAST_NAME`, `COLOR`, `EMAIL`,
/// `PERSONAL_BIRTHDAY`, `WORK_POSITION`, `PERSONAL_WWW`, `PERSONAL_GENDER`)
/// over `base`; only the keys given change.
pub(super) fn classic_profile(ctx: &Ctx, props: &ParamMap, base: BotProfile) -> BotProfile {
    let given = |name: &str| key(props, name).map(|_| text(props, name));
    let color = given("COLOR").map(|c| c.to_ascii_uppercase());
    if let Some(c) = color
        .as_deref()
        .filter(|c| !known_color(c) && !c.is_empty())
    {
        ctx.ignored("unknown bot colour", c);
    }
    if key(props, "PERSONAL_PHOTO").is_some() {
        ctx.ignored("bot avatar", "PERSONAL_PHOTO");
    }
    let gender = given("PERSONAL_GENDER").map(|g| g.to_ascii_uppercase());
    BotProfile {
        name: given("NAME").unwrap_or(base.name),
        last_name: given("LAST_NAME").unwrap_or(base.last_name),
        color: color.filter(|c| known_color(c)).unwrap_or(base.color),
        email: given("EMAIL").unwrap_or(base.email),
        birthday: given("PERSONAL_BIRTHDAY").unwrap_or(base.birthday),
        work_position: given("WORK_POSITION").unwrap_or(base.work_position),
        www: given("PERSONAL_WWW").unwrap_or(base.www),
        gender: gender
            .filter(|g| g == "M" || g == "F" || g.is_empty())
            .unwrap_or(base.gender),
    }
}

/// A 2.0 profile (`properties`: `name`, `lastName`, `workPosition`, `color`,
/// `gender`, `avatar`) over `base`.
pub(super) fn v2_profile(ctx: &Ctx, props: &ParamMap, base: BotProfile) -> BotProfile {
    let mut classic = ParamMap::new();
    for (from, to) in [
        ("name", "NAME"),
        ("lastName", "LAST_NAME"),
        ("workPosition", "WORK_POSITION"),
        ("color", "COLOR"),
        ("gender", "PERSONAL_GENDER"),
    ] {
        if let Some(v) = key(props, from) {
            classic.insert(to.to_owned(), v.clone());
        }
    }
    if key(props, "avatar").is_some() {
        ctx.ignored("bot avatar", "avatar");
    }
    classic_profile(ctx, &classic, base)
}
