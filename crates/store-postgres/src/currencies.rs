//! [`CurrencyStore`] on PostgreSQL: `crm_currencies` and their display
//! settings per language in `crm_currency_langs` (the schema seeds USD as the
//! base currency, EUR and BRL). Stamped writes record their
//! `ONCRMCURRENCY{ADD|UPDATE|DELETE}` event in their own transaction.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::currencies::{BASE_CURRENCY, CURRENCY_EXISTS};
use portico_store::{
    Currency, CurrencyChange, CurrencyLang, CurrencyStore, EventStamp, StoreError,
};

use crate::events::{record_event, RaisedEvent};
use crate::statuses::conflict_named;
use crate::{transaction, DbResult, PgStore};

/// Records the currency event `code` of currency `currency` when stamped.
async fn raise(
    tx: &Transaction<'_>,
    code: &str,
    currency: &str,
    stamp: Option<&EventStamp>,
) -> DbResult<()> {
    let Some(stamp) = stamp else {
        return Ok(());
    };
    let event = RaisedEvent {
        code,
        entity: "CURRENCY",
        entity_id: 0,
        data: serde_json::json!({ "FIELDS": { "ID": currency } }),
    };
    record_event(tx, &event, stamp).await.map(|_| ())
}

/// Reads every currency (or the one with code `only`, upper case) by sort,
/// then code, each with its languages by language id.
async fn read_currencies(conn: &impl GenericClient, only: Option<&str>) -> DbResult<Vec<Currency>> {
    let statement = conn
        .prepare_cached(
            "SELECT code, amount_cnt, amount, sort, base, date_update FROM crm_currencies \
             WHERE $1::text IS NULL OR code = $1 ORDER BY sort, code COLLATE \"C\"",
        )
        .await?;
    let mut currencies = conn
        .query(&statement, &[&only])
        .await?
        .iter()
        .map(|row| {
            Ok(Currency {
                code: row.try_get(0)?,
                amount_cnt: row.try_get(1)?,
                amount: row.try_get(2)?,
                sort: row.try_get(3)?,
                base: row.try_get::<_, i64>(4)? != 0,
                date_update: row.try_get(5)?,
                langs: Vec::new(),
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    let statement = conn
        .prepare_cached(
            "SELECT code, lang, full_name, format_string, dec_point, thousands_sep, decimals, \
             hide_zero FROM crm_currency_langs WHERE $1::text IS NULL OR code = $1 \
             ORDER BY lang COLLATE \"C\"",
        )
        .await?;
    for row in conn.query(&statement, &[&only]).await? {
        let code: String = row.try_get(0)?;
        let lang = CurrencyLang {
            lang: row.try_get(1)?,
            full_name: row.try_get(2)?,
            format_string: row.try_get(3)?,
            dec_point: row.try_get(4)?,
            thousands_sep: row.try_get(5)?,
            decimals: row.try_get(6)?,
            hide_zero: row.try_get::<_, i64>(7)? != 0,
        };
        if let Some(currency) = currencies.iter_mut().find(|c| c.code == code) {
            currency.langs.push(lang);
        }
    }
    Ok(currencies)
}

/// Writes the display settings of `code` in each of `langs` (replacing those
/// languages' settings, keeping the others).
async fn write_langs(tx: &Transaction<'_>, code: &str, langs: &[CurrencyLang]) -> DbResult<()> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO crm_currency_langs (code, lang, full_name, format_string, dec_point, \
             thousands_sep, decimals, hide_zero) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (code, lang) DO UPDATE SET full_name = excluded.full_name, \
             format_string = excluded.format_string, dec_point = excluded.dec_point, \
             thousands_sep = excluded.thousands_sep, decimals = excluded.decimals, \
             hide_zero = excluded.hide_zero",
        )
        .await?;
    for l in langs {
        tx.execute(
            &statement,
            &[
                &code,
                &l.lang,
                &l.full_name,
                &l.format_string,
                &l.dec_point,
                &l.thousands_sep,
                &l.decimals,
                &i64::from(l.hide_zero),
            ],
        )
        .await?;
    }
    Ok(())
}

#[async_trait]
impl CurrencyStore for PgStore {
    async fn list_currencies(&self) -> Result<Vec<Currency>, StoreError> {
        transaction!(self, RepeatableRead, |tx| {
            read_currencies(&tx, None).await
        })
    }

    async fn currency(&self, code: &str) -> Result<Option<Currency>, StoreError> {
        // ASCII letters only, as SQLite's upper() and the writes fold them.
        let code = code.to_ascii_uppercase();
        transaction!(self, RepeatableRead, |tx| {
            Ok(read_currencies(&tx, Some(&code)).await?.into_iter().next())
        })
    }

    async fn insert_currency(
        &self,
        currency: Currency,
        event: Option<EventStamp>,
    ) -> Result<(), StoreError> {
        let code = currency.code.to_ascii_uppercase();
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO crm_currencies (code, amount_cnt, amount, sort, base, date_update) \
                     VALUES ($1, $2, $3, $4, 0, $5)",
                )
                .await?;
            tx.execute(
                &statement,
                &[
                    &code,
                    &currency.amount_cnt,
                    &currency.amount,
                    &currency.sort,
                    &currency.date_update,
                ],
            )
            .await
            .map_err(|e| conflict_named(e, CURRENCY_EXISTS))?;
            write_langs(&tx, &code, &currency.langs).await?;
            raise(&tx, "ONCRMCURRENCYADD", &code, event.as_ref()).await
        })
    }

    async fn update_currency(
        &self,
        code: &str,
        change: CurrencyChange,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        let code = code.to_ascii_uppercase();
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "UPDATE crm_currencies SET amount_cnt = COALESCE($2, amount_cnt), \
                     amount = CASE WHEN base = 1 THEN amount ELSE COALESCE($3, amount) END, \
                     sort = COALESCE($4, sort), date_update = $5 WHERE code = $1",
                )
                .await?;
            let updated = tx
                .execute(
                    &statement,
                    &[
                        &code,
                        &change.amount_cnt,
                        &change.amount,
                        &change.sort,
                        &change.at,
                    ],
                )
                .await?;
            if updated == 0 {
                return Ok(false);
            }
            write_langs(&tx, &code, &change.langs).await?;
            raise(&tx, "ONCRMCURRENCYUPDATE", &code, event.as_ref()).await?;
            Ok(true)
        })
    }

    async fn delete_currency(
        &self,
        code: &str,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        let code = code.to_ascii_uppercase();
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("SELECT base FROM crm_currencies WHERE code = $1")
                .await?;
            let base: i64 = match tx.query_opt(&statement, &[&code]).await? {
                Some(row) => row.try_get(0)?,
                None => return Ok(false),
            };
            if base != 0 {
                return Err(StoreError::Conflict(BASE_CURRENCY.to_owned()).into());
            }
            // The languages go with it (ON DELETE CASCADE).
            let statement = tx
                .prepare_cached("DELETE FROM crm_currencies WHERE code = $1")
                .await?;
            tx.execute(&statement, &[&code]).await?;
            raise(&tx, "ONCRMCURRENCYDELETE", &code, event.as_ref()).await?;
            Ok(true)
        })
    }

    async fn set_base_currency(&self, code: &str, at: i64) -> Result<bool, StoreError> {
        let code = code.to_ascii_uppercase();
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM crm_currencies WHERE code = $1)")
                .await?;
            let exists: bool = tx.query_one(&statement, &[&code]).await?.try_get(0)?;
            if !exists {
                return Ok(false);
            }
            let statement = tx
                .prepare_cached("UPDATE crm_currencies SET base = 0 WHERE base = 1")
                .await?;
            tx.execute(&statement, &[]).await?;
            let statement = tx
                .prepare_cached(
                    "UPDATE crm_currencies SET base = 1, amount = '1.0000', amount_cnt = 1, \
                     date_update = $2 WHERE code = $1",
                )
                .await?;
            tx.execute(&statement, &[&code, &at]).await?;
            Ok(true)
        })
    }
}
