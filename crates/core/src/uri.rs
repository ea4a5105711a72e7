//! The few URL operations the crate needs, by hand: split an absolute URL into its parts
//! (RFC 3986 appendix B, with the WHATWG URL Standard's input clean-up), check it is usable as
//! a base, decode `application/x-www-form-urlencoded` pairs and normalise an `http(s)` endpoint.
//!
//! Why not the `url` crate: its IDNA/ICU tables and WHATWG parser are ≈ 140 KB of the browser
//! package (issue 10), for a config check and a callback query. What is left out is what none
//! of our URLs need: IDNA (a non-ASCII host is kept as written; `fetch` and the browser's
//! navigation apply IDNA themselves), dot-segment and percent-encoding normalisation of paths,
//! and URLs relative to a base. The query and fragment decode exactly as the `url` crate decodes
//! them (tests compare the two on random input), so callback parameters read the same.

use std::borrow::Cow;

use percent_encoding::percent_decode;

/// An absolute URL split into its parts (all borrowed from the cleaned-up input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parts<'a> {
    /// The scheme as written (compare with [`Parts::is_scheme`]).
    pub scheme: &'a str,
    /// What follows `//` up to the path: `[userinfo@]host[:port]`. `None` without `//`.
    pub authority: Option<&'a str>,
    /// The path (may be empty).
    pub path: &'a str,
    /// After the first `?`, up to `#`.
    pub query: Option<&'a str>,
    /// After the first `#`.
    pub fragment: Option<&'a str>,
}

impl Parts<'_> {
    /// Whether the scheme is `s` (ASCII case-insensitive, as schemes are).
    pub fn is_scheme(&self, s: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(s)
    }

    /// `http` or `https`.
    pub fn is_http(&self) -> bool {
        self.is_scheme("http") || self.is_scheme("https")
    }

    /// The host of the authority (`[::1]` keeps its brackets), without userinfo and port.
    pub fn host(&self) -> Option<&str> {
        let a = self.authority?;
        let a = a.rsplit_once('@').map_or(a, |(_, h)| h);
        Some(if a.starts_with('[') {
            a.find(']').map_or(a, |i| part(a, ..=i))
        } else {
            a.rsplit_once(':').map_or(a, |(h, _)| h)
        })
    }

    /// The port of the authority, when written.
    fn port(&self) -> Option<&str> {
        let a = self.authority?;
        let a = a.rsplit_once('@').map_or(a, |(_, h)| h);
        let after_host = if a.starts_with('[') {
            part(a, a.find(']').map_or(a.len(), |i| i + 1)..)
        } else {
            a.find(':').map_or("", |i| part(a, i..))
        };
        after_host.strip_prefix(':')
    }
}

/// The WHATWG URL Standard's clean-up of an input: leading and trailing C0 controls and spaces
/// go, and so does every ASCII tab or newline inside.
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    let s = s.trim_matches(|c: char| c <= ' ');
    if s.contains(['\t', '\n', '\r']) {
        Cow::Owned(
            s.chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// Splits an absolute URL (already [`clean`]ed) and checks what the `url` crate would reject:
/// a missing or malformed scheme, an `http(s)` URL without `//host`, a host with a space or
/// another character no host may hold, a port that is not a number below 65536.
///
/// # Errors
/// A short reason (no input in it: callers decide what of the input an error may show).
pub(crate) fn parse_absolute(s: &str) -> Result<Parts<'_>, &'static str> {
    let (scheme, rest) = s.split_once(':').ok_or("relative URL without a base")?;
    let mut chars = scheme.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Err("relative URL without a base");
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find('/').unwrap_or(r.len());
            (Some(part(r, ..end)), part(r, end..))
        }
        None => (None, rest),
    };
    let parts = Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
    };
    if parts.is_http() && parts.host().is_none_or(str::is_empty) {
        return Err("empty host");
    }
    if let Some(host) = parts.host() {
        check_host(host)?;
    }
    if let Some(port) = parts.port() {
        if !port.is_empty() && port.parse::<u16>().is_err() {
            return Err("invalid port number");
        }
    }
    Ok(parts)
}

