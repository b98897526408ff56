//! Reading the feed on PostgreSQL: the posts a reader may see, found by one
//! query that compares each post's DEST codes with the reader's own (`UA`,
//! `U{id}`, the `SG{id}` of their workgroups, the `DR{id}` of their
//! departments and of every department above them) or finds them its author;
//! then the rows of the page with their recipients and tags; and comments.

use deadpool_postgres::GenericClient;
use portico_store::feed::assemble_posts;
use portico_store::{FeedComment, FeedPage, FeedPost, FeedQuery, FeedTag, FeedWindow};
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use crate::DbResult;

/// The ids of the posts reader `$1` may see that match the query's
/// conditions: `$2` one post, `$3` addressed to one of these codes, published
/// from `$4` to `$5`, ids above `$6` and below `$7` (each `NULL` for no
/// condition).
macro_rules! matching {
    () => {
        "WITH RECURSIVE reader_departments(id) AS (\
             SELECT d.id FROM departments d JOIN users u ON u.id = $1::bigint \
             WHERE strpos(coalesce(u.uf_department, ''), ',' || d.id || ',') > 0 \
             UNION SELECT d.parent_id FROM departments d JOIN reader_departments r ON d.id = r.id \
             WHERE d.parent_id IS NOT NULL), \
         reader_codes(code) AS (\
             SELECT 'UA'::text UNION ALL SELECT 'U' || $1::bigint \
             UNION ALL SELECT 'SG' || group_id FROM workgroup_members WHERE user_id = $1::bigint \
             UNION ALL SELECT 'DR' || id FROM reader_departments), \
         matching(id) AS (SELECT p.id FROM feed_posts p \
             WHERE (p.author_id = $1::bigint OR p.id IN (SELECT r.post_id \
                 FROM feed_post_recipients r WHERE r.code IN (SELECT code FROM reader_codes))) \
             AND ($2::bigint IS NULL OR p.id = $2::bigint) \
             AND ($3::text[] IS NULL OR p.id IN (SELECT a.post_id FROM feed_post_recipients a \
                 WHERE a.code = ANY($3::text[]))) \
             AND ($4::bigint IS NULL OR p.created_at >= $4::bigint) \
             AND ($5::bigint IS NULL OR p.created_at <= $5::bigint) \
             AND ($6::bigint IS NULL OR p.id > $6::bigint) \
             AND ($7::bigint IS NULL OR p.id < $7::bigint)) "
    };
}

/// A page of [`matching!`], newest first: `$8` rows after skipping `$9`.
const NEWEST_FIRST: &str = concat!(
    matching!(),
    "SELECT id FROM matching ORDER BY id DESC LIMIT $8 OFFSET $9"
);

/// A page of [`matching!`], oldest first.
const OLDEST_FIRST: &str = concat!(
    matching!(),
    "SELECT id FROM matching ORDER BY id ASC LIMIT $8 OFFSET $9"
);

/// How many posts [`matching!`] finds.
const COUNT: &str = concat!(matching!(), "SELECT count(*) FROM matching");

/// The post rows of the ids `$1`, with their comment counts.
const POSTS: &str = "SELECT p.id, p.author_id, p.title, p.body, p.important, \
     p.important_until, p.created_at, p.updated_at, \
     (SELECT count(*) FROM feed_comments c WHERE c.post_id = p.id) \
     FROM feed_posts p WHERE p.id = ANY($1)";

/// The recipients of the posts `$1`.
const RECIPIENTS: &str = "SELECT post_id, code FROM feed_post_recipients WHERE post_id = ANY($1)";

/// The tags of the posts `$1`, in their order.
const TAGS: &str = "SELECT pt.post_id, t.id, t.name FROM feed_post_tags pt \
     JOIN feed_tags t ON t.id = pt.tag_id \
     WHERE pt.post_id = ANY($1) ORDER BY pt.post_id, pt.position";

/// One comment.
const COMMENT: &str = "SELECT id, post_id, author_id, body, created_at \
     FROM feed_comments WHERE id = $1";

/// The comments under the posts `$1`.
const COMMENTS: &str = "SELECT id, post_id, author_id, body, created_at \
     FROM feed_comments WHERE post_id = ANY($1) ORDER BY post_id, id";

