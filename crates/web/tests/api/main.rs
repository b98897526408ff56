//! End-to-end tests of the REST API over real HTTP against a running router and a
//! real SQLite file.

mod attack_corpus;
mod batch;
mod common;
mod contacts_companies;
mod core;
mod deals;
mod decoding;
mod duplicates;
mod errors;
mod events_outbox;
mod events_sources;
mod field_lists;
mod items;
mod leads;
mod links;
mod lists;
mod logs;
mod php_arrays;
mod pipelines;
mod rights;
mod sign_in_attempt;
mod sizes;
mod statuses;
mod ui_client;
mod ui_developer;
mod ui_outbound;
mod ui_pages;
mod ui_sign_in;
mod ui_sign_in_attacks;
mod ui_users;
mod user_fields;
mod user_writes;
mod users;
mod wire_edges;
