//! Property tests: whatever arrives from the network, the address bar or storage, parsing
//! returns a value or an error and never panics; well-formed input round-trips.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use cognito_core::jwt::Jwt;
use cognito_core::oauth::{
    self, parse_callback, parse_revoke_response, parse_token_response, parse_user_info_response,
    AuthorizeOptions, OAuthConfig, PendingAuthorization, AUTHORIZE_RANDOM_LEN,
};
use cognito_core::pkce::PkceVerifier;
use cognito_core::session::{Session, Tokens};
use cognito_core::storage::{
    self, load_session, parse_clock_drift, take_pending_authorization, DriftFormat, MemoryStorage,
    Storage,
};
use cognito_core::types::{AccessToken, ClientId, IdToken, RefreshToken};
use cognito_core::wire::HttpResponse;
use cognito_core::Error;
use proptest::prelude::*;
use serde_json::{json, Value};

fn http(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn jwt_of(payload: &Value) -> String {
    format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256","kid":"k1"}"#),
        b64(payload.to_string().as_bytes()),
        b64(b"not-a-signature")
    )
}

/// Any JSON value, a few levels deep.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Dyadic fractions: exact in JSON text, so values compare equal after a round trip.
        any::<i32>().prop_map(|i| Value::from(f64::from(i) / 4.0)),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("exp".to_owned()),
                    Just("iat".to_owned()),
                    Just("aud".to_owned()),
                    Just("email_verified".to_owned()),
                    Just("cognito:groups".to_owned()),
                    Just("username".to_owned()),
                    "[a-z:_]{1,10}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn config() -> OAuthConfig {
    OAuthConfig::new(
        "https://example.auth.eu-west-1.amazoncognito.com",
        ClientId::new("client1"),
        "https://app.example.com/callback",
    )
    .expect("valid config")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn jwt_from_any_string_never_panics(s in ".{0,300}") {
        let _ = Jwt::decode_unverified(&s);
    }

    #[test]
    fn jwt_from_dotted_base64_never_panics(parts in prop::collection::vec("[A-Za-z0-9_=-]{0,80}", 0..5)) {
        let s = parts.join(".");
        if let Err(e) = Jwt::decode_unverified(&s) {
            prop_assert!(matches!(e, Error::Parse { .. }), "{:?}", e);
        }
    }

    #[test]
    fn jwt_with_any_json_payload_never_panics(payload in arb_json()) {
        let token = jwt_of(&payload);
        match Jwt::decode_unverified(&token) {
            Ok(jwt) => {
                // Only objects decode, and claim values survive.
                let obj = payload.as_object().expect("only objects decode");
                if let Some(Value::Number(n)) = obj.get("exp") {
                    if let Some(i) = n.as_i64() {
                        prop_assert_eq!(jwt.claims.exp, Some(i));
                    }
                }
                if let Some(Value::String(u)) = obj.get("username") {
                    prop_assert_eq!(jwt.claims.username.as_deref(), Some(u.as_str()));
                }
                for (k, v) in jwt.claims.other.iter() {
                    // Core's value, written back and read by serde_json, is the claim sent.
                    let back: Value = serde_json::from_str(&cognito_core::json::to_string(v))
                        .expect("core writes valid JSON");
                    prop_assert_eq!(obj.get(k), Some(&back));
                }
            }
            Err(e) => prop_assert!(matches!(e, Error::Parse { .. }), "{:?}", e),
        }
    }

    #[test]
    fn truncated_jwts_never_panic(cut in 0usize..400, exp in any::<i64>(), user in "\\PC{0,20}") {
        let token = jwt_of(&json!({"token_use":"access","username":user,"exp":exp,"iat":0}));
        let cut = cut.min(token.len());
        let truncated = &token[..cut];
        let result = Jwt::decode_unverified(truncated);
        if truncated.matches('.').count() != 2 {
            prop_assert!(result.is_err());
        }
        let full = Jwt::decode_unverified(&token).expect("whole token decodes");
        prop_assert_eq!(full.claims.exp, Some(exp));
        prop_assert_eq!(full.claims.username.as_deref(), Some(user.as_str()));
    }

    #[test]
    fn callback_from_any_string_never_panics(s in ".{0,200}") {
        let _ = parse_callback(&s);
        let _ = oauth::is_callback(&s);
        let pending = PendingAuthorization::from_parts("s".into(), None, "v".repeat(43)).expect("valid");
        let _ = pending.complete(&config(), &s);
    }

    #[test]
    fn callback_parameters_round_trip(code in "\\PC{1,40}", state in "\\PC{1,40}", frag in proptest::option::of("\\PC{0,20}")) {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let mut url = format!("https://app.example.com/callback?code={}&state={}", enc(&code), enc(&state));
        if let Some(f) = &frag {
            url.push_str("#x=");
            url.push_str(&enc(f));
        }
        let p = parse_callback(&url).expect("well-formed callback");
        prop_assert_eq!(p.code.as_deref(), Some(code.as_str()));
        prop_assert_eq!(p.state.as_deref(), Some(state.as_str()));

        let matching = PendingAuthorization::from_parts(state.clone(), None, "v".repeat(43)).expect("valid");
        let exchange = matching.complete(&config(), &url).expect("state matches");
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&exchange.request.body).into_owned().collect();
        prop_assert!(form.contains(&("code".to_owned(), code.clone())));

        let other = PendingAuthorization::from_parts(format!("{state}x"), None, "v".repeat(43)).expect("valid");
        prop_assert!(matches!(other.complete(&config(), &url), Err(Error::InvalidState(_))));
    }

    #[test]
    fn authorize_state_always_verifies(random in prop::collection::vec(any::<u8>(), AUTHORIZE_RANDOM_LEN), custom in proptest::option::of("\\PC{0,30}")) {
        let mut r = [0u8; AUTHORIZE_RANDOM_LEN];
        r.copy_from_slice(&random);
        let mut opts = AuthorizeOptions::default();
        opts.custom_state = custom.clone();
        let auth = config().authorize(&r, &opts);
        let q: Vec<(String, String)> = url::Url::parse(&auth.url).expect("valid url").query_pairs().into_owned().collect();
        let state = q.iter().find(|(k, _)| k == "state").map(|(_, v)| v.clone()).expect("state");
        let challenge = q.iter().find(|(k, _)| k == "code_challenge").map(|(_, v)| v.clone()).expect("challenge");
        prop_assert!(auth.pending.verifier().challenge().is_answered_by(auth.pending.verifier().secret()));
        let expected = auth.pending.verifier().challenge();
        prop_assert_eq!(challenge.as_str(), expected.as_str());
        let stored = PendingAuthorization::from_json(&auth.pending.to_json()).expect("round trip");
        let cb = format!("https://app.example.com/callback?code=c&state={}", url::form_urlencoded::byte_serialize(state.as_bytes()).collect::<String>());
        let ex = stored.complete(&config(), &cb).expect("own state verifies");
        prop_assert_eq!(ex.custom_state, custom);
    }

    #[test]
    fn token_responses_never_panic(status in 0u16..1000, body in ".{0,200}") {
        let _ = parse_token_response(&http(status, &[], &body));
        let _ = parse_revoke_response(&http(status, &[], &body));
        let _ = parse_user_info_response(&http(status, &[("WWW-Authenticate", &body)], &body));
    }

    #[test]
    fn token_responses_with_any_json_never_panic(status in prop_oneof![Just(200u16), Just(400u16), 0u16..600], body in arb_json()) {
        let text = body.to_string();
        match parse_token_response(&http(status, &[], &text)) {
            Ok(t) => {
                prop_assert!((200..300).contains(&status));
                prop_assert_eq!(Some(t.access_token.secret()), body.get("access_token").and_then(Value::as_str));
            }
            Err(e) => prop_assert!(matches!(e, Error::Parse { .. } | Error::OAuth { .. }), "{:?}", e),
        }
    }

    #[test]
    fn success_token_responses_round_trip(access in "[A-Za-z0-9._-]{1,60}", refresh in proptest::option::of("[A-Za-z0-9._-]{1,60}"), expires in proptest::option::of(0u64..100_000)) {
        let mut body = json!({"access_token": access, "id_token": "i.d.t", "token_type": "Bearer"});
        if let Some(r) = &refresh { body["refresh_token"] = json!(r); }
        if let Some(e) = expires { body["expires_in"] = json!(e); }
        let t = parse_token_response(&http(200, &[], &body.to_string())).expect("valid response");
        prop_assert_eq!(t.access_token.secret(), access.as_str());
        prop_assert_eq!(t.refresh_token.as_ref().map(RefreshToken::secret), refresh.as_deref());
        prop_assert_eq!(t.expires_in, expires);
    }

    #[test]
    fn oauth_errors_keep_their_code(code in "[a-z_]{1,20}", desc in proptest::option::of("\\PC{0,40}"), status in 400u16..500) {
        let mut body = json!({"error": code});
        if let Some(d) = &desc { body["error_description"] = json!(d); }
        match parse_token_response(&http(status, &[], &body.to_string())) {
            Err(Error::OAuth { error, description }) => {
                prop_assert_eq!(error, code);
                prop_assert_eq!(description, desc);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn stored_values_never_panic(values in prop::collection::vec(proptest::option::of(".{0,120}"), 9)) {
        let store = MemoryStorage::new();
        let p = "CognitoIdentityServiceProvider.client1";
        let user = values[0].clone().unwrap_or_default();
        let keys = [
            format!("{p}.LastAuthUser"),
            format!("{p}.{user}.idToken"),
            format!("{p}.{user}.accessToken"),
            format!("{p}.{user}.refreshToken"),
            format!("{p}.{user}.clockDrift"),
            format!("{p}.{user}.signInDetails"),
            format!("{p}.oauthState"),
            format!("{p}.oauthPKCE"),
            format!("{p}.oauthNonce"),
        ];
        for (k, v) in keys.iter().zip(&values) {
            if let Some(v) = v {
                store.set(k, v).unwrap();
            }
        }
        let before = store.keys();
        let _ = load_session(&store, &ClientId::new("client1"));
        prop_assert_eq!(store.keys(), before, "loading never removes anything");
        let _ = take_pending_authorization(&store, &ClientId::new("client1"));
        let _ = storage::clear_session(&store, &ClientId::new("client1"));
        for v in values.iter().flatten() {
            for f in [DriftFormat::Seconds, DriftFormat::AmplifyMillis, DriftFormat::Guess] {
                if let Some(d) = parse_clock_drift(v, f) {
                    prop_assert!(d.abs() <= 86_400);
                }
            }
        }
    }

    #[test]
    fn stored_session_survives_garbage_elsewhere(exp in 1i64..10_000_000_000, drift in -86_400i64..86_400, junk in ".{0,50}") {
        let store = MemoryStorage::new();
        let access = AccessToken::new(jwt_of(&json!({"token_use":"access","username":"u","exp":exp,"iat":exp - 3600})));
        let id = IdToken::new(jwt_of(&json!({"token_use":"id","cognito:username":"u","exp":exp,"iat":exp - 3600})));
        let s = Session::with_clock_drift(Tokens::new(Some(id), access, Some(RefreshToken::new("r"))), drift).expect("valid");
        storage::save_session(&store, &ClientId::new("client1"), &s).expect("saved");
        store.set("CognitoIdentityServiceProvider.client1.oauthState", &junk).unwrap();
        store.set("CognitoIdentityServiceProvider.client1.u.userData", &junk).unwrap();
        let back = load_session(&store, &ClientId::new("client1")).expect("loads").expect("present");
        prop_assert_eq!(back.clock_drift(), drift);
        prop_assert_eq!(back.expires_at(), exp);
    }

    #[test]
    fn session_timing_is_monotonic(iat in any::<i64>(), life in any::<i64>(), now in any::<i64>(), later in 0i64..1_000_000, leeway in any::<i64>()) {
        let exp = iat.saturating_add(life);
        let access = AccessToken::new(jwt_of(&json!({"token_use":"access","username":"u","exp":exp,"iat":iat})));
        let s = Session::new(Tokens::new(None, access, None), now).expect("valid");
        let t2 = now.saturating_add(later);
        if !s.is_valid(now) {
            prop_assert!(!s.is_valid(t2), "expired stays expired");
        }
        if s.refresh_due(now, leeway) {
            prop_assert!(s.refresh_due(t2, leeway), "due stays due");
        }
        prop_assert!(s.seconds_until_refresh(now, leeway) >= 0);
        let _ = s.refresh_due_at(leeway);
    }

    #[test]
    fn verifiers_from_any_bytes_are_valid(bytes in prop::collection::vec(any::<u8>(), 0..140)) {
        match PkceVerifier::from_random_bytes(&bytes) {
            Ok(v) => {
                prop_assert!((32..=96).contains(&bytes.len()));
                prop_assert_eq!(v.secret().len(), (bytes.len() * 4).div_ceil(3));
                prop_assert!(PkceVerifier::new(v.secret()).is_ok());
            }
            Err(_) => prop_assert!(!(32..=96).contains(&bytes.len())),
        }
        match PkceVerifier::from_random_chars(&bytes) {
            Ok(v) => {
                prop_assert_eq!(v.secret().len(), bytes.len());
                prop_assert!(PkceVerifier::new(v.secret()).is_ok());
            }
            Err(_) => prop_assert!(!(43..=128).contains(&bytes.len())),
        }
    }
}
