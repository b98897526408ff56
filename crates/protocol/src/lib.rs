//! The Bitrix24 REST wire format, free of any I/O: PHP-style parameter decoding,
//! the response envelope and its `time` block, the error-code table, the list
//! `filter` key grammar and `batch` command parsing with `$result[...]` substitution.

pub mod batch;
pub mod envelope;
pub mod error;
pub mod filter;
pub mod params;

pub use error::{ApiError, ErrorCode};
pub use params::{ParamMap, Params};
