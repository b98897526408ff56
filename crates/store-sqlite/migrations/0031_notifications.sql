-- Notifications (im.notify.*): one row per recipient. `owner` names the
-- application or webhook that sent it; `tag` and `sub_tag` are stored
-- namespaced (MP|{owner key}|{tag}), empty when none. `attach` is the
-- normalized ATTACH as JSON, NULL when none.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL,
    author_id       INTEGER NOT NULL DEFAULT 0,
    kind            TEXT NOT NULL CHECK (kind IN ('system', 'personal')),
    text            TEXT NOT NULL,
    text_out        TEXT NOT NULL DEFAULT '',
    attach          TEXT,
    owner           TEXT NOT NULL DEFAULT '',
    tag             TEXT NOT NULL DEFAULT '',
    sub_tag         TEXT NOT NULL DEFAULT '',
    is_read         INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX notifications_user_created ON notifications (user_id, created_at, id);
CREATE INDEX notifications_user_unread ON notifications (user_id, is_read);
CREATE INDEX notifications_owner_tag ON notifications (owner, tag) WHERE tag != '';
CREATE INDEX notifications_owner_sub_tag ON notifications (owner, sub_tag) WHERE sub_tag != '';
