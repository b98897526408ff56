-- The live feed (log.blogpost.*, log.blogcomment.*): posts, whom each is
-- addressed to (one row per DEST code: UA, U{id}, SG{id}, DR{id}), tags and
-- comments. A reader's posts are found through feed_post_recipients_code.
CREATE TABLE feed_posts (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id                   INTEGER NOT NULL,
    title                       TEXT NOT NULL DEFAULT '',
    body                        TEXT NOT NULL,
    important                   INTEGER NOT NULL DEFAULT 0,
    important_until             INTEGER,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL
) STRICT;
CREATE INDEX feed_posts_author_id ON feed_posts (author_id, id);
CREATE INDEX feed_posts_created_at ON feed_posts (created_at);

CREATE TABLE feed_post_recipients (
    post_id                     INTEGER NOT NULL REFERENCES feed_posts (id) ON DELETE CASCADE,
    code                        TEXT NOT NULL,
    PRIMARY KEY (post_id, code)
) STRICT, WITHOUT ROWID;
CREATE INDEX feed_post_recipients_code ON feed_post_recipients (code, post_id);

CREATE TABLE feed_tags (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    name                        TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE feed_post_tags (
    post_id                     INTEGER NOT NULL REFERENCES feed_posts (id) ON DELETE CASCADE,
    tag_id                      INTEGER NOT NULL REFERENCES feed_tags (id),
    position                    INTEGER NOT NULL,
    PRIMARY KEY (post_id, tag_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE feed_comments (
    id                          INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id                     INTEGER NOT NULL REFERENCES feed_posts (id) ON DELETE CASCADE,
    author_id                   INTEGER NOT NULL,
    body                        TEXT NOT NULL,
    created_at                  INTEGER NOT NULL
) STRICT;
CREATE INDEX feed_comments_post_id ON feed_comments (post_id, id);
