//! [`CurrencyStore`]: `crm_currencies` and their display settings per
//! language in `crm_currency_langs` (migration 0014, which seeds USD as the
//! base currency, EUR and BRL).

use async_trait::async_trait;
use portico_store::currencies::{BASE_CURRENCY, CURRENCY_EXISTS};
use portico_store::{
    Currency, CurrencyChange, CurrencyLang, CurrencyStore, EventStamp, StoreError,
};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::map_err;
use crate::events::{record_event, RaisedEvent};
use crate::SqliteStore;

/// Records the currency event `code` of currency `currency` when stamped.
fn raise(
    conn: &Connection,
    code: &str,
    currency: &str,
    stamp: Option<&EventStamp>,
) -> Result<(), StoreError> {
    let Some(stamp) = stamp else {
        return Ok(());
    };
    let event = RaisedEvent {
        code,
        entity: "CURRENCY",
        entity_id: 0,
        data: serde_json::json!({ "FIELDS": { "ID": currency } }),
    };
    record_event(conn, &event, stamp).map(|_| ())
}

/// Reads every currency (or the one with code `only`), languages included.
fn read(conn: &Connection, only: Option<&str>) -> Result<Vec<Currency>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT code, amount_cnt, amount, sort, base, date_update FROM crm_currencies \
             WHERE ?1 IS NULL OR code = upper(?1) ORDER BY sort, code",
        )
        .map_err(map_err)?;
    let mut currencies: Vec<Currency> = stmt
        .query_map([only], |row| {
            Ok(Currency {
                code: row.get(0)?,
                amount_cnt: row.get(1)?,
                amount: row.get(2)?,
                sort: row.get(3)?,
                base: row.get(4)?,
                date_update: row.get(5)?,
                langs: Vec::new(),
            })
        })
        .map_err(map_err)?
        .collect::<Result<_, _>>()
        .map_err(map_err)?;
    let mut langs = conn
        .prepare_cached(
            "SELECT code, lang, full_name, format_string, dec_point, thousands_sep, decimals, \
             hide_zero FROM crm_currency_langs WHERE ?1 IS NULL OR code = upper(?1) ORDER BY lang",
        )
        .map_err(map_err)?;
    let rows = langs
        .query_map([only], |row| {
            Ok((
                row.get::<_, String>(0)?,
                CurrencyLang {
                    lang: row.get(1)?,
                    full_name: row.get(2)?,
                    format_string: row.get(3)?,
                    dec_point: row.get(4)?,
                    thousands_sep: row.get(5)?,
                    decimals: row.get(6)?,
                    hide_zero: row.get(7)?,
                },
            ))
        })
        .map_err(map_err)?;
    for row in rows {
        let (code, lang) = row.map_err(map_err)?;
        if let Some(c) = currencies.iter_mut().find(|c| c.code == code) {
            c.langs.push(lang);
        }
    }
    Ok(currencies)
}

/// Writes the display settings of `code` in each of `langs`.
fn write_langs(conn: &Connection, code: &str, langs: &[CurrencyLang]) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO crm_currency_langs (code, lang, full_name, format_string, dec_point, \
             thousands_sep, decimals, hide_zero) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
             ON CONFLICT (code, lang) DO UPDATE SET full_name = excluded.full_name, \
             format_string = excluded.format_string, dec_point = excluded.dec_point, \
             thousands_sep = excluded.thousands_sep, decimals = excluded.decimals, \
             hide_zero = excluded.hide_zero",
        )
        .map_err(map_err)?;
    for l in langs {
        stmt.execute(params![
            code,
            l.lang,
            l.full_name,
            l.format_string,
            l.dec_point,
            l.thousands_sep,
            l.decimals,
            l.hide_zero
        ])
        .map_err(map_err)?;
    }
    Ok(())
}

#[async_trait]
impl CurrencyStore for SqliteStore {
    async fn list_currencies(&self) -> Result<Vec<Currency>, StoreError> {
        self.read(|conn| read(conn, None))
    }

