-- Portico SQLite schema, version 14: the currency directory (crm.currency.*),
-- seeded with the US dollar as the base currency, the euro and the Brazilian
-- real, each with its English and Brazilian Portuguese display settings.

CREATE TABLE crm_currencies (
    code            TEXT PRIMARY KEY,
    amount_cnt      INTEGER NOT NULL DEFAULT 1,
    amount          TEXT NOT NULL DEFAULT '1.0000',
    sort            INTEGER NOT NULL DEFAULT 100,
    base            INTEGER NOT NULL DEFAULT 0,
    date_update     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX crm_currencies_one_base ON crm_currencies (base) WHERE base = 1;

CREATE TABLE crm_currency_langs (
    code            TEXT NOT NULL REFERENCES crm_currencies (code) ON DELETE CASCADE ON UPDATE CASCADE,
    lang            TEXT NOT NULL,
    full_name       TEXT NOT NULL DEFAULT '',
    format_string   TEXT NOT NULL DEFAULT '#',
    dec_point       TEXT NOT NULL DEFAULT '.',
    thousands_sep   TEXT NOT NULL DEFAULT ' ',
    decimals        INTEGER NOT NULL DEFAULT 2,
    hide_zero       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (code, lang)
) STRICT, WITHOUT ROWID;

INSERT INTO crm_currencies (code, amount_cnt, amount, sort, base, date_update) VALUES
    ('USD', 1, '1.0000', 100, 1, unixepoch()),
    ('EUR', 1, '1.0800', 200, 0, unixepoch()),
    ('BRL', 1, '0.1800', 300, 0, unixepoch());

INSERT INTO crm_currency_langs (code, lang, full_name, format_string, dec_point, thousands_sep, decimals, hide_zero) VALUES
    ('USD', 'en', 'US Dollar', '$#', '.', ',', 2, 0),
    ('USD', 'br', 'Dólar americano', 'US$ #', ',', '.', 2, 0),
    ('EUR', 'en', 'Euro', '€#', '.', ',', 2, 0),
    ('EUR', 'br', 'Euro', '€ #', ',', '.', 2, 0),
    ('BRL', 'en', 'Brazilian Real', 'R$#', '.', ',', 2, 0),
    ('BRL', 'br', 'Real', 'R$ #', ',', '.', 2, 0);
