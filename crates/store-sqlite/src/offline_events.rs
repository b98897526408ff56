//! [`OfflineEventStore`]: offline bindings and the per-application queues
//! (`app_offline_bindings`, `app_offline_events`). Taking rows selects and
//! deletes or reserves them in one write, so parallel callers get disjoint
//! rows.

use async_trait::async_trait;
use portico_store::offline_events::{
    NewOfflineBinding, OfflineBinding, OfflineEvent, OfflineEventStore, OfflineField, OfflineOp,
    OfflineQuery, OfflineTake, OfflineValue,
};
use portico_store::StoreError;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use crate::error::map_err;
use crate::SqliteStore;

/// The columns [`row_event`] reads.
const COLUMNS: &str = "id, event_name, timestamp_x, data, user_id, message_id, process_id, error";

/// A queue row from the columns of [`COLUMNS`].
fn row_event(row: &Row<'_>) -> rusqlite::Result<OfflineEvent> {
    let data: String = row.get(3)?;
    Ok(OfflineEvent {
        id: row.get(0)?,
        event_name: row.get(1)?,
        timestamp_x: row.get(2)?,
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        user_id: row.get(4)?,
        message_id: row.get(5)?,
        process_id: row.get(6)?,
        error: row.get(7)?,
    })
}

/// The column of a field.
fn column(field: OfflineField) -> &'static str {
    match field {
        OfflineField::Id => "id",
        OfflineField::TimestampX => "timestamp_x",
        OfflineField::EventName => "event_name",
        OfflineField::MessageId => "message_id",
        OfflineField::ProcessId => "process_id",
        OfflineField::Error => "error",
    }
}

/// The SQL comparison of an operator.
fn comparison(op: OfflineOp) -> &'static str {
    match op {
        OfflineOp::Eq => "=",
        OfflineOp::Ne => "<>",
        OfflineOp::Lt => "<",
        OfflineOp::Le => "<=",
        OfflineOp::Gt => ">",
        OfflineOp::Ge => ">=",
    }
}

/// A filter value as a statement parameter.
fn value(v: &OfflineValue) -> Value {
    match v {
        OfflineValue::Int(i) => Value::Integer(*i),
        OfflineValue::Text(s) => Value::Text(s.clone()),
    }
}

/// `?, ?, …` for `n` parameters.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The `WHERE` condition of `query` (its parameters pushed on `args`).
fn condition(query: &OfflineQuery, args: &mut Vec<Value>) -> String {
    let mut sql = String::from("app_id = ? AND connector = ?");
    args.push(Value::Integer(query.app_id));
    args.push(Value::Text(query.connector.clone()));
    if !query.with_errors {
        sql.push_str(" AND error = 0");
    }
    for c in &query.conditions {
        let col = column(c.field);
        match (c.op, c.values.as_slice()) {
            (OfflineOp::Eq, []) => sql.push_str(" AND 0"),
            (OfflineOp::Ne, []) => {}
            (OfflineOp::Eq | OfflineOp::Ne, [_, _, ..]) => {
                let not = if c.op == OfflineOp::Ne { "NOT " } else { "" };
                let list = placeholders(c.values.len());
                sql.push_str(&format!(" AND {col} {not}IN ({list})"));
                args.extend(c.values.iter().map(value));
            }
            (op, values) => {
                for v in values {
                    sql.push_str(&format!(" AND {col} {} ?", comparison(op)));
                    args.push(value(v));
                }
            }
        }
    }
    sql
}

/// The `ORDER BY` of `query`, the row id last.
fn order(query: &OfflineQuery) -> String {
    let mut keys: Vec<String> = query
        .order
        .iter()
        .map(|(f, desc)| format!("{} {}", column(*f), if *desc { "DESC" } else { "ASC" }))
        .collect();
    if !query.order.iter().any(|(f, _)| *f == OfflineField::Id) {
        keys.push("id ASC".to_owned());
    }
    keys.join(", ")
}

