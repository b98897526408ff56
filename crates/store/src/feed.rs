//! The live feed (`log.blogpost.*`, `log.blogcomment.*`): posts addressed to
//! recipients (Bitrix24's DEST codes `UA`, `U{id}`, `SG{id}`, `DR{id}`), with
//! tags, an "important" flag and comments, and the [`FeedStore`] trait a
//! backend implements.
//!
//! Who may read a post is decided inside the backend's query, never by
//! loading posts and dropping some: a reader sees the posts they wrote and
//! those addressed to `UA` (every user), to themselves, to a workgroup they
//! belong to, or to a department they belong to or one above it (a post to a
//! department reaches its sub-departments).
//!
//! Post writes raise `ONLIVEFEEDPOSTADD`, `ONLIVEFEEDPOSTUPDATE` and
//! `ONLIVEFEEDPOSTDELETE` (`{"FIELDS": {"POST_ID": id}}`) in their own
//! transaction, and post and comment writes add a live row of kind
//! [`FEED_LIVE_KIND`] for the users who can see the post, except for posts
//! to `UA`, whose audience would name every user.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::events::EventStamp;

/// The events post writes raise, as an outbound webhook subscribes to them.
pub const FEED_EVENTS: [&str; 3] = [
    "ONLIVEFEEDPOSTADD",
    "ONLIVEFEEDPOSTUPDATE",
    "ONLIVEFEEDPOSTDELETE",
];

/// The entity code of a feed event's row.
pub const FEED_EVENT_ENTITY: &str = "BLOG_POST";

/// The `kind` of the live rows feed writes add.
pub const FEED_LIVE_KIND: &str = "feed";

/// Conflict: the same author already left this text under this post.
pub const DUPLICATE_COMMENT: &str = "feed_duplicate_comment";

/// Whom a post is addressed to (one DEST code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Recipient {
    /// `UA`: every user.
    All,
    /// `U{id}`: one user.
    User(i64),
    /// `SG{id}`: the members of a workgroup.
    Group(i64),
    /// `DR{id}`: the users of a department and of the departments below it.
    Department(i64),
}

impl Recipient {
    /// The DEST code (`UA`, `U5`, `SG2`, `DR3`).
    pub fn code(&self) -> String {
        match self {
            Recipient::All => "UA".to_owned(),
            Recipient::User(id) => format!("U{id}"),
            Recipient::Group(id) => format!("SG{id}"),
            Recipient::Department(id) => format!("DR{id}"),
        }
    }

    /// The recipient of a DEST code (any case, surrounding blanks ignored);
    /// `None` for anything else, including ids that are not positive.
    pub fn parse(code: &str) -> Option<Recipient> {
        let code = code.trim().to_ascii_uppercase();
        if code == "UA" {
            return Some(Recipient::All);
        }
        let number = |rest: &str| {
            (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
                .then(|| rest.parse::<i64>().ok())
                .flatten()
                .filter(|id| *id > 0)
        };
        if let Some(rest) = code.strip_prefix("SG") {
            return number(rest).map(Recipient::Group);
        }
        if let Some(rest) = code.strip_prefix("DR") {
            return number(rest).map(Recipient::Department);
        }
        code.strip_prefix('U').and_then(number).map(Recipient::User)
    }
}

/// A tag of a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedTag {
    /// Tag id (the same name has the same id on every post).
    pub id: i64,
    /// Name.
    pub name: String,
}

/// A stored post.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedPost {
    /// Post id.
    pub id: i64,
    /// The author's user id.
    pub author_id: i64,
    /// Title (empty for a post without one).
    pub title: String,
    /// Text.
    pub text: String,
    /// Whom it is addressed to, in [`Recipient`] order, each once.
    pub recipients: Vec<Recipient>,
    /// Published as important.
    pub important: bool,
    /// Until when it is important, Unix seconds.
    pub important_until: Option<i64>,
    /// Its tags, in the order they were given.
    pub tags: Vec<FeedTag>,
    /// Publication instant, Unix seconds.
    pub created_at: i64,
    /// Last change, Unix seconds.
    pub updated_at: i64,
    /// How many comments it has.
    pub comments: i64,
}

/// What a post says, on creation or as its whole new state on update.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedPostFields {
    /// Title (empty for none).
    pub title: String,
    /// Text.
    pub text: String,
    /// Whom it is addressed to (at least one; duplicates are stored once).
    pub recipients: Vec<Recipient>,
    /// Important.
    pub important: bool,
    /// Until when it is important.
    pub important_until: Option<i64>,
    /// Tag names (blank ones and repeats are dropped).
    pub tags: Vec<String>,
}

