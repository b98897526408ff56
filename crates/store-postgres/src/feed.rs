//! [`FeedStore`] on PostgreSQL (migration 0006): `feed_posts` with
//! `feed_post_recipients` (one DEST code a row), `feed_tags` /
//! `feed_post_tags` and `feed_comments`, as on SQLite. Each write records its
//! event and, as its last statement, its live row ([`audience`]) in its own
//! transaction; the reader's visibility is part of the listing query
//! ([`read`]), whose statements share one snapshot.

mod audience;
mod read;

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::feed::{
    event_data, stored_recipients, stored_tags, DUPLICATE_COMMENT, FEED_EVENT_ENTITY,
};
use portico_store::{
    EventStamp, FeedComment, FeedPage, FeedPost, FeedPostFields, FeedQuery, FeedStore, Recipient,
    StoreError,
};

use crate::events::{record_event, RaisedEvent};
use crate::{read, transaction, DbResult, PgStore};
use audience::{audience, push};

/// Inserts a post; `updated_at` starts as `created_at` (`$6`).
const INSERT: &str = "INSERT INTO feed_posts (author_id, title, body, important, \
     important_until, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";

/// Replaces what post `$1` says.
const UPDATE: &str = "UPDATE feed_posts SET title = $2, body = $3, important = $4, \
     important_until = $5, updated_at = $6 WHERE id = $1";

/// Adds tag `$1` unless it exists.
const ADD_TAG: &str = "INSERT INTO feed_tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING";

/// Tags post `$1` with tag `$3` at position `$2`.
const TAG_POST: &str = "INSERT INTO feed_post_tags (post_id, tag_id, position) \
     SELECT $1, id, $2 FROM feed_tags WHERE name = $3";

/// The author and recipients of post `id`, when it exists.
async fn post_head(tx: &Transaction<'_>, id: i64) -> DbResult<Option<(i64, Vec<Recipient>)>> {
    let statement = tx
        .prepare_cached("SELECT author_id FROM feed_posts WHERE id = $1")
        .await?;
    let Some(row) = tx.query_opt(&statement, &[&id]).await? else {
        return Ok(None);
    };
    let author: i64 = row.try_get(0)?;
    let statement = tx
        .prepare_cached("SELECT code FROM feed_post_recipients WHERE post_id = $1")
        .await?;
    let mut recipients = Vec::new();
    for row in tx.query(&statement, &[&id]).await? {
        if let Some(recipient) = Recipient::parse(row.try_get::<_, &str>(0)?) {
            recipients.push(recipient);
        }
    }
    Ok(Some((author, stored_recipients(&recipients))))
}

/// Replaces the recipients and tags of post `id`.
async fn write_addressing(tx: &Transaction<'_>, id: i64, fields: &FeedPostFields) -> DbResult<()> {
    let statement = tx
        .prepare_cached("DELETE FROM feed_post_recipients WHERE post_id = $1")
        .await?;
    tx.execute(&statement, &[&id]).await?;
    let statement = tx
        .prepare_cached("INSERT INTO feed_post_recipients (post_id, code) VALUES ($1, $2)")
        .await?;
    for recipient in stored_recipients(&fields.recipients) {
        tx.execute(&statement, &[&id, &recipient.code()]).await?;
    }
    let statement = tx
        .prepare_cached("DELETE FROM feed_post_tags WHERE post_id = $1")
        .await?;
    tx.execute(&statement, &[&id]).await?;
    let add = tx.prepare_cached(ADD_TAG).await?;
    let tag = tx.prepare_cached(TAG_POST).await?;
    for (position, name) in (0i64..).zip(stored_tags(&fields.tags)) {
        tx.execute(&add, &[&name]).await?;
        tx.execute(&tag, &[&id, &position, &name]).await?;
    }
    Ok(())
}

/// Records the event `code` of post `id`.
async fn raise(tx: &Transaction<'_>, code: &str, id: i64, stamp: &EventStamp) -> DbResult<()> {
    let event = RaisedEvent {
        code,
        entity: FEED_EVENT_ENTITY,
        entity_id: id,
        data: event_data(id),
    };
    record_event(tx, &event, stamp).await.map(|_| ())
}