/// Runs a query of rows.
fn select(conn: &Connection, sql: &str, args: Vec<Value>) -> Result<Vec<OfflineEvent>, StoreError> {
    let mut stmt = conn.prepare(sql).map_err(map_err)?;
    let rows = stmt
        .query_map(params_from_iter(args), row_event)
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

/// Runs a statement over the rows of `ids`; how many it changed.
fn over_ids(
    conn: &Connection,
    sql: &str,
    first: Vec<Value>,
    ids: &[i64],
) -> Result<u64, StoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let sql = format!("{sql} WHERE id IN ({})", placeholders(ids.len()));
    let args = first
        .into_iter()
        .chain(ids.iter().map(|i| Value::Integer(*i)));
    conn.execute(&sql, params_from_iter(args))
        .map(|n| n as u64)
        .map_err(map_err)
}

/// Takes rows of `query` as `take` says.
fn take(
    conn: &Connection,
    query: &OfflineQuery,
    limit: u32,
    take: &OfflineTake,
) -> Result<Vec<OfflineEvent>, StoreError> {
    let mut args = Vec::new();
    let mut sql = format!(
        "SELECT {COLUMNS} FROM app_offline_events WHERE {}",
        condition(query, &mut args)
    );
    match take {
        OfflineTake::Delete | OfflineTake::Reserve(_) => sql.push_str(" AND process_id = ''"),
        OfflineTake::Process(process_id, _) => {
            sql.push_str(" AND process_id = ?");
            args.push(Value::Text(process_id.clone()));
        }
    }
    sql.push_str(&format!(" ORDER BY {} LIMIT {limit}", order(query)));
    let mut rows = select(conn, &sql, args)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    match take {
        OfflineTake::Reserve(process_id) => {
            over_ids(
                conn,
                "UPDATE app_offline_events SET process_id = ?",
                vec![Value::Text(process_id.clone())],
                &ids,
            )?;
            for row in &mut rows {
                row.process_id.clone_from(process_id);
            }
        }
        OfflineTake::Delete | OfflineTake::Process(_, true) => {
            over_ids(conn, "DELETE FROM app_offline_events", Vec::new(), &ids)?;
        }
        OfflineTake::Process(_, false) => {}
    }
    Ok(rows)
}

/// Marks the rows of `message_ids` reserved under `process_id` erroneous and
/// gives them back to the queue; a row whose object was queued again since
/// leaves its mark on that newer row and goes.
fn mark_errors(
    conn: &Connection,
    app_id: i64,
    connector: &str,
    process_id: &str,
    message_ids: &[String],
) -> Result<u64, StoreError> {
    if message_ids.is_empty() {
        return Ok(0);
    }
    let reserved = |r: &str| {
        format!(
            "{r}app_id = ? AND {r}connector = ? AND {r}process_id = ? AND {r}message_id IN ({})",
            placeholders(message_ids.len())
        )
    };
    let args = || {
        [
            Value::Integer(app_id),
            Value::Text(connector.to_owned()),
            Value::Text(process_id.to_owned()),
        ]
        .into_iter()
        .chain(message_ids.iter().map(|m| Value::Text(m.clone())))
    };
    let marked = conn
        .execute(
            &format!(
                "UPDATE OR IGNORE app_offline_events SET process_id = '', error = 1 \
                 WHERE {}",
                reserved("")
            ),
            params_from_iter(args()),
        )
        .map_err(map_err)? as u64;
    let superseded = conn
        .execute(
            &format!(
                "UPDATE app_offline_events AS q SET error = 1 WHERE q.process_id = '' \
                 AND EXISTS (SELECT 1 FROM app_offline_events r WHERE {} \
                   AND r.event_name = q.event_name AND r.entity = q.entity \
                   AND r.entity_id = q.entity_id AND r.app_id = q.app_id \
                   AND r.connector = q.connector)",
                reserved("r.")
            ),
            params_from_iter(args()),
        )
        .map_err(map_err)? as u64;
    conn.execute(
        &format!("DELETE FROM app_offline_events WHERE {}", reserved("")),
        params_from_iter(args()),
    )
    .map_err(map_err)?;
    Ok(marked + superseded)
}

