//! Cognito's `TIMESTAMP` format.

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `EEE MMM d HH:mm:ss 'UTC' yyyy` in English, UTC: `"Sun Nov 22 09:05:07 UTC 2026"`.
///
/// The day of the month is **not** zero-padded (`"Tue Mar 5 …"`); Cognito rejects `"Mar 05"`
/// with `NotAuthorizedException`. Hours, minutes and seconds are two digits. This is the string
/// amazon-cognito-identity-js's `DateHelper.getNowString()` builds; the client sends it as
/// `TIMESTAMP` and signs it, and Cognito wants it within a few minutes of its own clock.
///
/// `unix_seconds` may be negative (before 1970). The proleptic Gregorian calendar is used for all
/// dates; the year is printed as a plain integer (`"… UTC 999"`, `"… UTC -1"`), as JavaScript's
/// `getUTCFullYear()` would. Every `i64` is accepted without panicking.
#[must_use]
pub fn cognito_timestamp(unix_seconds: i64) -> String {
    let secs = i128::from(unix_seconds);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (hh, mm, ss) = (sod / 3600, sod % 3600 / 60, sod % 60);
    // 1970-01-01 was a Thursday (index 4 counting from Sunday).
    let weekday = name(&WEEKDAYS, (days + 4).rem_euclid(7));
    let (year, month, day) = civil_from_days(days);
    let month = name(&MONTHS, month - 1);
    format!("{weekday} {month} {day} {hh:02}:{mm:02}:{ss:02} UTC {year}")
}

/// `names[i]`, or `"???"` if out of range (never, for the callers above).
fn name(names: &[&'static str], i: i128) -> &'static str {
    usize::try_from(i)
        .ok()
        .and_then(|i| names.get(i))
        .copied()
        .unwrap_or("???")
}

/// Days since 1970-01-01 → (year, month 1..=12, day 1..=31), proleptic Gregorian.
///
/// Howard Hinnant's `civil_from_days` (<https://howardhinnant.github.io/date_algorithms.html>),
/// in `i128` so no input overflows.
fn civil_from_days(days: i128) -> (i128, i128, i128) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::cognito_timestamp;

    #[test]
    fn known_dates() {
        assert_eq!(cognito_timestamp(0), "Thu Jan 1 00:00:00 UTC 1970");
        assert_eq!(
            cognito_timestamp(1_779_440_707),
            "Fri May 22 09:05:07 UTC 2026"
        );
        assert_eq!(
            cognito_timestamp(1_709_629_447),
            "Tue Mar 5 09:04:07 UTC 2024"
        );
        assert_eq!(
            cognito_timestamp(951_782_400),
            "Tue Feb 29 00:00:00 UTC 2000"
        );
        assert_eq!(cognito_timestamp(-1), "Wed Dec 31 23:59:59 UTC 1969");
    }

    #[test]
    fn day_is_not_zero_padded() {
        let s = cognito_timestamp(1_709_629_447);
        assert!(s.contains(" Mar 5 "), "{s}");
        assert!(!s.contains(" 05 "), "{s}");
    }

    #[test]
    fn extremes_do_not_panic() {
        for t in [
            i64::MIN,
            i64::MIN + 1,
            i64::MAX,
            -62_135_596_800,
            253_402_300_799,
        ] {
            assert!(cognito_timestamp(t).contains(" UTC "));
        }
        assert_eq!(
            cognito_timestamp(253_402_300_799),
            "Fri Dec 31 23:59:59 UTC 9999"
        );
        assert_eq!(
            cognito_timestamp(-62_135_596_800),
            "Mon Jan 1 00:00:00 UTC 1"
        );
    }
}
