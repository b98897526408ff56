//! `user.search`: `user.get` with a quick search. Its `FILTER` keys `NAME`,
//! `LAST_NAME` and `WORK_POSITION` find words inside those fields,
//! `UF_DEPARTMENT_NAME` users of the departments whose name contains the
//! text, `USER_TYPE` as in `user.get`; `FIND` searches the names, e-mail and
//! position at once and, as in Bitrix24, cannot be combined with the other
//! keys (they are ignored beside it, with a leniency warning). Any other
//! `user.get` filter key works as there.

use portico_protocol::params::{value_as_string, ParamMap, Params};
use portico_protocol::ApiError;
use serde_json::{json, Value};

use crate::context::Ctx;
use crate::values::store_error;

/// The `user.get` parameters a `user.search` call stands for.
pub(super) async fn as_user_get(ctx: &Ctx, params: Params) -> Result<Params, ApiError> {
    let mut map: ParamMap = params.into_map();
    let filter_key = map
        .keys()
        .find(|k| k.eq_ignore_ascii_case("FILTER"))
        .cloned();
    let Some(filter_key) = filter_key else {
        return Ok(Params::new(map));
    };
    let Some(Value::Object(given)) = map.remove(&filter_key) else {
        return Ok(Params::new(map));
    };
    let mut filter = ParamMap::new();
    let find = given
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("FIND"))
        .map(|(_, v)| v.clone());
    if let Some(find) = find {
        for key in given.keys().filter(|k| !k.eq_ignore_ascii_case("FIND")) {
            ctx.ignored("FILTER (beside FIND)", key);
        }
        filter.insert("NAME_SEARCH".into(), find);
        map.insert("FILTER".into(), Value::Object(filter));
        return Ok(Params::new(map));
    }
    for (key, value) in given {
        match key.to_ascii_uppercase().as_str() {
            name @ ("NAME" | "LAST_NAME" | "WORK_POSITION") => {
                filter.insert(format!("%{name}"), value);
            }
            "UF_DEPARTMENT_NAME" => {
                let text = value_as_string(&value)
                    .unwrap_or_default()
                    .trim()
                    .to_lowercase();
                let ids: Vec<i64> = ctx
                    .store
                    .list_departments()
                    .await
                    .map_err(store_error)?
                    .into_iter()
                    .filter(|d| d.name.to_lowercase().contains(&text))
                    .map(|d| d.id)
                    .collect();
                // No department matches: a filter nobody passes.
                let ids = if ids.is_empty() { vec![0] } else { ids };
                filter.insert("UF_DEPARTMENT".into(), json!(ids));
            }
            _ => {
                filter.insert(key, value);
            }
        }
    }
    map.insert("FILTER".into(), Value::Object(filter));
    Ok(Params::new(map))
}
