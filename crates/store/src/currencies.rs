//! The currency directory (`crm.currency.*`): ISO 4217 codes with their rate
//! against the base currency and their display settings per language. One
//! currency is the base; it cannot be deleted.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::events::EventStamp;

/// The events currency writes raise (`data` `{"FIELDS": {"ID": "EUR"}}`).
pub const CURRENCY_EVENTS: [&str; 3] = [
    "ONCRMCURRENCYADD",
    "ONCRMCURRENCYUPDATE",
    "ONCRMCURRENCYDELETE",
];

/// The conflict name of adding a currency whose code exists.
pub const CURRENCY_EXISTS: &str = "crm_currencies_code";

/// The conflict name of deleting the base currency.
pub const BASE_CURRENCY: &str = "crm_currencies_base";

/// How a currency is shown in one language.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrencyLang {
    /// Bitrix24 language id (`en`, `br`, `de`, …).
    pub lang: String,
    /// Name (`Euro`).
    pub full_name: String,
    /// Format, `#` standing for the number (`# €`).
    pub format_string: String,
    /// Decimal point.
    pub dec_point: String,
    /// Thousands separator.
    pub thousands_sep: String,
    /// Digits after the point.
    pub decimals: i64,
    /// Whether zero decimals are hidden.
    pub hide_zero: bool,
}

/// A currency.
#[derive(Clone, Debug, PartialEq)]
pub struct Currency {
    /// ISO 4217 code, upper case (`EUR`).
    pub code: String,
    /// How many units of this currency `amount` prices.
    pub amount_cnt: i64,
    /// Their price in the base currency, as a decimal text (`78.3200`).
    pub amount: String,
    /// Sort weight.
    pub sort: i64,
    /// Whether it is the base currency.
    pub base: bool,
    /// Last change, Unix seconds.
    pub date_update: i64,
    /// Display settings, by language.
    pub langs: Vec<CurrencyLang>,
}

/// A change to a currency: what is `Some` is written; languages given replace
/// those languages' settings (others are kept).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CurrencyChange {
    /// New `AMOUNT_CNT`.
    pub amount_cnt: Option<i64>,
    /// New `AMOUNT`.
    pub amount: Option<String>,
    /// New `SORT`.
    pub sort: Option<i64>,
    /// Languages to write.
    pub langs: Vec<CurrencyLang>,
    /// Instant of the change, Unix seconds.
    pub at: i64,
}

/// Currency storage.
#[async_trait]
pub trait CurrencyStore: Send + Sync {
    /// Every currency by `SORT`, then code.
    async fn list_currencies(&self) -> Result<Vec<Currency>, StoreError>;
    /// One currency by code (any case).
    async fn currency(&self, code: &str) -> Result<Option<Currency>, StoreError>;
    /// Adds a currency (not the base: see [`CurrencyStore::set_base_currency`]);
    /// an existing code is `Conflict(CURRENCY_EXISTS)`. With a stamp, records
    /// `ONCRMCURRENCYADD` in the same transaction (so for update and delete).
    async fn insert_currency(
        &self,
        currency: Currency,
        event: Option<EventStamp>,
    ) -> Result<(), StoreError>;
    /// Changes a currency; `false` when there is none with this code.
    async fn update_currency(
        &self,
        code: &str,
        change: CurrencyChange,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError>;
    /// Deletes a currency with its languages; `false` when there is none; the
    /// base currency is `Conflict(BASE_CURRENCY)`.
    async fn delete_currency(
        &self,
        code: &str,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError>;
    /// Makes `code` the base currency (its `AMOUNT` becomes 1 per unit);
    /// `false` when there is no such currency.
    async fn set_base_currency(&self, code: &str, at: i64) -> Result<bool, StoreError>;
}