    async fn currency(&self, code: &str) -> Result<Option<Currency>, StoreError> {
        self.read(|conn| Ok(read(conn, Some(code))?.into_iter().next()))
    }

    async fn insert_currency(
        &self,
        currency: Currency,
        event: Option<EventStamp>,
    ) -> Result<(), StoreError> {
        let event_raised = event.is_some();
        self.write(move |conn| {
            let code = currency.code.to_ascii_uppercase();
            conn.prepare_cached(
                "INSERT INTO crm_currencies (code, amount_cnt, amount, sort, base, date_update) \
                 VALUES (?1, ?2, ?3, ?4, 0, ?5)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    code,
                    currency.amount_cnt,
                    currency.amount,
                    currency.sort,
                    currency.date_update
                ])
            })
            .map_err(|e| match map_err(e) {
                StoreError::Conflict(_) => StoreError::Conflict(CURRENCY_EXISTS.to_owned()),
                other => other,
            })?;
            write_langs(conn, &code, &currency.langs)?;
            raise(conn, "ONCRMCURRENCYADD", &code, event.as_ref())
        })
        .await?;
        if event_raised {
            self.wake_deliveries();
        }
        Ok(())
    }

    async fn update_currency(
        &self,
        code: &str,
        change: CurrencyChange,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        let code = code.to_ascii_uppercase();
        let event_raised = event.is_some();
        self.write(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE crm_currencies SET amount_cnt = coalesce(?2, amount_cnt), \
                     amount = CASE WHEN base = 1 THEN amount ELSE coalesce(?3, amount) END, \
                     sort = coalesce(?4, sort), date_update = ?5 WHERE code = ?1",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        code,
                        change.amount_cnt,
                        change.amount,
                        change.sort,
                        change.at
                    ])
                })
                .map_err(map_err)?;
            if n == 0 {
                return Ok(false);
            }
            write_langs(conn, &code, &change.langs)?;
            raise(conn, "ONCRMCURRENCYUPDATE", &code, event.as_ref())?;
            Ok(true)
        })
        .await
        .inspect(|changed| {
            if *changed && event_raised {
                self.wake_deliveries();
            }
        })
    }

    async fn delete_currency(
        &self,
        code: &str,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        let code = code.to_ascii_uppercase();
        let event_raised = event.is_some();
        self.write(move |conn| {
            let base: Option<bool> = conn
                .prepare_cached("SELECT base FROM crm_currencies WHERE code = ?1")
                .and_then(|mut s| s.query_row([&code], |row| row.get(0)).optional())
                .map_err(map_err)?;
            match base {
                None => Ok(false),
                Some(true) => Err(StoreError::Conflict(BASE_CURRENCY.to_owned())),
                Some(false) => {
                    conn.prepare_cached("DELETE FROM crm_currencies WHERE code = ?1")
                        .and_then(|mut s| s.execute([&code]))
                        .map_err(map_err)?;
                    raise(conn, "ONCRMCURRENCYDELETE", &code, event.as_ref())?;
                    Ok(true)
                }
            }
        })
        .await
        .inspect(|deleted| {
            if *deleted && event_raised {
                self.wake_deliveries();
            }
        })
    }

    async fn set_base_currency(&self, code: &str, at: i64) -> Result<bool, StoreError> {
        let code = code.to_ascii_uppercase();
        self.write(move |conn| {
            let exists: bool = conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM crm_currencies WHERE code = ?1)")
                .and_then(|mut s| s.query_row([&code], |row| row.get(0)))
                .map_err(map_err)?;
            if !exists {
                return Ok(false);
            }
            conn.execute_batch("UPDATE crm_currencies SET base = 0 WHERE base = 1")
                .map_err(map_err)?;
            conn.prepare_cached(
                "UPDATE crm_currencies SET base = 1, amount = '1.0000', amount_cnt = 1, \
                 date_update = ?2 WHERE code = ?1",
            )
            .and_then(|mut s| s.execute(params![code, at]))
            .map_err(map_err)?;
            Ok(true)
        })
        .await
    }
}
