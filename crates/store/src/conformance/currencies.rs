//! The currency directory: the seeded currencies (USD base), add with a
//! taken code refused, changes (the base currency's rate stays 1), languages
//! merged, delete (never the base), moving the base.

use crate::currencies::{BASE_CURRENCY, CURRENCY_EXISTS};
use crate::error::StoreError;
use crate::{Currency, CurrencyChange, CurrencyLang, Store};

fn lang(lang: &str, name: &str) -> CurrencyLang {
    CurrencyLang {
        lang: lang.to_owned(),
        full_name: name.to_owned(),
        format_string: "#".to_owned(),
        dec_point: ".".to_owned(),
        thousands_sep: " ".to_owned(),
        decimals: 2,
        hide_zero: false,
    }
}

/// The currency story.
pub(super) async fn story(store: &dyn Store) {
    let seeded = store.list_currencies().await.expect("list");
    let codes: Vec<&str> = seeded.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["USD", "EUR", "BRL"]);
    assert!(seeded[0].base && !seeded[1].base);
    assert!(seeded[0].langs.iter().any(|l| l.lang == "br"));

    let jpy = Currency {
        code: "jpy".to_owned(),
        amount_cnt: 100,
        amount: "0.6700".to_owned(),
        sort: 500,
        base: true,
        date_update: 10,
        langs: vec![lang("en", "Yen")],
    };
    store.insert_currency(jpy.clone(), None).await.expect("add");
    assert!(matches!(
        store.insert_currency(jpy, None).await,
        Err(StoreError::Conflict(name)) if name == CURRENCY_EXISTS
    ));
    let stored = store.currency("JPY").await.expect("get").expect("jpy");
    assert_eq!(
        (stored.amount_cnt, stored.amount.as_str(), stored.base),
        (100, "0.6700", false)
    );
    let change = CurrencyChange {
        amount: Some("0.7000".to_owned()),
        langs: vec![lang("br", "Iene")],
        at: 20,
        ..CurrencyChange::default()
    };
    assert!(store
        .update_currency("jpy", change.clone(), None)
        .await
        .expect("update"));
    let stored = store.currency("jpy").await.expect("get").expect("jpy");
    assert_eq!((stored.amount.as_str(), stored.date_update), ("0.7000", 20));
    assert_eq!(stored.langs.len(), 2);
    assert!(!store
        .update_currency("XXX", change.clone(), None)
        .await
        .expect("none"));
    // The base currency's rate stays 1.
    assert!(store
        .update_currency("USD", change, None)
        .await
        .expect("base"));
    assert_eq!(
        store
            .currency("USD")
            .await
            .expect("get")
            .expect("usd")
            .amount,
        "1.0000"
    );
    assert!(matches!(
        store.delete_currency("usd", None).await,
        Err(StoreError::Conflict(name)) if name == BASE_CURRENCY
    ));
    assert!(store.set_base_currency("JPY", 30).await.expect("base"));
    let now = store.list_currencies().await.expect("list");
    assert_eq!(
        now.iter()
            .filter(|c| c.base)
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        ["JPY"]
    );
    assert!(!store.set_base_currency("XXX", 30).await.expect("missing"));
    assert!(store.set_base_currency("USD", 40).await.expect("back"));
    assert!(store.delete_currency("JPY", None).await.expect("delete"));
    assert!(!store.delete_currency("JPY", None).await.expect("gone"));
    assert!(store.currency("JPY").await.expect("get").is_none());
}
