//! End-to-end tests of the REST API over real HTTP against a running router and a
//! real SQLite file.

mod batch;
mod common;
mod core;
mod decoding;
mod errors;
mod leads;
mod lists;