/// Rejects the WHATWG "forbidden host code points" and `%` (a percent-encoded host is legal
/// but no user pool or app has one), and, in brackets, anything but an IPv6 address.
fn check_host(host: &str) -> Result<(), &'static str> {
    if let Some(inner) = host.strip_prefix('[') {
        return match inner.strip_suffix(']') {
            Some(a) if is_ipv6(a) => Ok(()),
            _ => Err("invalid IPv6 address"),
        };
    }
    if host.chars().any(|c| {
        c.is_control()
            || matches!(
                c,
                ' ' | '#' | '%' | '/' | ':' | '<' | '>' | '?' | '@' | '[' | '\\' | ']' | '^' | '|'
            )
    }) {
        return Err("invalid domain character");
    }
    Ok(())
}

/// `&s[range]` without std's panicking slice path. Every caller's indexes come from `find`, a
/// scan that stops at ASCII bytes or `is_char_boundary`, so they are character boundaries and
/// the empty fallback is never taken. What it spares the browser package is the failure
/// message of `str` slicing, whose formatting brings `char`'s and `Range`'s `Debug` (about
/// 4 KB of `.wasm`).
pub(crate) fn part<R: std::slice::SliceIndex<str, Output = str>>(s: &str, range: R) -> &str {
    s.get(range).unwrap_or_default()
}

/// The longest prefix of `s` that is at most `max` bytes long and ends on a character
/// boundary: for cutting error excerpts without splitting a UTF-8 sequence.
pub(crate) fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    part(s, ..end)
}

/// Where `needle` first occurs in `haystack`: a byte-wise scan. `str::find` with a `&str`
/// pattern would bring the Two-Way searcher into the browser package (about 3 KB) for the
/// handful of short needles (`"::"`, `"://"`) this crate looks for in short strings.
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    if n.is_empty() {
        return Some(0);
    }
    haystack.as_bytes().windows(n.len()).position(|w| w == n)
}

/// RFC 4291 section 2.2 text form: eight groups of 1 to 4 hex digits, or fewer around one `::`,
/// the last two groups possibly written as a dotted IPv4 address. (`std::net::Ipv6Addr`'s
/// parser does the same with 3 KB more code.)
fn is_ipv6(s: &str) -> bool {
    // `"::"` is ASCII, so `at` and `at + 2` are character boundaries.
    let (head, tail, compressed) = match find(s, "::") {
        Some(at) => (
            s.get(..at).unwrap_or(""),
            s.get(at + 2..).unwrap_or(""),
            true,
        ),
        None => (s, "", false),
    };
    let mut groups = 0;
    let mut ok = true;
    let mut count = |part: &str, last: bool| {
        if part.is_empty() {
            return;
        }
        for (i, g) in part.split(':').enumerate() {
            let is_last = last && i == part.split(':').count() - 1;
            if is_last && g.contains('.') {
                let octets = g.split('.');
                ok &= octets.clone().count() == 4
                    && octets.into_iter().all(|o| {
                        !o.is_empty()
                            && o.len() <= 3
                            && (o == "0" || !o.starts_with('0'))
                            && o.parse::<u8>().is_ok()
                    });
                groups += 2;
            } else {
                ok &= (1..=4).contains(&g.len()) && g.chars().all(|c| c.is_ascii_hexdigit());
                groups += 1;
            }
        }
    };
    count(head, !compressed);
    count(tail, true);
    ok && find(tail, "::").is_none() && if compressed { groups < 8 } else { groups == 8 }
}

/// Whether an absolute URL can be a base (the `url` crate's `!cannot_be_a_base()`): its path
/// starts with `/` or it has an authority. `mailto:x` cannot; `myapp:/cb` and every `http(s)`
/// URL can.
pub(crate) fn is_hierarchical(p: &Parts<'_>) -> bool {
    p.authority.is_some() || p.path.starts_with('/')
}

