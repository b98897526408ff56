//! The retry schedule: the default sequence, `Retry-After` within bounds, custom delays and
//! the Bitrix24-compatible single attempt.

use std::time::Duration;

use portico_delivery::RetrySchedule;

const NOW: i64 = 1_700_000_000;

fn secs(s: u64) -> Option<Duration> {
    Some(Duration::from_secs(s))
}

#[test]
fn default_sequence_is_svix_like() {
    let schedule = RetrySchedule::default().without_jitter();
    let due: Vec<Option<i64>> = (0..=8)
        .map(|n| schedule.next_attempt_at(n, NOW, None))
        .collect();
    let expected_delays = [0, 5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
    let mut expected: Vec<Option<i64>> = expected_delays.iter().map(|d| Some(NOW + d)).collect();
    expected.push(None);
    assert_eq!(due, expected);
    assert_eq!(schedule.max_attempts(), 8);
    assert_eq!(schedule.next_attempt_at(9, NOW, None), None);
    assert_eq!(schedule.next_attempt_at(u32::MAX, NOW, None), None);
    // About a day from the first attempt to the last.
    let total: i64 = expected_delays.iter().sum();
    assert_eq!(total, 99_305);
}

#[test]
fn retry_after_is_honoured_within_bounds() {
    let schedule = RetrySchedule::default().without_jitter();
    // Longer than the schedule's delay: the receiver's wish.
    assert_eq!(schedule.next_attempt_at(1, NOW, secs(7)), Some(NOW + 7));
    assert_eq!(schedule.next_attempt_at(2, NOW, secs(900)), Some(NOW + 900));
    // Never sooner than the schedule.
    assert_eq!(schedule.next_attempt_at(1, NOW, secs(2)), Some(NOW + 5));
    assert_eq!(schedule.next_attempt_at(1, NOW, secs(0)), Some(NOW + 5));
    assert_eq!(schedule.next_attempt_at(3, NOW, secs(7)), Some(NOW + 1_800));
    // Never later than a day.
    let day = 86_400;
    assert_eq!(
        schedule.next_attempt_at(1, NOW, secs(3 * day)),
        Some(NOW + 86_400)
    );
    assert_eq!(
        schedule.next_attempt_at(1, NOW, secs(u64::MAX)),
        Some(NOW + 86_400)
    );
    // It does not add attempts.
    assert_eq!(schedule.next_attempt_at(8, NOW, secs(7)), None);
}

#[test]
fn delays_and_ceiling_are_configurable() {
    let schedule = RetrySchedule {
        delays: vec![60, 200_000],
        jitter: 0.0,
        max_retry_after: Duration::from_secs(600),
    };
    assert_eq!(schedule.max_attempts(), 3);
    assert_eq!(schedule.next_attempt_at(1, NOW, None), Some(NOW + 60));
    assert_eq!(
        schedule.next_attempt_at(1, NOW, secs(3_600)),
        Some(NOW + 600)
    );
    // A schedule delay above the ceiling is kept.
    assert_eq!(
        schedule.next_attempt_at(2, NOW, secs(3_600)),
        Some(NOW + 200_000)
    );
    assert_eq!(schedule.next_attempt_at(3, NOW, None), None);
}

#[test]
fn bitrix24_mode_makes_one_attempt() {
    let schedule = RetrySchedule::bitrix24();
    assert_eq!(schedule.max_attempts(), 1);
    assert_eq!(schedule.next_attempt_at(0, NOW, None), Some(NOW));
    assert_eq!(schedule.next_attempt_at(1, NOW, None), None);
    assert_eq!(schedule.next_attempt_at(1, NOW, secs(7)), None);
}

#[test]
fn default_jitter_moves_delays_by_at_most_a_fifth() {
    let schedule = RetrySchedule::default();
    for _ in 0..100 {
        let delay = schedule.next_attempt_at(2, NOW, None).unwrap() - NOW;
        assert!((240..=360).contains(&delay), "{delay}");
        // Retry-After still sets the floor.
        let delay = schedule.next_attempt_at(1, NOW, secs(7)).unwrap() - NOW;
        assert!(delay >= 7, "{delay}");
    }
}
