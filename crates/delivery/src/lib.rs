//! Outbound delivery: SSRF guard for handler URLs.