/// An `http(s)` endpoint as the `url` crate would write it, for the cases a user pool endpoint
/// has: the scheme and host in lower case, the default port (80, 443) dropped, an empty path
/// written as `/`. The rest is kept as written.
pub(crate) fn normalize_http(p: &Parts<'_>) -> String {
    let scheme = p.scheme.to_ascii_lowercase();
    let mut out = scheme.clone();
    out.push_str("://");
    if let Some(a) = p.authority {
        // An empty password and an empty userinfo are not written.
        match a
            .rsplit_once('@')
            .map(|(u, _)| u.strip_suffix(':').unwrap_or(u))
        {
            Some(u) if !u.is_empty() => {
                out.push_str(u);
                out.push('@');
            }
            _ => {}
        }
    }
    out.push_str(&p.host().unwrap_or_default().to_ascii_lowercase());
    if let Some(port) = p.port().filter(|s| !s.is_empty()) {
        let port = port.trim_start_matches('0');
        let default = matches!((scheme.as_str(), port), ("http", "80") | ("https", "443"));
        if !default {
            out.push(':');
            out.push_str(if port.is_empty() { "0" } else { port });
        }
    }
    out.push_str(if p.path.is_empty() { "/" } else { p.path });
    if let Some(q) = p.query {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = p.fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The `name=value` pairs of an `application/x-www-form-urlencoded` string (a query, a
/// fragment, a form body): split at `&`, empty parts skipped, split at the first `=`, `+` read
/// as a space, `%XX` decoded, invalid UTF-8 replaced by U+FFFD; a `%` not followed by two hex
/// digits stays as it is.
pub(crate) fn form_pairs(s: &str) -> impl Iterator<Item = (String, String)> + '_ {
    s.split('&').filter(|p| !p.is_empty()).map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (form_decode(k), form_decode(v))
    })
}

fn form_decode(s: &str) -> String {
    let bytes: Cow<'_, [u8]> = if s.contains('+') {
        Cow::Owned(
            s.bytes()
                .map(|b| if b == b'+' { b' ' } else { b })
                .collect(),
        )
    } else {
        Cow::Borrowed(s.as_bytes())
    };
    percent_decode(&bytes).decode_utf8_lossy().into_owned()
}