#[async_trait]
impl FeedStore for PgStore {
    async fn insert_feed_post(
        &self,
        author_id: i64,
        fields: FeedPostFields,
        stamp: EventStamp,
    ) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(INSERT).await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &author_id,
                        &fields.title,
                        &fields.text,
                        &i64::from(fields.important),
                        &fields.important_until,
                        &stamp.at,
                    ],
                )
                .await?;
            let id: i64 = row.try_get(0)?;
            write_addressing(&tx, id, &fields).await?;
            raise(&tx, "ONLIVEFEEDPOSTADD", id, &stamp).await?;
            let users = audience(&tx, &[(author_id, fields.recipients.as_slice())]).await?;
            push(&tx, users, "post_add", id, stamp.at).await?;
            Ok(id)
        })
    }

    async fn update_feed_post(
        &self,
        id: i64,
        fields: FeedPostFields,
        stamp: EventStamp,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let Some((author, before)) = post_head(&tx, id).await? else {
                return Ok(false);
            };
            let statement = tx.prepare_cached(UPDATE).await?;
            tx.execute(
                &statement,
                &[
                    &id,
                    &fields.title,
                    &fields.text,
                    &i64::from(fields.important),
                    &fields.important_until,
                    &stamp.at,
                ],
            )
            .await?;
            write_addressing(&tx, id, &fields).await?;
            raise(&tx, "ONLIVEFEEDPOSTUPDATE", id, &stamp).await?;
            // Those who lost sight of the post learn it too.
            let posts = [
                (author, before.as_slice()),
                (author, fields.recipients.as_slice()),
            ];
            let users = audience(&tx, &posts).await?;
            push(&tx, users, "post_update", id, stamp.at).await?;
            Ok(true)
        })
    }

    async fn delete_feed_post(&self, id: i64, stamp: EventStamp) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let Some((author, recipients)) = post_head(&tx, id).await? else {
                return Ok(false);
            };
            let users = audience(&tx, &[(author, recipients.as_slice())]).await?;
            let statement = tx
                .prepare_cached("DELETE FROM feed_posts WHERE id = $1")
                .await?;
            tx.execute(&statement, &[&id]).await?;
            raise(&tx, "ONLIVEFEEDPOSTDELETE", id, &stamp).await?;
            push(&tx, users, "post_delete", id, stamp.at).await?;
            Ok(true)
        })
    }

    async fn feed_post(&self, id: i64) -> Result<Option<FeedPost>, StoreError> {
        read!(self, |conn| { Ok(read::posts(&conn, &[id]).await?.pop()) })
    }

    async fn feed_posts(&self, query: FeedQuery) -> Result<FeedPage, StoreError> {
        transaction!(self, RepeatableRead, |tx| {
            read::visible(&tx, &query).await
        })
    }

    async fn insert_feed_comment(
        &self,
        post_id: i64,
        author_id: i64,
        text: String,
        at: i64,
    ) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let Some((post_author, recipients)) = post_head(&tx, post_id).await? else {
                return Err(StoreError::NotFound.into());
            };
            let statement = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM feed_comments \
                     WHERE post_id = $1 AND author_id = $2 AND body = $3)",
                )
                .await?;
            let duplicate: bool = tx
                .query_one(&statement, &[&post_id, &author_id, &text])
                .await?
                .try_get(0)?;
            if duplicate {
                return Err(StoreError::Conflict(DUPLICATE_COMMENT.to_owned()).into());
            }
            let statement = tx
                .prepare_cached(
                    "INSERT INTO feed_comments (post_id, author_id, body, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .await?;
            let id: i64 = tx
                .query_one(&statement, &[&post_id, &author_id, &text, &at])
                .await?
                .try_get(0)?;
            let users = audience(&tx, &[(post_author, recipients.as_slice())]).await?;
            push(&tx, users, "comment_add", post_id, at).await?;
            Ok(id)
        })
    }

    async fn feed_comment(&self, id: i64) -> Result<Option<FeedComment>, StoreError> {
        read!(self, |conn| { read::comment(&conn, id).await })
    }

    async fn feed_comments(&self, post_ids: &[i64]) -> Result<Vec<FeedComment>, StoreError> {
        read!(self, |conn| { read::comments(&conn, post_ids).await })
    }

    async fn delete_feed_comment(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let Some(comment) = read::comment(&tx, id).await? else {
                return Ok(false);
            };
            let statement = tx
                .prepare_cached("DELETE FROM feed_comments WHERE id = $1")
                .await?;
            tx.execute(&statement, &[&id]).await?;
            if let Some((author, recipients)) = post_head(&tx, comment.post_id).await? {
                let users = audience(&tx, &[(author, recipients.as_slice())]).await?;
                push(&tx, users, "comment_delete", comment.post_id, at).await?;
            }
            Ok(true)
        })
    }
}