/// A comment under a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedComment {
    /// Comment id.
    pub id: i64,
    /// The post.
    pub post_id: i64,
    /// The author's user id.
    pub author_id: i64,
    /// Text.
    pub text: String,
    /// When it was written, Unix seconds.
    pub created_at: i64,
}

/// Which page of the posts a reader may see to return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedWindow {
    /// Newest first, skipping `start`, at most `limit`; the page carries the
    /// total count.
    Offset {
        /// Posts skipped.
        start: u64,
        /// Posts returned at most.
        limit: u64,
    },
    /// Posts with an id greater than `id`, oldest first, at most `limit`.
    After {
        /// The cursor.
        id: i64,
        /// Posts returned at most.
        limit: u64,
    },
    /// Posts with an id less than `id`, newest first, at most `limit`.
    Before {
        /// The cursor.
        id: i64,
        /// Posts returned at most.
        limit: u64,
    },
}

/// A listing of the posts one reader may see.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedQuery {
    /// The reader: only posts they may see are returned.
    pub reader: i64,
    /// Only this post.
    pub post_id: Option<i64>,
    /// Only posts addressed to one of these (no condition when empty).
    pub addressed_to: Vec<Recipient>,
    /// Only posts published at or after this instant.
    pub published_from: Option<i64>,
    /// Only posts published at or before this instant.
    pub published_to: Option<i64>,
    /// Which page.
    pub window: FeedWindow,
}

/// One page of posts.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedPage {
    /// The posts, in the window's order.
    pub posts: Vec<FeedPost>,
    /// How many posts match in all ([`FeedWindow::Offset`] only).
    pub total: Option<i64>,
}

/// Feed storage.
#[async_trait]
pub trait FeedStore: Send + Sync {
    /// Publishes a post by `author_id` at `stamp.at` (raising
    /// `ONLIVEFEEDPOSTADD`) and returns its id.
    async fn insert_feed_post(
        &self,
        author_id: i64,
        fields: FeedPostFields,
        stamp: EventStamp,
    ) -> Result<i64, StoreError>;

    /// Replaces what post `id` says (its author and publication instant stay)
    /// at `stamp.at`, raising `ONLIVEFEEDPOSTUPDATE`; `false` when there is none.
    async fn update_feed_post(
        &self,
        id: i64,
        fields: FeedPostFields,
        stamp: EventStamp,
    ) -> Result<bool, StoreError>;

    /// Deletes post `id` with its comments, raising `ONLIVEFEEDPOSTDELETE`;
    /// `false` when there is none.
    async fn delete_feed_post(&self, id: i64, stamp: EventStamp) -> Result<bool, StoreError>;

    /// Post `id`, whoever may read it (for the checks of writes).
    async fn feed_post(&self, id: i64) -> Result<Option<FeedPost>, StoreError>;

    /// The posts `query.reader` may see that match `query`.
    async fn feed_posts(&self, query: FeedQuery) -> Result<FeedPage, StoreError>;

    /// Adds a comment by `author_id` under post `post_id` at `at` and returns
    /// its id: `NotFound` without such a post, `Conflict(DUPLICATE_COMMENT)`
    /// when the author already left the same text there.
    async fn insert_feed_comment(
        &self,
        post_id: i64,
        author_id: i64,
        text: String,
        at: i64,
    ) -> Result<i64, StoreError>;

    /// Comment `id`.
    async fn feed_comment(&self, id: i64) -> Result<Option<FeedComment>, StoreError>;

    /// The comments under the posts `post_ids`, by post then id.
    async fn feed_comments(&self, post_ids: &[i64]) -> Result<Vec<FeedComment>, StoreError>;

    /// Deletes comment `id` (at `at`, for the live row); `false` when there is none.
    async fn delete_feed_comment(&self, id: i64, at: i64) -> Result<bool, StoreError>;
}

/// Recipients as stored: sorted, each once.
pub fn stored_recipients(recipients: &[Recipient]) -> Vec<Recipient> {
    let mut all = recipients.to_vec();
    all.sort();
    all.dedup();
    all
}