/// Appends `s` to `out` percent-encoded: every byte but ASCII letters, digits and the bytes
/// in `keep` becomes `%XX` (uppercase hex, of its UTF-8 encoding). What `percent_encoding`'s
/// `utf8_percent_encode` with `NON_ALPHANUMERIC` minus `keep` writes, without its 768-byte
/// table of `%XX` strings and its iterator in the browser package.
pub(crate) fn push_encoded(out: &mut String, s: &str, keep: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(s: &str) -> Result<Parts<'_>, &'static str> {
        parse_absolute(s)
    }

    #[test]
    fn splits_the_parts() -> Result<(), &'static str> {
        let p = parse("https://u:p@Example.COM:8443/a/b?x=1&y#frag?not=query")?;
        assert_eq!(p.scheme, "https");
        assert_eq!(p.authority, Some("u:p@Example.COM:8443"));
        assert_eq!(p.host(), Some("Example.COM"));
        assert_eq!(p.port(), Some("8443"));
        assert_eq!(p.path, "/a/b");
        assert_eq!(p.query, Some("x=1&y"));
        assert_eq!(p.fragment, Some("frag?not=query"));
        let p = parse("http://[::1]:9229")?;
        assert_eq!(p.host(), Some("[::1]"));
        assert_eq!(p.port(), Some("9229"));
        assert_eq!(p.path, "");
        let p = parse("myapp:/cb#a")?;
        assert_eq!((p.authority, p.path, p.fragment), (None, "/cb", Some("a")));
        assert!(is_hierarchical(&p));
        assert!(!is_hierarchical(&parse("mailto:x@example.com")?));
        Ok(())
    }

    #[test]
    fn rejects_what_is_no_absolute_url() {
        for s in [
            "",
            "not a url",
            "/relative/path",
            "1http://x/",
            "https://",
            "http://exa mple.com/",
            "http://a<b/",
            "http://host:99999/",
            "http://host:12a/",
            "http://[::1/",
            "http://[zz]/",
        ] {
            assert!(parse(s).is_err(), "{s:?} parsed");
            assert!(
                url::Url::parse(s).is_err(),
                "{s:?}: the url crate accepts it"
            );
        }
        // Stricter than the URL Standard, which reads the path's first segment as the host.
        assert!(parse("https:///path").is_err());
    }

    #[test]
    fn normalizes_endpoints_like_the_url_crate() -> Result<(), &'static str> {
        for s in [
            "http://localhost:9229",
            "HTTP://LocalHost:9229/",
            "https://cognito-idp.us-east-1.amazonaws.com",
            "https://x.example:443/base?q=1#f",
            "http://x.example:80",
            "http://x.example:080/p",
            "http://127.0.0.1:0/",
            "http://user:pw@x.example:8080/a",
            "http://user:@x.example/",
            "http://:@x.example/",
            "http://:pw@x.example/",
            "http://[::1]:9229",
        ] {
            let ours = normalize_http(&parse(s)?);
            let theirs = url::Url::parse(s)
                .map_err(|_| "url crate rejects")?
                .to_string();
            assert_eq!(ours, theirs, "{s:?}");
        }
        Ok(())
    }

    #[test]
    fn cleans_like_the_url_standard() {
        assert_eq!(
            clean("  \u{1}https://a/\tb\n?c\r=d \u{0}"),
            "https://a/b?c=d"
        );
        assert!(matches!(clean("https://a/"), Cow::Borrowed(_)));
    }

    #[test]
    fn form_pairs_decode() {
        let got: Vec<_> = form_pairs("a=1&&b=x+y%20z&c&d=%zz%4&=e&f=%E2%82%AC%FF").collect();
        let want = [
            ("a", "1"),
            ("b", "x y z"),
            ("c", ""),
            ("d", "%zz%4"),
            ("", "e"),
            ("f", "€\u{FFFD}"),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(got, want);
    }

    fn url_crate_pairs(s: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(s.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn ipv6_like_std() {
        for s in [
            "::1",
            "::",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::",
            "::ffff:1.2.3.4",
            "64:ff9b::192.0.2.33",
            "fe80::1:2",
            ":",
            ":::",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "12345::",
            "g::",
            "::1.2.3",
            "::1.2.3.4.5",
            "::256.1.1.1",
            "::01.1.1.1",
            "1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::1.2.3.4:5",
            "1:",
            ":1",
            "1::2:",
            "",
        ] {
            assert_eq!(is_ipv6(s), s.parse::<std::net::Ipv6Addr>().is_ok(), "{s:?}");
        }
    }

    proptest! {
        /// `part` is `&s[range]` wherever slicing would not panic (both ends in bounds and on
        /// character boundaries), and empty where it would.
        #[test]
        fn part_is_slicing_without_the_panic(s in "[a:é€😀]{0,8}", a in 0usize..20, b in 0usize..20) {
            let (a, b) = (a.min(b), a.max(b));
            let ok = |i: usize| s.is_char_boundary(i);
            prop_assert_eq!(part(&s, a..b), if ok(a) && ok(b) { &s[a..b] } else { "" });
            prop_assert_eq!(part(&s, a..), if ok(a) { &s[a..] } else { "" });
            prop_assert_eq!(part(&s, ..=a), if a < s.len() && ok(a + 1) { &s[..=a] } else { "" });
        }

        /// `prefix` is the longest character-boundary prefix of at most `max` bytes.
        #[test]
        fn prefix_is_the_longest_whole_character_prefix(s in "[a:é€😀]{0,8}", max in 0usize..40) {
            let p = prefix(&s, max);
            prop_assert!(s.starts_with(p) && p.len() <= max);
            let next = s[p.len()..].chars().next().map_or(usize::MAX, char::len_utf8);
            prop_assert!(p.len() == s.len() || p.len() + next > max);
        }

        /// `push_encoded` writes what `percent_encoding` does for the same set, for both of
        /// the sets this crate encodes with (RFC 3986's unreserved characters kept, and only
        /// letters and digits kept).
        #[test]
        fn push_encoded_matches_percent_encoding(s in "[a-zA-Z0-9 ._~!*'()%+&=/:?#@é€😀\u{0}-\u{1f}\u{7f}-]{0,24}") {
            use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
            const UNRESERVED: &AsciiSet =
                &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
            for (keep, set) in [(&b"-._~"[..], UNRESERVED), (&b""[..], NON_ALPHANUMERIC)] {
                let mut ours = String::new();
                push_encoded(&mut ours, &s, keep);
                prop_assert_eq!(ours, utf8_percent_encode(&s, set).to_string());
            }
        }

        /// `find` is `str::find` with a `&str` pattern, on strings made of the characters
        /// the callers care about (and a multi-byte one).
        #[test]
        fn find_agrees_with_str_find(h in "[:/a.é]{0,12}", n in "[:/a.é]{0,3}") {
            prop_assert_eq!(find(&h, &n), h.find(n.as_str()));
        }

        #[test]
        fn ipv6_like_std_on_random_input(s in "[0-9a-fA-F:.g]{0,24}") {
            prop_assert_eq!(is_ipv6(&s), s.parse::<std::net::Ipv6Addr>().is_ok(), "{:?}", s);
        }

        #[test]
        fn form_pairs_match_the_url_crate(s in "[a-c=&+% 0-9A-Fa-f~é€\u{0}-\u{1f}]{0,40}") {
            prop_assert_eq!(form_pairs(&s).collect::<Vec<_>>(), url_crate_pairs(&s));
        }

        // The query and fragment of a callback decode to the same pairs as through the url
        // crate's parser (which percent-encodes some characters, then decodes them again).
        #[test]
        fn query_and_fragment_match_the_url_crate(
            tail in "[a-c=&+%?#/ 0-9A-F\"'<>`{}|\\\\^~é€\t\n\r]{0,40}",
            lead in "[ \u{0}-\u{1f}]{0,2}",
        ) {
            let s = format!("{lead}https://app.example.com/cb{tail}{lead}");
            let theirs = url::Url::parse(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let cleaned = clean(&s);
            let ours = parse(&cleaned).map_err(TestCaseError::fail)?;
            prop_assert_eq!(
                ours.query.map(|q| form_pairs(q).collect::<Vec<_>>()),
                theirs.query().map(url_crate_pairs)
            );
            prop_assert_eq!(
                ours.fragment.map(|f| form_pairs(f).collect::<Vec<_>>()),
                theirs.fragment().map(url_crate_pairs)
            );
        }

        // Endpoints of the shape user pools have normalise to what the url crate writes.
        #[test]
        fn endpoints_normalize_like_the_url_crate(
            s in "(https?|HTTPS?)://([a-z]{1,3}(:[a-z]{0,3})?@)?[a-zA-Z][a-zA-Z0-9-]{0,8}(\\.[a-zA-Z][a-z0-9-]{0,5}){0,2}(:[0-9]{0,6})?(/[a-z/]{0,5})?(\\?[a-z=&]{0,5})?",
        ) {
            let ours = parse(&s).ok();
            match url::Url::parse(&s) {
                Err(_) => prop_assert!(ours.is_none(), "{:?} accepted", s),
                Ok(u) => {
                    let p = ours.ok_or_else(|| TestCaseError::fail(format!("{s:?} rejected")))?;
                    prop_assert_eq!(normalize_http(&p), u.to_string());
                }
            }
        }

        // Whatever the url crate rejects as an http(s) URL, we reject too.
        #[test]
        fn junk_hosts_are_rejected_like_the_url_crate(s in "https?://[a-z <>^|%\\[\\]@:.]{0,12}(/[a-z]{0,3})?") {
            if url::Url::parse(&s).is_err() {
                prop_assert!(parse(&s).is_err(), "{:?} accepted", s);
            }
        }
    }
}
