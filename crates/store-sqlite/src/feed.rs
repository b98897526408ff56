//! [`FeedStore`] on SQLite (migration 0033): `feed_posts` with
//! `feed_post_recipients` (one DEST code a row), `feed_tags` /
//! `feed_post_tags` and `feed_comments`. Each write records its event and
//! its live row in its own transaction ([`audience`]); the reader's
//! visibility is part of the listing query ([`read`]).

mod audience;
mod read;

use async_trait::async_trait;
use portico_store::feed::{
    event_data, stored_recipients, stored_tags, DUPLICATE_COMMENT, FEED_EVENT_ENTITY,
};
use portico_store::{
    EventStamp, FeedComment, FeedPage, FeedPost, FeedPostFields, FeedQuery, FeedStore, Recipient,
    StoreError,
};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::map_err;
use crate::events::{record_event, RaisedEvent};
use crate::SqliteStore;
use audience::push_to_audience;

/// What a write committed that wakes someone: an event, a live row.
#[derive(Clone, Copy, Debug, Default)]
struct Raised {
    event: bool,
    live: bool,
}

/// The author and recipients of post `id`, when it exists.
fn post_head(conn: &Connection, id: i64) -> Result<Option<(i64, Vec<Recipient>)>, StoreError> {
    let author: Option<i64> = conn
        .prepare_cached("SELECT author_id FROM feed_posts WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |row| row.get(0)).optional())
        .map_err(map_err)?;
    let Some(author) = author else {
        return Ok(None);
    };
    let mut stmt = conn
        .prepare_cached("SELECT code FROM feed_post_recipients WHERE post_id = ?1")
        .map_err(map_err)?;
    let codes = stmt
        .query_map([id], |row| row.get::<_, String>(0))
        .map_err(map_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(map_err)?;
    let recipients: Vec<Recipient> = codes.iter().filter_map(|c| Recipient::parse(c)).collect();
    Ok(Some((author, stored_recipients(&recipients))))
}

/// Replaces the recipients and tags of post `id`.
fn write_addressing(conn: &Connection, id: i64, fields: &FeedPostFields) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM feed_post_recipients WHERE post_id = ?1")
        .and_then(|mut s| s.execute([id]))
        .map_err(map_err)?;
    for recipient in stored_recipients(&fields.recipients) {
        conn.prepare_cached("INSERT INTO feed_post_recipients (post_id, code) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![id, recipient.code()]))
            .map_err(map_err)?;
    }
    conn.prepare_cached("DELETE FROM feed_post_tags WHERE post_id = ?1")
        .and_then(|mut s| s.execute([id]))
        .map_err(map_err)?;
    for (position, name) in (0i64..).zip(stored_tags(&fields.tags)) {
        conn.prepare_cached(
            "INSERT INTO feed_tags (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
        )
        .and_then(|mut s| s.execute([&name]))
        .map_err(map_err)?;
        conn.prepare_cached(
            "INSERT INTO feed_post_tags (post_id, tag_id, position) \
             SELECT ?1, id, ?2 FROM feed_tags WHERE name = ?3",
        )
        .and_then(|mut s| s.execute(params![id, position, name]))
        .map_err(map_err)?;
    }
    Ok(())
}

/// Records the event `code` of post `id`; whether it was recorded.
fn raise(conn: &Connection, code: &str, id: i64, stamp: &EventStamp) -> Result<bool, StoreError> {
    let event = RaisedEvent {
        code,
        entity: FEED_EVENT_ENTITY,
        entity_id: id,
        data: event_data(id),
    };
    Ok(record_event(conn, &event, stamp)?.is_some())
}

impl SqliteStore {
    /// Runs a feed write, then wakes what it raised.
    async fn feed_write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<(T, Raised), StoreError> + Send + 'static,
    {
        let (value, raised) = self.write(f).await?;
        if raised.event {
            self.wake_deliveries();
        }
        if raised.live {
            self.wake_live();
        }
        Ok(value)
    }
}

#[async_trait]
impl FeedStore for SqliteStore {
    async fn insert_feed_post(
        &self,
        author_id: i64,
        fields: FeedPostFields,
        stamp: EventStamp,
    ) -> Result<i64, StoreError> {
        self.feed_write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO feed_posts (author_id, title, body, important, important_until, \
                 created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    author_id,
                    fields.title,
                    fields.text,
                    fields.important,
                    fields.important_until,
                    stamp.at
                ])
            })
            .map_err(map_err)?;
            let id = conn.last_insert_rowid();
            write_addressing(conn, id, &fields)?;
            let event = raise(conn, "ONLIVEFEEDPOSTADD", id, &stamp)?;
            let audience = [(author_id, fields.recipients.as_slice())];
            let live = push_to_audience(conn, &audience, "post_add", id, stamp.at)?;
            Ok((id, Raised { event, live }))
        })
        .await
    }

    async fn update_feed_post(
        &self,
        id: i64,
        fields: FeedPostFields,
        stamp: EventStamp,
    ) -> Result<bool, StoreError> {
        self.feed_write(move |conn| {
            let Some((author, before)) = post_head(conn, id)? else {
                return Ok((false, Raised::default()));
            };
            conn.prepare_cached(
                "UPDATE feed_posts SET title = ?2, body = ?3, important = ?4, \
                 important_until = ?5, updated_at = ?6 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    id,
                    fields.title,
                    fields.text,
                    fields.important,
                    fields.important_until,
                    stamp.at
                ])
            })
            .map_err(map_err)?;
            write_addressing(conn, id, &fields)?;
            let event = raise(conn, "ONLIVEFEEDPOSTUPDATE", id, &stamp)?;
            // Those who lost sight of the post learn it too.
            let audience = [
                (author, before.as_slice()),
                (author, fields.recipients.as_slice()),
            ];
            let live = push_to_audience(conn, &audience, "post_update", id, stamp.at)?;
            Ok((true, Raised { event, live }))
        })
        .await
    }

    async fn delete_feed_post(&self, id: i64, stamp: EventStamp) -> Result<bool, StoreError> {
        self.feed_write(move |conn| {
            let Some((author, recipients)) = post_head(conn, id)? else {
                return Ok((false, Raised::default()));
            };
            let audience = [(author, recipients.as_slice())];
            let live = push_to_audience(conn, &audience, "post_delete", id, stamp.at)?;
            conn.prepare_cached("DELETE FROM feed_posts WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map_err(map_err)?;
            let event = raise(conn, "ONLIVEFEEDPOSTDELETE", id, &stamp)?;
            Ok((true, Raised { event, live }))
        })
        .await
    }

    async fn feed_post(&self, id: i64) -> Result<Option<FeedPost>, StoreError> {
        self.read(|conn| Ok(read::posts(conn, &[id])?.pop()))
    }

    async fn feed_posts(&self, query: FeedQuery) -> Result<FeedPage, StoreError> {
        self.scan(move |conn| read::visible(conn, &query)).await
    }

    async fn insert_feed_comment(
        &self,
        post_id: i64,
        author_id: i64,
        text: String,
        at: i64,
    ) -> Result<i64, StoreError> {
        self.feed_write(move |conn| {
            let Some((post_author, recipients)) = post_head(conn, post_id)? else {
                return Err(StoreError::NotFound);
            };
            let duplicate = conn
                .prepare_cached(
                    "SELECT 1 FROM feed_comments WHERE post_id = ?1 AND author_id = ?2 AND body = ?3",
                )
                .and_then(|mut s| s.exists(params![post_id, author_id, text]))
                .map_err(map_err)?;
            if duplicate {
                return Err(StoreError::Conflict(DUPLICATE_COMMENT.to_owned()));
            }
            conn.prepare_cached(
                "INSERT INTO feed_comments (post_id, author_id, body, created_at) \
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| s.execute(params![post_id, author_id, text, at]))
            .map_err(map_err)?;
            let id = conn.last_insert_rowid();
            let audience = [(post_author, recipients.as_slice())];
            let live = push_to_audience(conn, &audience, "comment_add", post_id, at)?;
            Ok((id, Raised { event: false, live }))
        })
        .await
    }

    async fn feed_comment(&self, id: i64) -> Result<Option<FeedComment>, StoreError> {
        self.read(|conn| read::comment(conn, id))
    }

    async fn feed_comments(&self, post_ids: &[i64]) -> Result<Vec<FeedComment>, StoreError> {
        let post_ids = post_ids.to_vec();
        self.scan(move |conn| read::comments(conn, &post_ids)).await
    }

    async fn delete_feed_comment(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        self.feed_write(move |conn| {
            let Some(comment) = read::comment(conn, id)? else {
                return Ok((false, Raised::default()));
            };
            conn.prepare_cached("DELETE FROM feed_comments WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map_err(map_err)?;
            let live = match post_head(conn, comment.post_id)? {
                Some((author, recipients)) => {
                    let audience = [(author, recipients.as_slice())];
                    push_to_audience(conn, &audience, "comment_delete", comment.post_id, at)?
                }
                None => false,
            };
            Ok((true, Raised { event: false, live }))
        })
        .await
    }
}