/// The rows `sql` returns for `params`.
async fn rows_of(
    conn: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> DbResult<Vec<Row>> {
    let statement = conn.prepare_cached(sql).await?;
    Ok(conn.query(&statement, params).await?)
}

/// The posts `ids`, in that order (missing ones skipped).
pub(super) async fn posts(conn: &impl GenericClient, ids: &[i64]) -> DbResult<Vec<FeedPost>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.to_vec();
    let heads = rows_of(conn, POSTS, &[&list])
        .await?
        .iter()
        .map(|row| {
            Ok(FeedPost {
                id: row.try_get(0)?,
                author_id: row.try_get(1)?,
                title: row.try_get(2)?,
                text: row.try_get(3)?,
                important: row.try_get::<_, i64>(4)? != 0,
                important_until: row.try_get(5)?,
                created_at: row.try_get(6)?,
                updated_at: row.try_get(7)?,
                comments: row.try_get(8)?,
                recipients: Vec::new(),
                tags: Vec::new(),
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    let recipients = rows_of(conn, RECIPIENTS, &[&list])
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<DbResult<Vec<_>>>()?;
    let tags = rows_of(conn, TAGS, &[&list])
        .await?
        .iter()
        .map(|row| {
            let tag = FeedTag {
                id: row.try_get(1)?,
                name: row.try_get(2)?,
            };
            Ok((row.try_get(0)?, tag))
        })
        .collect::<DbResult<Vec<_>>>()?;
    Ok(assemble_posts(ids, heads, recipients, tags))
}

/// The page of posts `query` asks for.
pub(super) async fn visible(conn: &impl GenericClient, query: &FeedQuery) -> DbResult<FeedPage> {
    let codes: Option<Vec<String>> = (!query.addressed_to.is_empty())
        .then(|| query.addressed_to.iter().map(|r| r.code()).collect());
    let (sql, after, before, limit, offset) = match query.window {
        FeedWindow::Offset { start, limit } => (NEWEST_FIRST, None, None, limit, start),
        FeedWindow::After { id, limit } => (OLDEST_FIRST, Some(id), None, limit, 0),
        FeedWindow::Before { id, limit } => (NEWEST_FIRST, None, Some(id), limit, 0),
    };
    let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let (limit, offset) = (clamp(limit), clamp(offset));
    let conditions: [&(dyn ToSql + Sync); 7] = [
        &query.reader,
        &query.post_id,
        &codes,
        &query.published_from,
        &query.published_to,
        &after,
        &before,
    ];
    let mut paged = conditions.to_vec();
    paged.push(&limit);
    paged.push(&offset);
    let ids = rows_of(conn, sql, &paged)
        .await?
        .iter()
        .map(|row| Ok(row.try_get(0)?))
        .collect::<DbResult<Vec<i64>>>()?;
    let total = match query.window {
        FeedWindow::Offset { .. } => {
            let rows = rows_of(conn, COUNT, &conditions).await?;
            match rows.first() {
                Some(row) => Some(row.try_get(0)?),
                None => Some(0),
            }
        }
        _ => None,
    };
    Ok(FeedPage {
        posts: posts(conn, &ids).await?,
        total,
    })
}

/// A [`FeedComment`] from a row of [`COMMENT`] or [`COMMENTS`].
fn comment_from_row(row: &Row) -> DbResult<FeedComment> {
    Ok(FeedComment {
        id: row.try_get(0)?,
        post_id: row.try_get(1)?,
        author_id: row.try_get(2)?,
        text: row.try_get(3)?,
        created_at: row.try_get(4)?,
    })
}

/// Comment `id`.
pub(super) async fn comment(conn: &impl GenericClient, id: i64) -> DbResult<Option<FeedComment>> {
    rows_of(conn, COMMENT, &[&id])
        .await?
        .first()
        .map(comment_from_row)
        .transpose()
}

/// The comments under the posts `post_ids`, by post then id.
pub(super) async fn comments(
    conn: &impl GenericClient,
    post_ids: &[i64],
) -> DbResult<Vec<FeedComment>> {
    let list = post_ids.to_vec();
    rows_of(conn, COMMENTS, &[&list])
        .await?
        .iter()
        .map(comment_from_row)
        .collect()
}
