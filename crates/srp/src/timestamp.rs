//! Cognito's `TIMESTAMP` format: [`cognito_timestamp`] writes it (the client), and
//! [`parse_cognito_timestamp`] reads it back (the server).

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
    let days = unix_seconds.div_euclid(86_400);
    let sod = unix_seconds.rem_euclid(86_400);
    let (hh, mm, ss) = (sod / 3600, sod % 3600 / 60, sod % 60);
    // 1970-01-01 was a Thursday (index 4 counting from Sunday).
    let weekday = name(&WEEKDAYS, (days + 4).rem_euclid(7));
    let (year, month, day) = civil_from_days(days);
    let month = name(&MONTHS, month - 1);
    format!("{weekday} {month} {day} {hh:02}:{mm:02}:{ss:02} UTC {year}")
}

/// Reads a `TIMESTAMP` as [`cognito_timestamp`] writes it, back to Unix seconds.
///
/// Strict, as Cognito is: English weekday and month names, the day of the month **not**
/// zero-padded (`"Tue Mar 5 …"`; `"Tue Mar 05 …"` is refused, as Cognito refuses it with
/// `NotAuthorizedException`), two-digit `HH:mm:ss`, the literal `UTC`, a four-digit year, and a
/// weekday and date that exist (`"Wed Mar 5 … 2024"`, `"Feb 30"` are refused). It accepts
/// exactly the strings [`cognito_timestamp`] produces for the years 1000 to 9999:
/// `parse_cognito_timestamp(&cognito_timestamp(t)) == Some(t)`.
///
/// `None` for anything else. Whether the time is close enough to the server's clock is the
/// caller's check.
#[must_use]
pub fn parse_cognito_timestamp(s: &str) -> Option<i64> {
    let mut fields = s.split(' ');
    let mut next = || fields.next();
    let (_weekday, month, day, time, utc, year) =
        (next()?, next()?, next()?, next()?, next()?, next()?);
    if next().is_some() || utc != "UTC" {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)?;
    let day = digits(day, 1..=2)?;
    let year = digits(year, 4..=4)?;
    let mut hms = time.split(':');
    let (hh, mm, ss) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() {
        return None;
    }
    let (hh, mm, ss) = (digits(hh, 2..=2)?, digits(mm, 2..=2)?, digits(ss, 2..=2)?);
    if day == 0 || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let month = i64::try_from(month).ok()? + 1;
    let t = days_from_civil(year, month, day) * 86_400 + hh * 3600 + mm * 60 + ss;
    // Writing the time back must give the same string: this refuses a zero-padded day, a
    // weekday that does not match, and a day the month does not have.
    (cognito_timestamp(t) == s).then_some(t)
}

/// A run of ASCII digits whose length is in `len` (no sign, no spaces), as a number.
fn digits(s: &str, len: std::ops::RangeInclusive<usize>) -> Option<i64> {
    if !len.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `names[i]`, or `"???"` if out of range (never, for the callers above).
fn name(names: &[&'static str], i: i64) -> &'static str {
    usize::try_from(i)
        .ok()
        .and_then(|i| names.get(i))
        .copied()
        .unwrap_or("???")
}

/// Days since 1970-01-01 → (year, month 1..=12, day 1..=31), proleptic Gregorian.
///
/// Howard Hinnant's `civil_from_days` (<https://howardhinnant.github.io/date_algorithms.html>),
/// in `i64`: `|days| ≤ i64::MAX / 86 400 ≈ 1.07·10¹⁴`, so the largest intermediate, `era · 400`,
/// stays below 3·10¹¹ and nothing overflows (`i128` here would pull a 128-bit `Display` into the
/// browser package, about 3 KB, for the year alone).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month 1..=12, day 1..=31) → days since 1970-01-01, proleptic Gregorian: the inverse
/// of [`civil_from_days`] (Howard Hinnant's `days_from_civil`). Callers keep the year to four
/// digits, so nothing overflows.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = (month + 9) % 12; // [0, 11], March-based
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::{cognito_timestamp, parse_cognito_timestamp};

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

    #[test]
    fn parse_reads_what_the_formatter_writes() {
        for t in [
            0,
            1_709_629_447,
            1_779_440_707,
            951_782_400,
            -1,
            -30_610_224_000, // Wed Jan 1 00:00:00 UTC 1000
            253_402_300_799, // Fri Dec 31 23:59:59 UTC 9999
        ] {
            let s = cognito_timestamp(t);
            assert_eq!(parse_cognito_timestamp(&s), Some(t), "{s}");
        }
        assert_eq!(
            parse_cognito_timestamp("Tue Mar 5 09:04:07 UTC 2024"),
            Some(1_709_629_447)
        );
        assert_eq!(
            parse_cognito_timestamp("Thu Jan 1 00:00:00 UTC 1970"),
            Some(0)
        );
    }

    #[test]
    fn parse_refuses_other_spellings() {
        for bad in [
            "",
            "Tue Mar 05 09:04:07 UTC 2024", // zero-padded day, as Cognito refuses it
            "Wed Mar 5 09:04:07 UTC 2024",  // wrong weekday
            "Tue Mar +5 09:04:07 UTC 2024", // a sign is not a digit
            "Tue Mar 5 9:04:07 UTC 2024",   // hour not two digits
            "Tue Mar 5 09:04:07 GMT 2024",
            "Tue Mar 5 09:04:07 utc 2024",
            "tue mar 5 09:04:07 UTC 2024", // English names as written
            "Tue March 5 09:04:07 UTC 2024",
            "Tue Mar  5 09:04:07 UTC 2024", // two spaces
            "Tue Mar 5 09:04:07 UTC 2024 ",
            "Tue Mar 5 09:04:07 UTC 24",
            "Tue Mar 5 09:04 UTC 2024",
            "Tue Mar 5 09:04:07:00 UTC 2024",
            "Tue Mar 5 24:00:00 UTC 2024",
            "Tue Mar 5 09:60:07 UTC 2024",
            "Tue Mar 5 09:04:60 UTC 2024",
            "Fri Feb 30 00:00:00 UTC 2024", // no such day (would be Mar 1)
            "Fri Mar 0 00:00:00 UTC 2024",
            "Mon Jan 1 00:00:00 UTC 1", // the formatter's year 1: not four digits
        ] {
            assert_eq!(parse_cognito_timestamp(bad), None, "{bad:?} accepted");
        }
    }
}
