//! Schema migrations: `migrations/NNNN_name.sql`, embedded in the binary, applied
//! in order at open, each in its own transaction together with the new
//! `PRAGMA user_version`, so a crash leaves the schema at a whole version.

use portico_store::StoreError;
use rusqlite::Connection;

use crate::error::map_err;

/// The migrations, version = position + 1.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../migrations/0001_initial.sql"),
    ),
    (
        "0002_deals_contacts_companies",
        include_str!("../migrations/0002_deals_contacts_companies.sql"),
    ),
    (
        "0003_statuses",
        include_str!("../migrations/0003_statuses.sql"),
    ),
    (
        "0004_crm_roles",
        include_str!("../migrations/0004_crm_roles.sql"),
    ),
    (
        "0005_user_fields",
        include_str!("../migrations/0005_user_fields.sql"),
    ),
    (
        "0006_web_sessions",
        include_str!("../migrations/0006_web_sessions.sql"),
    ),
    (
        "0007_portal_meta",
        include_str!("../migrations/0007_portal_meta.sql"),
    ),
    (
        "0008_sign_in_attempts",
        include_str!("../migrations/0008_sign_in_attempts.sql"),
    ),
    (
        "0009_whole_field_lists",
        include_str!("../migrations/0009_whole_field_lists.sql"),
    ),
    (
        "0010_events_outbox",
        include_str!("../migrations/0010_events_outbox.sql"),
    ),
    (
        "0011_outbound_settings",
        include_str!("../migrations/0011_outbound_settings.sql"),
    ),
    (
        "0012_pipelines",
        include_str!("../migrations/0012_pipelines.sql"),
    ),
    ("0013_tasks", include_str!("../migrations/0013_tasks.sql")),
    (
        "0014_currencies",
        include_str!("../migrations/0014_currencies.sql"),
    ),
    (
        "0015_departments",
        include_str!("../migrations/0015_departments.sql"),
    ),
    (
        "0017_workgroups",
        include_str!("../migrations/0017_workgroups.sql"),
    ),
    ("0018_scrum", include_str!("../migrations/0018_scrum.sql")),
    ("0019_apps", include_str!("../migrations/0019_apps.sql")),
    (
        "0020_app_events",
        include_str!("../migrations/0020_app_events.sql"),
    ),
    (
        "0021_placements",
        include_str!("../migrations/0021_placements.sql"),
    ),
    (
        "0022_offline_events",
        include_str!("../migrations/0022_offline_events.sql"),
    ),
    ("0023_limits", include_str!("../migrations/0023_limits.sql")),
    (
        "0024_rest_stats",
        include_str!("../migrations/0024_rest_stats.sql"),
    ),
    (
        "0025_sandbox_faults",
        include_str!("../migrations/0025_sandbox_faults.sql"),
    ),
    (
        "0026_sandbox_deliveries",
        include_str!("../migrations/0026_sandbox_deliveries.sql"),
    ),
    (
        "0027_case_insensitive_text",
        include_str!("../migrations/0027_case_insensitive_text.sql"),
    ),
    (
        "0028_list_generations",
        include_str!("../migrations/0028_list_generations.sql"),
    ),
    (
        "0029_search_index",
        include_str!("../migrations/0029_search_index.sql"),
    ),
    (
        "0030_live_events",
        include_str!("../migrations/0030_live_events.sql"),
    ),
    (
        "0031_notifications",
        include_str!("../migrations/0031_notifications.sql"),
    ),
    ("0032_chats", include_str!("../migrations/0032_chats.sql")),
    ("0033_feed", include_str!("../migrations/0033_feed.sql")),
    ("0034_bots", include_str!("../migrations/0034_bots.sql")),
];

/// The schema version this build writes.
pub(crate) fn latest() -> u32 {
    u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX)
}

