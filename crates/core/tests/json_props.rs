//! Core's JSON reader and writer against `serde_json` as the oracle: the reader never panics,
//! accepts exactly what `serde_json` accepts, and a value read then written comes back byte for
//! byte as `serde_json` writes it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::escape_non_ascii;

use cognito_core::json;
use proptest::prelude::*;

/// Any JSON value `serde_json` can hold (its objects are sorted maps, so written text is
/// canonical), with strings of any characters.
fn value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<u64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|n| serde_json::json!(n)),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Text made of JSON's own tokens, so that many inputs are nearly valid.
fn jsonish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("{"),
        Just("}"),
        Just("["),
        Just("]"),
        Just(":"),
        Just(","),
        Just("\""),
        Just("\\"),
        Just("\\u"),
        Just("d83d"),
        Just("de00"),
        Just("00e9"),
        Just("n"),
        Just("null"),
        Just("true"),
        Just("fals"),
        Just("0"),
        Just("12"),
        Just("-"),
        Just("."),
        Just("e"),
        Just("E+"),
        Just(" "),
        Just("\n"),
        Just("\t"),
        Just("a"),
        Just("é"),
        Just("\u{1}"),
        Just("\"k\":"),
    ];
    prop::collection::vec(token, 0..24).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = json::parse(&bytes);
    }

    #[test]
    fn accepts_what_serde_json_accepts(text in jsonish()) {
        let ours = json::parse_str(&text);
        let theirs = serde_json::from_str::<serde_json::Value>(&text);
        // The one difference: a number beyond f64's range (`1e400`) is an error to serde_json,
        // which converts it; core keeps the text (and its integer readers refuse it).
        prop_assume!(!matches!(&theirs, Err(e) if e.to_string().contains("out of range")));
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: core {:?}, serde {:?}", text, ours, theirs);
        if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
            // The same value: core keeps numbers as written (`0E+12`), serde_json rewrites them.
            let back: serde_json::Value = serde_json::from_str(&json::to_string(&ours)).unwrap();
            prop_assert_eq!(back, theirs);
        }
    }

    #[test]
    fn reads_and_writes_back_what_serde_json_writes(v in value()) {
        let text = serde_json::to_string(&v).unwrap();
        let ours = json::parse_str(&text).unwrap();
        prop_assert_eq!(json::to_string(&ours), text.clone());
        // The same through `\u` escapes and pretty-printing whitespace.
        prop_assert_eq!(&json::parse_str(&escape_non_ascii(&text, true)).unwrap(), &ours);
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        prop_assert_eq!(&json::parse_str(&pretty).unwrap(), &ours);
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them(s in any::<String>()) {
        let mut ours = String::new();
        json::write_str(&mut ours, &s);
        prop_assert_eq!(&ours, &serde_json::to_string(&s).unwrap());
        prop_assert_eq!(json::parse_str(&ours).unwrap(), json::Value::String(s.clone()));
        prop_assert_eq!(
            json::parse_str(&escape_non_ascii(&ours, true)).unwrap(),
            json::Value::String(s)
        );
    }

    #[test]
    fn truncated_json_is_an_error_not_a_panic(v in value(), cut in 0usize..512) {
        let text = serde_json::to_string(&v).unwrap();
        let cut = cut.min(text.len());
        let head = &text.as_bytes()[..cut];
        let ours = json::parse(head);
        let theirs = serde_json::from_slice::<serde_json::Value>(head);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", String::from_utf8_lossy(head));
    }
}

#[test]
fn deep_nesting_fails_cleanly_in_both() {
    for open in ["[", "{\"a\":"] {
        let text = open.repeat(100_000);
        assert!(json::parse_str(&text).is_err());
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    }
}