/// Tag names as stored: trimmed, blank ones and repeats
/// dropped, in the order given.
pub fn stored_tags(tags: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim();
        if !tag.is_empty() && !names.iter().any(|n| n == tag) {
            names.push(tag.to_owned());
        }
    }
    names
}

/// The parts of a post's audience a backend looks up: the users named, the
/// members of the groups named and the users of the departments named (and of
/// their sub-departments); `everyone` for a post to `UA`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AudienceParts {
    /// Addressed to every user.
    pub everyone: bool,
    /// The author and the users named.
    pub users: Vec<i64>,
    /// The workgroups named.
    pub groups: Vec<i64>,
    /// The departments named.
    pub departments: Vec<i64>,
}

impl AudienceParts {
    /// The parts of the audience of a post by `author_id` to `recipients`.
    pub fn of(author_id: i64, recipients: &[Recipient]) -> AudienceParts {
        let mut parts = AudienceParts {
            users: vec![author_id],
            ..AudienceParts::default()
        };
        for recipient in recipients {
            match *recipient {
                Recipient::All => parts.everyone = true,
                Recipient::User(id) => parts.users.push(id),
                Recipient::Group(id) => parts.groups.push(id),
                Recipient::Department(id) => parts.departments.push(id),
            }
        }
        parts
    }
}

/// The users of an audience once looked up, sorted, each once.
pub fn audience_users(mut users: Vec<i64>) -> Vec<i64> {
    users.sort_unstable();
    users.dedup();
    users
}

/// The live row of a feed write (`action` on `post_id`) for `user_ids`.
pub fn live_push(action: &str, post_id: i64, user_ids: Vec<i64>) -> crate::live::LivePush {
    crate::live::LivePush {
        kind: FEED_LIVE_KIND.to_owned(),
        user_ids,
        data: live_data(action, post_id),
    }
}

/// The `data` of the event a write to post `post_id` raises (entity
/// [`FEED_EVENT_ENTITY`]).
pub fn event_data(post_id: i64) -> serde_json::Value {
    serde_json::json!({ "FIELDS": { "POST_ID": post_id } })
}

/// Puts together the posts read by a backend: `heads` (the post rows, with
/// empty recipients and tags), `recipients` as `(post id, code)` and `tags` as
/// `(post id, tag)` in their order, returned in the order of `order` (ids
/// without a row are skipped).
pub fn assemble_posts(
    order: &[i64],
    heads: Vec<FeedPost>,
    recipients: Vec<(i64, String)>,
    tags: Vec<(i64, FeedTag)>,
) -> Vec<FeedPost> {
    let mut by_id: std::collections::HashMap<i64, FeedPost> =
        heads.into_iter().map(|p| (p.id, p)).collect();
    for (post_id, code) in recipients {
        if let (Some(post), Some(recipient)) = (by_id.get_mut(&post_id), Recipient::parse(&code)) {
            post.recipients.push(recipient);
        }
    }
    for (post_id, tag) in tags {
        if let Some(post) = by_id.get_mut(&post_id) {
            post.tags.push(tag);
        }
    }
    order
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(|mut post| {
            post.recipients = stored_recipients(&post.recipients);
            post
        })
        .collect()
}

/// The live row's data of a feed write: what happened (`post_add`,
/// `post_update`, `post_delete`, `comment_add`, `comment_delete`) to which post.
pub fn live_data(action: &str, post_id: i64) -> serde_json::Value {
    serde_json::json!({ "action": action, "post_id": post_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dest_codes_round_trip_and_refuse_the_rest() {
        for (code, recipient) in [
            ("UA", Recipient::All),
            ("U7", Recipient::User(7)),
            ("SG12", Recipient::Group(12)),
            ("DR3", Recipient::Department(3)),
        ] {
            assert_eq!(Recipient::parse(code), Some(recipient));
            assert_eq!(recipient.code(), code);
        }
        assert_eq!(Recipient::parse(" sg4 "), Some(Recipient::Group(4)));
        for bad in [
            "", "U", "U0", "U-1", "G1", "SG", "DRx", "UA1", "U1.5", "CR1",
        ] {
            assert_eq!(Recipient::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn recipients_and_tags_are_stored_once() {
        assert_eq!(
            stored_recipients(&[Recipient::User(2), Recipient::All, Recipient::User(2)]),
            [Recipient::All, Recipient::User(2)]
        );
        let tags = ["a", " b ", "", "a"].map(String::from);
        assert_eq!(stored_tags(&tags), ["a", "b"]);
    }
}
