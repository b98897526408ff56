-- Tasks (`tasks.task.*`, `task.*`): the task table, whose list columns
-- (accomplices, auditors, tags, uf_crm_task) hold `,a,b,` so one LIKE finds a
-- member; comments, checklist items, time records and the change history.

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id INTEGER,
    title TEXT NOT NULL,
    description TEXT,
    description_in_bbcode TEXT,
    mark TEXT,
    priority INTEGER,
    status INTEGER,
    multitask TEXT,
    replicate TEXT,
    group_id INTEGER,
    stage_id INTEGER,
    created_by INTEGER,
    created_date INTEGER,
    responsible_id INTEGER,
    accomplices TEXT,
    auditors TEXT,
    changed_by INTEGER,
    changed_date INTEGER,
    status_changed_by INTEGER,
    status_changed_date INTEGER,
    closed_by INTEGER,
    closed_date INTEGER,
    activity_date INTEGER,
    date_start INTEGER,
    deadline INTEGER,
    start_date_plan INTEGER,
    end_date_plan INTEGER,
    guid TEXT,
    xml_id TEXT,
    comments_count INTEGER NOT NULL DEFAULT 0,
    task_control TEXT,
    add_in_report TEXT,
    allow_change_deadline TEXT,
    allow_time_tracking TEXT,
    match_work_time TEXT,
    time_estimate INTEGER,
    time_spent_in_logs INTEGER NOT NULL DEFAULT 0,
    duration_plan INTEGER,
    duration_type TEXT,
    site_id TEXT,
    tags TEXT,
    uf_crm_task TEXT
);
CREATE INDEX tasks_responsible ON tasks (responsible_id);
CREATE INDEX tasks_created_by ON tasks (created_by);
CREATE INDEX tasks_parent ON tasks (parent_id);

CREATE TABLE task_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL,
    author_id INTEGER NOT NULL,
    post_date INTEGER NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX task_comments_task ON task_comments (task_id, id);

CREATE TABLE task_checklist_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL,
    parent_id INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL,
    title TEXT NOT NULL,
    sort_index INTEGER NOT NULL DEFAULT 0,
    is_complete INTEGER NOT NULL DEFAULT 0,
    is_important INTEGER NOT NULL DEFAULT 0,
    toggled_by INTEGER,
    toggled_date INTEGER
);
CREATE INDEX task_checklist_items_task ON task_checklist_items (task_id, sort_index, id);

CREATE TABLE task_elapsed_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    comment_text TEXT NOT NULL,
    seconds INTEGER NOT NULL,
    created_date INTEGER NOT NULL
);
CREATE INDEX task_elapsed_items_task ON task_elapsed_items (task_id, id);

CREATE TABLE task_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    user_id INTEGER,
    field TEXT NOT NULL,
    value_from TEXT,
    value_to TEXT
);
CREATE INDEX task_history_task ON task_history (task_id, id);
