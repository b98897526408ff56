//! Reading the feed: the posts a reader may see, found by one query that
//! compares each post's DEST codes with the reader's own (`UA`, `U{id}`, the
//! `SG{id}` of their workgroups, the `DR{id}` of their departments and of
//! every department above them) or finds them its author; then the rows of
//! the page with their recipients and tags; and comments.

use portico_store::feed::assemble_posts;
use portico_store::{FeedComment, FeedPage, FeedPost, FeedQuery, FeedTag, FeedWindow, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::map_err;

/// The ids of the posts reader `?1` may see that match the query's
/// conditions: `?2` one post, `?3` addressed to one of these codes (a JSON
/// array), published from `?4` to `?5`, ids above `?6` and below `?7` (each
/// `NULL` for no condition).
macro_rules! matching {
    () => {
        "WITH RECURSIVE reader_departments(id) AS (\
             SELECT d.id FROM departments d JOIN users u ON u.id = ?1 \
             WHERE instr(coalesce(u.uf_department, ''), ',' || d.id || ',') > 0 \
             UNION SELECT d.parent_id FROM departments d JOIN reader_departments r ON d.id = r.id \
             WHERE d.parent_id IS NOT NULL), \
         reader_codes(code) AS (\
             SELECT 'UA' UNION ALL SELECT 'U' || ?1 \
             UNION ALL SELECT 'SG' || group_id FROM workgroup_members WHERE user_id = ?1 \
             UNION ALL SELECT 'DR' || id FROM reader_departments), \
         matching(id) AS (SELECT p.id FROM feed_posts p \
             WHERE (p.author_id = ?1 OR p.id IN (SELECT r.post_id FROM feed_post_recipients r \
                 WHERE r.code IN (SELECT code FROM reader_codes))) \
             AND (?2 IS NULL OR p.id = ?2) \
             AND (?3 IS NULL OR p.id IN (SELECT a.post_id FROM feed_post_recipients a \
                 WHERE a.code IN (SELECT value FROM json_each(?3)))) \
             AND (?4 IS NULL OR p.created_at >= ?4) AND (?5 IS NULL OR p.created_at <= ?5) \
             AND (?6 IS NULL OR p.id > ?6) AND (?7 IS NULL OR p.id < ?7)) "
    };
}

/// A page of [`matching!`], newest first: `?8` rows after skipping `?9`.
const NEWEST_FIRST: &str = concat!(
    matching!(),
    "SELECT id FROM matching ORDER BY id DESC LIMIT ?8 OFFSET ?9"
);

/// A page of [`matching!`], oldest first.
const OLDEST_FIRST: &str = concat!(
    matching!(),
    "SELECT id FROM matching ORDER BY id ASC LIMIT ?8 OFFSET ?9"
);

/// How many posts [`matching!`] finds.
const COUNT: &str = concat!(matching!(), "SELECT count(*) FROM matching");

/// The post rows of the ids `?1` (a JSON array), with their comment counts.
const POSTS: &str = "SELECT p.id, p.author_id, p.title, p.body, p.important, \
     p.important_until, p.created_at, p.updated_at, \
     (SELECT count(*) FROM feed_comments c WHERE c.post_id = p.id) \
     FROM feed_posts p WHERE p.id IN (SELECT value FROM json_each(?1))";

/// The recipients of the posts `?1`.
const RECIPIENTS: &str = "SELECT post_id, code FROM feed_post_recipients \
     WHERE post_id IN (SELECT value FROM json_each(?1))";

/// The tags of the posts `?1`, in their order.
const TAGS: &str = "SELECT pt.post_id, t.id, t.name FROM feed_post_tags pt \
     JOIN feed_tags t ON t.id = pt.tag_id \
     WHERE pt.post_id IN (SELECT value FROM json_each(?1)) ORDER BY pt.post_id, pt.position";

/// The comment columns, read by [`comment_from_row`].
const COMMENT_COLUMNS: &str = "id, post_id, author_id, body, created_at";

/// A JSON array, for `json_each`.
fn json_array(values: impl Into<serde_json::Value>) -> String {
    values.into().to_string()
}

/// The rows `sql` returns for the one parameter `param`.
fn rows_of<T>(
    conn: &Connection,
    sql: &str,
    param: &str,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
    let rows = stmt.query_map([param], read).map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

/// The posts `ids`, in that order (missing ones skipped).
pub(super) fn posts(conn: &Connection, ids: &[i64]) -> Result<Vec<FeedPost>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let json = json_array(ids.to_vec());
    let heads = rows_of(conn, POSTS, &json, |row| {
        Ok(FeedPost {
            id: row.get(0)?,
            author_id: row.get(1)?,
            title: row.get(2)?,
            text: row.get(3)?,
            important: row.get(4)?,
            important_until: row.get(5)?,
            created_at: row.get(6)?,
            updated_at: row.get(7)?,
            comments: row.get(8)?,
            recipients: Vec::new(),
            tags: Vec::new(),
        })
    })?;
    let recipients = rows_of(conn, RECIPIENTS, &json, |row| {
        Ok((row.get(0)?, row.get(1)?))
    })?;
    let tags = rows_of(conn, TAGS, &json, |row| {
        Ok((
            row.get(0)?,
            FeedTag {
                id: row.get(1)?,
                name: row.get(2)?,
            },
        ))
    })?;
    Ok(assemble_posts(ids, heads, recipients, tags))
}

/// The page of posts `query` asks for.
pub(super) fn visible(conn: &Connection, query: &FeedQuery) -> Result<FeedPage, StoreError> {
    let codes = if query.addressed_to.is_empty() {
        None
    } else {
        let codes: Vec<String> = query.addressed_to.iter().map(|r| r.code()).collect();
        Some(json_array(codes))
    };
    let (sql, after, before, limit, offset) = match query.window {
        FeedWindow::Offset { start, limit } => (NEWEST_FIRST, None, None, limit, start),
        FeedWindow::After { id, limit } => (OLDEST_FIRST, Some(id), None, limit, 0),
        FeedWindow::Before { id, limit } => (NEWEST_FIRST, None, Some(id), limit, 0),
    };
    let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let conditions = params![
        query.reader,
        query.post_id,
        codes,
        query.published_from,
        query.published_to,
        after,
        before
    ];
    let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
    let mut all = conditions.to_vec();
    let (limit, offset) = (clamp(limit), clamp(offset));
    all.push(&limit);
    all.push(&offset);
    let ids = stmt
        .query_map(all.as_slice(), |row| row.get::<_, i64>(0))
        .map_err(map_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(map_err)?;
    let total = match query.window {
        FeedWindow::Offset { .. } => Some(
            conn.prepare_cached(COUNT)
                .and_then(|mut s| s.query_row(conditions, |row| row.get(0)))
                .map_err(map_err)?,
        ),
        _ => None,
    };
    Ok(FeedPage {
        posts: posts(conn, &ids)?,
        total,
    })
}

/// A [`FeedComment`] from a row of [`COMMENT_COLUMNS`].
fn comment_from_row(row: &Row<'_>) -> rusqlite::Result<FeedComment> {
    Ok(FeedComment {
        id: row.get(0)?,
        post_id: row.get(1)?,
        author_id: row.get(2)?,
        text: row.get(3)?,
        created_at: row.get(4)?,
    })
}

/// Comment `id`.
pub(super) fn comment(conn: &Connection, id: i64) -> Result<Option<FeedComment>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {COMMENT_COLUMNS} FROM feed_comments WHERE id = ?1"
    ))
    .and_then(|mut s| s.query_row([id], comment_from_row).optional())
    .map_err(map_err)
}

/// The comments under the posts `post_ids`, by post then id.
pub(super) fn comments(
    conn: &Connection,
    post_ids: &[i64],
) -> Result<Vec<FeedComment>, StoreError> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COMMENT_COLUMNS} FROM feed_comments \
         WHERE post_id IN (SELECT value FROM json_each(?1)) ORDER BY post_id, id"
    );
    rows_of(conn, &sql, &json_array(post_ids.to_vec()), comment_from_row)
}
