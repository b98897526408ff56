//! End-to-end tests of the REST API over real HTTP against a running router and a
//! real SQLite file.

mod batch;
mod common;
mod contacts_companies;
mod core;
mod deals;
mod decoding;
mod errors;
mod leads;
mod links;
mod lists;
mod statuses;
