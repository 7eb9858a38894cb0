//! Time windows: absolute (`schedule`) and weekly at a fixed UTC offset (`recurring`).
//! The arithmetic is spelled out in docs/snapshot.md, "Schedules".

use alloc::vec::Vec;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// `start <= now < end`, either bound optional.
#[derive(Clone, Debug)]
pub(crate) struct Window {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

impl Window {
    pub fn contains(&self, now: i64) -> bool {
        self.start.is_none_or(|s| s <= now) && self.end.is_none_or(|e| now < e)
    }
}

/// Weekly windows at a fixed offset from UTC.
#[derive(Clone, Debug)]
pub(crate) struct Recurring {
    pub offset_minutes: i32,
    pub windows: Vec<Weekly>,
}

/// One weekly window: starts at `from` on each day in `days`, ends at `to` (the next day when
/// `to <= from`).
#[derive(Clone, Debug)]
pub(crate) struct Weekly {
    /// Bit `d` set = window starts on weekday `d` (0 = Monday … 6 = Sunday).
    pub days: u8,
    /// Minutes after local midnight, 0..=1439.
    pub from: u16,
    /// Minutes after local midnight, 1..=1440.
    pub to: u16,
}

/// Local weekday (0 = Monday) and minute of the day of `now` at the given offset.
pub(crate) fn local_day_minute(now: i64, offset_minutes: i32) -> (u8, u16) {
    let local = now.saturating_add(offset_minutes as i64 * MINUTE_MS);
    let day = local.div_euclid(DAY_MS);
    let minute = local.rem_euclid(DAY_MS) / MINUTE_MS;
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    ((day + 3).rem_euclid(7) as u8, minute as u16)
}

impl Recurring {
    pub fn contains(&self, now: i64) -> bool {
        let (weekday, minute) = local_day_minute(now, self.offset_minutes);
        let prev = (weekday + 6) % 7;
        self.windows.iter().any(|w| w.contains(weekday, prev, minute))
    }
}

impl Weekly {
    fn contains(&self, weekday: u8, prev: u8, minute: u16) -> bool {
        let on = |d: u8| self.days & (1 << d) != 0;
        if self.from < self.to {
            on(weekday) && self.from <= minute && minute < self.to
        } else {
            (on(weekday) && minute >= self.from) || (on(prev) && minute < self.to)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::parse_timestamp;
    use alloc::vec;

    fn at(s: &str) -> i64 {
        parse_timestamp(s).unwrap()
    }

    const FRI: u8 = 1 << 4;
    const SUN: u8 = 1 << 6;

    #[test]
    fn weekday_arithmetic() {
        assert_eq!(local_day_minute(0, 0), (3, 0)); // Thursday
        assert_eq!(local_day_minute(at("2026-11-22T23:30:00Z"), 0), (6, 1410)); // Sunday
                                                                                // -05:00 moves Monday 03:00 UTC back to Sunday 22:00.
        assert_eq!(local_day_minute(at("2026-11-23T03:00:00Z"), -300), (6, 1320));
        assert_eq!(local_day_minute(-1, 0), (2, 1439)); // Wednesday 1969-12-31 23:59
    }

    #[test]
    fn windows_across_midnight_and_the_week() {
        let fri_night = Recurring { offset_minutes: 0, windows: vec![Weekly { days: FRI, from: 22 * 60, to: 6 * 60 }] };
        assert!(fri_night.contains(at("2026-11-20T22:00:00Z")));
        assert!(fri_night.contains(at("2026-11-21T03:00:00Z")));
        assert!(!fri_night.contains(at("2026-11-21T06:00:00Z")));
        assert!(!fri_night.contains(at("2026-11-20T21:59:59Z")));
        let sun_night = Recurring { offset_minutes: 0, windows: vec![Weekly { days: SUN, from: 22 * 60, to: 6 * 60 }] };
        assert!(sun_night.contains(at("2026-11-23T03:00:00Z")));
        assert!(!sun_night.contains(at("2026-11-22T03:00:00Z")));
        let all_day = Recurring { offset_minutes: 0, windows: vec![Weekly { days: SUN, from: 6 * 60, to: 6 * 60 }] };
        assert!(all_day.contains(at("2026-11-23T05:59:00Z")));
        assert!(!all_day.contains(at("2026-11-23T06:00:00Z")));
    }

    #[test]
    fn absolute_window_is_half_open() {
        let w = Window { start: Some(10), end: Some(20) };
        assert!(!w.contains(9) && w.contains(10) && w.contains(19) && !w.contains(20));
        assert!(Window { start: None, end: Some(0) }.contains(i64::MIN));
    }
}
