//! An application's row: the columns read, and scopes and menu texts as
//! stored (comma-separated, and a JSON object by language).

use portico_store::apps::App;
use tokio_postgres::Row;

use crate::DbResult;

/// The columns [`app_from_row`] reads, in order, of `apps` aliased `a`.
macro_rules! app_columns {
    () => {
        "a.id, a.client_id, a.name, a.handler_url, a.install_url, a.script_only, a.menu_texts, \
         a.scopes, a.secret_hash, a.secret_sealed, a.application_token_sealed, a.created_by, \
         a.created_at, a.installed_at, a.version"
    };
}
pub(super) use app_columns;

/// How many columns `app_columns!` has.
pub(super) const APP_COLUMNS: usize = 15;

/// Scopes as stored.
pub(super) fn scopes_text(scopes: &[String]) -> String {
    scopes.join(",")
}

/// Menu texts as stored: a JSON object `{lang: text}`.
pub(super) fn menu_text(texts: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = texts
        .iter()
        .map(|(lang, text)| (lang.clone(), serde_json::Value::String(text.clone())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// An [`App`] from the columns of `app_columns!`.
pub(super) fn app_from_row(row: &Row) -> DbResult<App> {
    let menu: String = row.try_get(6)?;
    let menu_texts = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&menu)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(lang, text)| Some((lang, text.as_str()?.to_owned())))
        .collect();
    let scopes: String = row.try_get(7)?;
    Ok(App {
        id: row.try_get(0)?,
        client_id: row.try_get(1)?,
        name: row.try_get(2)?,
        handler_url: row.try_get(3)?,
        install_url: row.try_get(4)?,
        script_only: row.try_get::<_, i64>(5)? != 0,
        menu_texts,
        scopes: scopes
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        secret_hash: row.try_get(8)?,
        secret_sealed: row.try_get(9)?,
        application_token_sealed: row.try_get(10)?,
        created_by: row.try_get(11)?,
        created_at: row.try_get(12)?,
        installed_at: row.try_get(13)?,
        version: row.try_get(14)?,
    })
}
