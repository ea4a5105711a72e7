//! `cognito_core::map::Map` against `BTreeMap<String, _>` as the oracle: the same random
//! operations give the same answers and the same entries in the same order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use cognito_core::json::{self, FromJson};
use cognito_core::map::Map;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Insert(String, u8),
    Remove(String),
    Retain(u8),
}

/// Keys from a small alphabet, so operations hit the same keys; multi-byte characters too,
/// since the order is the keys' byte order.
fn key() -> impl Strategy<Value = String> {
    "[ab\u{e9}\u{1f600}Z_]{0,3}"
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (key(), any::<u8>()).prop_map(|(k, v)| Op::Insert(k, v)),
        2 => key().prop_map(Op::Remove),
        1 => any::<u8>().prop_map(Op::Retain),
    ]
}

proptest! {
    #[test]
    fn behaves_as_a_btree_map(ops in prop::collection::vec(op(), 0..40), probe in key()) {
        let mut ours = Map::new();
        let mut oracle = BTreeMap::new();
        for op in ops {
            match op {
                Op::Insert(k, v) => prop_assert_eq!(ours.insert(k.clone(), v), oracle.insert(k, v)),
                Op::Remove(k) => prop_assert_eq!(ours.remove(&k), oracle.remove(&k)),
                Op::Retain(m) => {
                    ours.retain(|_, v| *v % 3 != m % 3);
                    oracle.retain(|_, v| *v % 3 != m % 3);
                }
            }
            prop_assert_eq!(ours.len(), oracle.len());
            prop_assert!(ours.iter().eq(oracle.iter()));
        }
        prop_assert_eq!(ours.get(&probe), oracle.get(&probe));
        prop_assert_eq!(ours.contains_key(&probe), oracle.contains_key(&probe));
        prop_assert!(ours.keys().eq(oracle.keys()));
        prop_assert!(ours.values().eq(oracle.values()));
        prop_assert!(ours.iter().rev().eq(oracle.iter().rev()));
        prop_assert_eq!(format!("{ours:?}"), format!("{oracle:?}"));
        let collected: Map<u8> = oracle.clone().into_iter().collect();
        prop_assert_eq!(&collected, &ours);
        prop_assert!(ours.into_iter().eq(oracle.into_iter()));
    }

    /// Written as JSON in key order, read back the same; a repeated key keeps its last value.
    #[test]
    fn json_round_trip(entries in prop::collection::vec((key(), any::<String>()), 0..8)) {
        let ours: Map = entries.iter().cloned().collect();
        let oracle: BTreeMap<String, String> = entries.into_iter().collect();
        let text = json::to_string(&ours);
        prop_assert_eq!(&text, &serde_json::to_string(&oracle).unwrap());
        let back = Map::from_json(json::parse_str(&text).unwrap()).unwrap();
        prop_assert_eq!(back, ours);
    }
}

#[test]
fn from_an_array() {
    let m = Map::from([
        ("b".to_owned(), 2),
        ("a".to_owned(), 1),
        ("b".to_owned(), 3),
    ]);
    assert_eq!(m.len(), 2);
    assert_eq!(m.get("b"), Some(&3));
    assert_eq!(m.iter().next(), Some((&"a".to_owned(), &1)));
}