/// Brings the database up to [`latest`]; refuses a database written by a newer build.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: u32 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(map_err)?;
    if current > latest() {
        return Err(StoreError::Other(format!(
            "database schema version {current} is newer than this build ({})",
            latest()
        )));
    }
    for (version, (name, sql)) in (1u32..).zip(MIGRATIONS).skip(current as usize) {
        let tx = conn.transaction().map_err(map_err)?;
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Other(format!("migration {name}: {e}")))?;
        tx.pragma_update(None, "user_version", version)
            .map_err(map_err)?;
        tx.commit().map_err(map_err)?;
        tracing::info!(migration = name, version, "applied SQLite migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::{open, Role};
    use portico_store::{EntityDef, StorageType};

    /// Every stored column of every catalogue exists in its table with the
    /// catalogue's storage type, so catalogue and schema cannot drift.
    #[test]
    fn schema_has_every_catalogue_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = open(
            &dir.path().join("t.db"),
            Role::Writer,
            &crate::SqliteOptions::default(),
        )
        .expect("open");
        migrate(&mut conn).expect("migrate");
        let catalogues: [&EntityDef; 6] = [
            &portico_store::tasks::TASK,
            &portico_store::users::USER,
            &portico_store::crm::LEAD,
            &portico_store::crm::DEAL,
            &portico_store::crm::CONTACT,
            &portico_store::crm::COMPANY,
        ];
        for entity in catalogues {
            let mut stmt = conn
                .prepare("SELECT name, type FROM pragma_table_info(?1)")
                .expect("prepare");
            let columns: Vec<(String, String)> = stmt
                .query_map([entity.table], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            assert!(!columns.is_empty(), "table {} missing", entity.table);
            for f in entity.fields.iter().filter(|f| f.is_stored()) {
                let want = match f.kind.storage() {
                    StorageType::Integer => "INTEGER",
                    StorageType::Real => "REAL",
                    StorageType::Text => "TEXT",
                    StorageType::None => unreachable!("stored field without storage"),
                };
                let found = columns.iter().find(|(name, _)| name == f.column);
                assert_eq!(
                    found.map(|(_, t)| t.as_str()),
                    Some(want),
                    "{}.{} ({})",
                    entity.table,
                    f.column,
                    f.name
                );
            }
        }
    }

    /// Handlers switched off before version 11 say why afterwards: `gone`
    /// when one of their attempts switched them off, `manual` otherwise.
    #[test]
    fn handlers_off_before_the_reason_column_get_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = open(
            &dir.path().join("t.db"),
            Role::Writer,
            &crate::SqliteOptions::default(),
        )
        .expect("open");
        for (_, sql) in &MIGRATIONS[..10] {
            conn.execute_batch(sql).expect("old schema");
        }
        conn.pragma_update(None, "user_version", 10)
            .expect("version");
        conn.execute_batch(
            "INSERT INTO users (id, login, password_hash, date_register) VALUES (1, 'u', '', 0);
             INSERT INTO outbound_webhooks (id, user_id, name, handler_url, application_token_sealed,
               signing_secret_sealed, active, created_at)
             VALUES (1, 1, 'gone', 'https://a.example/', x'00', x'00', 0, 100),
                    (2, 1, 'off', 'https://b.example/', x'00', x'00', 0, 200),
                    (3, 1, 'on', 'https://c.example/', x'00', x'00', 1, 300);
             INSERT INTO events (id, code, message_id, entity, entity_id, data, created_at)
             VALUES (1, 'ONCRMLEADADD', 'msg_1', 'LEAD', 1, '{}', 100);
             INSERT INTO event_deliveries (id, event_id, webhook_id, state, created_at)
             VALUES (1, 1, 1, 'failed', 100);
             INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, response, outcome)
             VALUES (1, 1, 100, 1, '', 'disabled');",
        )
        .expect("old rows");
        migrate(&mut conn).expect("migrate");
        let rows: Vec<(i64, Option<String>, Option<i64>)> = conn
            .prepare("SELECT id, disabled_reason, disabled_at FROM outbound_webhooks ORDER BY id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            rows,
            [
                (1, Some("gone".to_owned()), Some(100)),
                (2, Some("manual".to_owned()), Some(200)),
                (3, None, None)
            ]
        );
    }

    /// Records and multi-fields written before the search migration are searchable
    /// afterwards: the trigram tables and the duplicate keys are filled.
    #[test]
    fn search_indexes_are_filled_from_existing_rows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = open(
            &dir.path().join("t.db"),
            Role::Writer,
            &crate::SqliteOptions::default(),
        )
        .expect("open");
        let before = MIGRATIONS
            .iter()
            .position(|(name, _)| *name == "0029_search_index")
            .expect("search migration");
        for (_, sql) in &MIGRATIONS[..before] {
            conn.execute_batch(sql).expect("old schema");
        }
        conn.pragma_update(None, "user_version", before)
            .expect("version");
        conn.execute_batch(
            "INSERT INTO crm_leads (id, title, company_title) VALUES (7, 'Old LEAD Ёжик', 'ACME');
             INSERT INTO crm_contacts (id, name, last_name) VALUES (8, 'Ana', 'SÃO João');
             INSERT INTO crm_companies (id, title) VALUES (9, 'Globex Corp');
             INSERT INTO crm_deals (id, title) VALUES (10, 'Big Deal');
             INSERT INTO crm_multifields (entity, owner_id, type_id, value_type, value)
             VALUES ('LEAD', 7, 'PHONE', 'WORK', '+1 (555) 888-00-11'),
                    ('LEAD', 7, 'EMAIL', 'WORK', ' Ana@Example.COM '),
                    ('LEAD', 7, 'PHONE', 'WORK', 'ext. -');",
        )
        .expect("old rows");
        migrate(&mut conn).expect("migrate");
        let found = |table: &str, query: &str| -> Vec<i64> {
            conn.prepare(&format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1"))
                .expect("prepare")
                .query_map([query], |r| r.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows")
        };
        assert_eq!(found("crm_leads_search", r#"{title} : "lead ёж""#), [7]);
        assert_eq!(found("crm_leads_search", r#"{company_title} : "acm""#), [7]);
        assert_eq!(found("crm_contacts_search", r#"{last_name} : "são""#), [8]);
        assert_eq!(found("crm_companies_search", r#"{title} : "globex""#), [9]);
        assert_eq!(found("crm_deals_search", r#"{title} : "big""#), [10]);
        let keys: Vec<Option<String>> = conn
            .prepare("SELECT value_key FROM crm_multifields ORDER BY id")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            keys,
            [
                Some("15558880011".to_owned()),
                Some("ana@example.com".to_owned()),
                None
            ]
        );
    }

    #[test]
    fn migrating_twice_is_a_no_op_and_newer_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = open(
            &dir.path().join("t.db"),
            Role::Writer,
            &crate::SqliteOptions::default(),
        )
        .expect("open");
        migrate(&mut conn).expect("first");
        migrate(&mut conn).expect("second");
        let v: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(v, latest());
        conn.pragma_update(None, "user_version", latest() + 1)
            .expect("bump");
        assert!(migrate(&mut conn).is_err());
    }
}
