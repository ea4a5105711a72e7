//! `cognito_srp::hex` against the `hex` crate.

use cognito_srp::hex;
use proptest::prelude::*;

#[test]
fn every_byte_encodes_as_the_crate_does() {
    let all: Vec<u8> = (0..=255).collect();
    assert_eq!(hex::encode(&all), ::hex::encode(&all));
    assert_eq!(hex::encode(&[]), "");
}

#[test]
fn decode_refuses_what_the_crate_refuses_and_signs() {
    for bad in ["0", "abc", "0g", "+f", "-1", " 0", "0x00", "éé"] {
        assert_eq!(hex::decode(bad), None, "{bad}");
    }
    assert_eq!(hex::decode(""), Some(vec![]));
}

proptest! {
    #[test]
    fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let s = hex::encode(&bytes);
        prop_assert_eq!(&s, &::hex::encode(&bytes));
        prop_assert_eq!(hex::decode(&s), Some(bytes.clone()));
        prop_assert_eq!(hex::decode(&s.to_uppercase()), Some(bytes));
    }

    #[test]
    fn decode_agrees_with_the_crate(s in "[0-9a-fA-F+ xg-]{0,12}") {
        prop_assert_eq!(hex::decode(&s), ::hex::decode(&s).ok());
    }
}