#[async_trait]
impl OfflineEventStore for SqliteStore {
    async fn bind_offline(&self, binding: NewOfflineBinding) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let app: Option<i64> = conn
                .prepare_cached("SELECT id FROM apps WHERE id = ?1")
                .and_then(|mut s| s.query_row([binding.app_id], |r| r.get(0)).optional())
                .map_err(map_err)?;
            if app.is_none() {
                return Err(StoreError::Conflict(
                    "app_offline_bindings_app_id".to_owned(),
                ));
            }
            conn.prepare_cached(
                "INSERT OR IGNORE INTO app_offline_bindings (app_id, event, connector, user_id, \
                 min_timeout, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    binding.app_id,
                    binding.event,
                    binding.connector,
                    binding.user_id,
                    binding.min_timeout,
                    binding.created_at
                ])
            })
            .map(|n| n > 0)
            .map_err(map_err)
        })
        .await
    }

    async fn unbind_offline(
        &self,
        app_id: i64,
        event: Option<String>,
        user_id: Option<i64>,
    ) -> Result<u64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "DELETE FROM app_offline_bindings WHERE app_id = ?1 \
                 AND (?2 IS NULL OR event = ?2) AND (?3 IS NULL OR user_id = ?3)",
            )
            .and_then(|mut s| s.execute(params![app_id, event, user_id]))
            .map(|n| n as u64)
            .map_err(map_err)
        })
        .await
    }

    async fn offline_bindings(&self, app_id: i64) -> Result<Vec<OfflineBinding>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT id, event, connector, user_id, min_timeout FROM app_offline_bindings \
                     WHERE app_id = ?1 ORDER BY id",
                )
                .map_err(map_err)?;
            let rows = stmt
                .query_map([app_id], |r| {
                    Ok(OfflineBinding {
                        id: r.get(0)?,
                        event: r.get(1)?,
                        connector: r.get(2)?,
                        user_id: r.get(3)?,
                        min_timeout: r.get(4)?,
                    })
                })
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn take_offline_events(
        &self,
        query: OfflineQuery,
        limit: u32,
        how: OfflineTake,
    ) -> Result<Vec<OfflineEvent>, StoreError> {
        self.write(move |conn| take(conn, &query, limit, &how))
            .await
    }

    async fn clear_offline_events(
        &self,
        app_id: i64,
        connector: String,
        process_id: String,
        ids: Option<Vec<i64>>,
        message_ids: Option<Vec<String>>,
    ) -> Result<u64, StoreError> {
        self.write(move |conn| {
            let mut sql = String::from(
                "DELETE FROM app_offline_events WHERE app_id = ? AND connector = ? \
                 AND process_id = ?",
            );
            let mut args = vec![
                Value::Integer(app_id),
                Value::Text(connector),
                Value::Text(process_id),
            ];
            if let Some(ids) = ids {
                sql.push_str(&format!(" AND id IN ({})", placeholders(ids.len())));
                args.extend(ids.into_iter().map(Value::Integer));
            } else if let Some(message_ids) = message_ids {
                let list = placeholders(message_ids.len());
                sql.push_str(&format!(" AND message_id IN ({list})"));
                args.extend(message_ids.into_iter().map(Value::Text));
            }
            conn.execute(&sql, params_from_iter(args))
                .map(|n| n as u64)
                .map_err(map_err)
        })
        .await
    }

    async fn mark_offline_errors(
        &self,
        app_id: i64,
        connector: String,
        process_id: String,
        message_ids: Vec<String>,
    ) -> Result<u64, StoreError> {
        self.write(move |conn| mark_errors(conn, app_id, &connector, &process_id, &message_ids))
            .await
    }

    async fn list_offline_events(
        &self,
        query: OfflineQuery,
        start: u64,
        limit: u32,
    ) -> Result<(Vec<OfflineEvent>, u64), StoreError> {
        self.read(|conn| {
            let mut args = Vec::new();
            let filter = condition(&query, &mut args);
            let total: i64 = conn
                .query_row(
                    &format!("SELECT COUNT(*) FROM app_offline_events WHERE {filter}"),
                    params_from_iter(args.clone()),
                    |r| r.get(0),
                )
                .map_err(map_err)?;
            let sql = format!(
                "SELECT {COLUMNS} FROM app_offline_events WHERE {filter} ORDER BY {} \
                 LIMIT {limit} OFFSET {start}",
                order(&query)
            );
            let rows = select(conn, &sql, args)?;
            Ok((rows, u64::try_from(total).unwrap_or(0)))
        })
    }
}
