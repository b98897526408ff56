//! The open-file limit and the connection cap derived from it. At start the soft
//! `RLIMIT_NOFILE` is raised to the hard limit; client connections are then capped
//! below it, leaving file descriptors for the database files, the log and
//! outgoing sockets, so that accepting never fails for want of descriptors.

/// Descriptors kept for everything but client connections: an eighth of the
/// limit, at least this many (but never more than half the limit).
const RESERVED_AT_LEAST: u64 = 128;

/// Connections allowed where the open-file limit cannot be read.
#[cfg(not(unix))]
const CAP_WITHOUT_LIMIT: usize = 1024;

/// The connection cap for an open-file limit of `open_files`.
pub fn connection_cap(open_files: u64) -> usize {
    let reserved = (open_files / 8).max(RESERVED_AT_LEAST).min(open_files / 2);
    usize::try_from(open_files - reserved)
        .unwrap_or(usize::MAX)
        .max(1)
}

/// Raises the soft open-file limit to the hard one; returns the limit now in force.
#[cfg(unix)]
fn raise_open_file_limit() -> std::io::Result<u64> {
    let (_, hard) = rlimit::Resource::NOFILE.get()?;
    match rlimit::increase_nofile_limit(hard) {
        Ok(limit) => Ok(limit),
        Err(e) => {
            tracing::warn!(error = %e, "cannot raise the open-file limit");
            Ok(rlimit::Resource::NOFILE.get()?.0)
        }
    }
}

/// Raises the open-file limit, derives the connection cap (lowered to
/// `configured` when that is smaller) and logs both in one line.
pub fn max_connections(configured: Option<usize>) -> usize {
    #[cfg(unix)]
    let (limit, derived) = match raise_open_file_limit() {
        Ok(limit) => (Some(limit), connection_cap(limit)),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the open-file limit");
            (None, configured.unwrap_or(1024))
        }
    };
    #[cfg(not(unix))]
    let (limit, derived) = (None::<u64>, CAP_WITHOUT_LIMIT);
    let cap = configured.map_or(derived, |c| c.clamp(1, derived));
    match limit {
        Some(limit) => tracing::info!(
            open_files = limit,
            max_connections = cap,
            "open-file limit {limit}: at most {cap} connections at once"
        ),
        None => tracing::info!(max_connections = cap, "at most {cap} connections at once"),
    }
    if let Some(asked) = configured.filter(|&c| c > cap) {
        tracing::warn!(
            configured = asked,
            max_connections = cap,
            "max_connections lowered to fit the open-file limit"
        );
    }
    cap
}

#[cfg(test)]
mod tests {
    use super::connection_cap;

    #[test]
    fn the_cap_leaves_room_below_the_limit() {
        assert_eq!(connection_cap(1024), 896);
        assert_eq!(connection_cap(65536), 57344);
        assert_eq!(connection_cap(200), 100);
        assert_eq!(connection_cap(1), 1);
    }
}
