//! `log.blogpost.get`: the posts the caller may see, newest first. `POST_ID`
//! picks one post (and wins over `LOG_RIGHTS`, which keeps the posts
//! addressed to one of its DEST codes); `LOG_DATE_FROM` / `LOG_DATE_TO`
//! bound the publication date. Two ways to page: `start` (pages of 50 with
//! `total` and `next`), or the cursor mode of `FIRST_ID` (newer posts, oldest
//! first; wins over `LAST_ID`), `LAST_ID` (older posts, newest first) and
//! `LIMIT` (default 50, at most 200), which answers without `total`.

use portico_protocol::envelope::parse_datetime;
use portico_protocol::params::{php_values, value_as_i64, value_as_string, Params};
use portico_protocol::ApiError;
use portico_store::{FeedQuery, FeedWindow, Recipient};
use serde_json::Value;

use super::render::post_row;
use super::{positive, SCOPE};
use crate::context::Ctx;
use crate::handler;
use crate::listing::{page_output, PAGE_SIZE};
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::store_error;

/// The most posts one cursor-mode call returns.
const MAX_CURSOR_LIMIT: u64 = 200;

/// Declares `log.blogpost.get`.
pub fn register(r: &mut Registry) {
    let mut s = r.scope(SCOPE, &[]);
    s.method(
        "log.blogpost.get",
        "Lists the live feed posts the caller may see, newest first: POST_ID (one post), LOG_RIGHTS (addressed to these DEST codes), LOG_DATE_FROM/LOG_DATE_TO; pages of 50 with start, or FIRST_ID/LAST_ID with LIMIT (at most 200).",
        "Lista as publicações do feed que quem chama pode ver, das mais novas às mais antigas: POST_ID (uma publicação), LOG_RIGHTS (endereçadas a estes códigos DEST), LOG_DATE_FROM/LOG_DATE_TO; páginas de 50 com start, ou FIRST_ID/LAST_ID com LIMIT (no máximo 200).",
        &[
            ParamSpec { name: "POST_ID", kind: "integer", required: false, description: "Only this post.", description_pt: "Somente esta publicação." },
            ParamSpec { name: "LOG_RIGHTS", kind: "array", required: false, description: "Only posts addressed to one of these DEST codes (UA, U{id}, SG{id}, DR{id}).", description_pt: "Somente publicações endereçadas a um destes códigos DEST (UA, U{id}, SG{id}, DR{id})." },
            ParamSpec { name: "LOG_DATE_FROM", kind: "string", required: false, description: "Published at or after this ISO 8601 date.", description_pt: "Publicadas a partir desta data ISO 8601." },
            ParamSpec { name: "LOG_DATE_TO", kind: "string", required: false, description: "Published at or before this ISO 8601 date.", description_pt: "Publicadas até esta data ISO 8601." },
            ParamSpec { name: "FIRST_ID", kind: "integer", required: false, description: "Cursor: posts with a greater ID.", description_pt: "Cursor: publicações com ID maior." },
            ParamSpec { name: "LAST_ID", kind: "integer", required: false, description: "Cursor: posts with a smaller ID.", description_pt: "Cursor: publicações com ID menor." },
            ParamSpec { name: "LIMIT", kind: "integer", required: false, description: "Page size in cursor mode (default 50, at most 200).", description_pt: "Tamanho da página no modo cursor (padrão 50, no máximo 200)." },
        ],
        r#"{"LOG_RIGHTS": ["UA"], "start": 0}"#,
        handler!(get),
    );
}

/// A date parameter; an unreadable one is logged and ignored.
fn date(ctx: &Ctx, params: &Params, name: &str) -> Option<i64> {
    let raw = params.get(name).and_then(value_as_string)?;
    if raw.trim().is_empty() {
        return None;
    }
    let at = parse_datetime(&raw, ctx.clock.offset);
    if at.is_none() {
        ctx.ignored("parameter (not a date)", name);
    }
    at
}

/// The DEST codes of `LOG_RIGHTS` (one code or a list); others are logged.
fn rights(ctx: &Ctx, params: &Params) -> Vec<Recipient> {
    let Some(value) = params.get("LOG_RIGHTS") else {
        return Vec::new();
    };
    php_values(value)
        .into_iter()
        .filter_map(|v: &Value| value_as_string(v))
        .filter_map(|code| {
            let parsed = Recipient::parse(&code);
            if parsed.is_none() {
                ctx.ignored("LOG_RIGHTS", &code);
            }
            parsed
        })
        .collect()
}

/// `log.blogpost.get`.
async fn get(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let post_id = positive(&params, "POST_ID");
    let addressed_to = if post_id.is_some() {
        if params.get("LOG_RIGHTS").is_some() {
            ctx.ignored("parameter (POST_ID given)", "LOG_RIGHTS");
        }
        Vec::new()
    } else {
        rights(&ctx, &params)
    };
    let (first, last) = (positive(&params, "FIRST_ID"), positive(&params, "LAST_ID"));
    let cursor_limit = params.get("LIMIT").map(|v| {
        value_as_i64(v)
            .and_then(|n| u64::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(PAGE_SIZE)
            .min(MAX_CURSOR_LIMIT)
    });
    let start = params
        .get("start")
        .and_then(value_as_i64)
        .filter(|s| *s > 0)
        .unwrap_or(0);
    let window = match (first, last, cursor_limit) {
        (Some(id), _, limit) => FeedWindow::After {
            id,
            limit: limit.unwrap_or(PAGE_SIZE),
        },
        (None, Some(id), limit) => FeedWindow::Before {
            id,
            limit: limit.unwrap_or(PAGE_SIZE),
        },
        (None, None, Some(limit)) => FeedWindow::Before {
            id: i64::MAX,
            limit,
        },
        (None, None, None) => FeedWindow::Offset {
            start: u64::try_from(start).unwrap_or(0),
            limit: PAGE_SIZE,
        },
    };
    let query = FeedQuery {
        reader: ctx.caller.user.id,
        post_id,
        addressed_to,
        published_from: date(&ctx, &params, "LOG_DATE_FROM"),
        published_to: date(&ctx, &params, "LOG_DATE_TO"),
        window,
    };
    let page = ctx.store.feed_posts(query).await.map_err(store_error)?;
    let rows: Vec<Value> = page.posts.iter().map(|p| post_row(&ctx, p)).collect();
    Ok(match page.total {
        Some(total) => page_output(rows, Some(u64::try_from(total).unwrap_or(0)), start),
        None => MethodOutput::value(Value::Array(rows)),
    })
}
