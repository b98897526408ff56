//! The one error type of the storage layer; each backend maps its driver errors into it.

/// A storage failure, already classified so callers can answer the right protocol error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row addressed does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness or foreign-key constraint refused the write; holds the constraint's name.
    #[error("constraint violated: {0}")]
    Conflict(String),
    /// The database cannot be reached or is shutting down.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else; the text is for logs, never for API answers.
    #[error("storage error: {0}")]
    Other(String),
}
