//! The user-pool API end to end, in process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::*;
use serde_json::json;

const PW: &str = "Passw0rd!one";
const PW2: &str = "Passw0rd!two";

#[tokio::test]
async fn full_lifecycle_signup_srp_refresh_change_password_global_sign_out() {
    let s = server();
    let app = &s.app;

    // Sign-up sends a code to the outbox.
    let v = ok(
        app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "alice", "Password": PW,
        "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}]}),
    )
    .await;
    assert_eq!(v["UserConfirmed"], false);
    assert_eq!(v["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert_eq!(v["CodeDeliveryDetails"]["Destination"], "a***@e***");
    let sub = v["UserSub"].as_str().unwrap().to_string();
    let outbox = send(
        app,
        axum::http::Request::get("/_dev/outbox?username=alice")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let m = &outbox["messages"][0];
    assert_eq!(m["purpose"], "SignUp");
    assert_eq!(m["destination"], "alice@example.com");
    assert_eq!(m["poolId"], POOL);
    assert_eq!(m["clientId"], SPA);
    assert_eq!(m["attributeName"], "email");

    // Unconfirmed: correct password → UserNotConfirmedException.
    assert_eq!(
        srp_sign_in(&s, "alice", PW).await.unwrap_err().0,
        "UserNotConfirmedException"
    );
    // Wrong code, then the right one.
    assert_eq!(
        err(
            app,
            "ConfirmSignUp",
            json!({"ClientId": SPA, "Username": "alice", "ConfirmationCode": "000000x"})
        )
        .await
        .0,
        "CodeMismatchException"
    );
    let code = last_code(app, "alice").await;
    ok(
        app,
        "ConfirmSignUp",
        json!({"ClientId": SPA, "Username": "alice", "ConfirmationCode": code}),
    )
    .await;
    let e = err(
        app,
        "ConfirmSignUp",
        json!({"ClientId": SPA, "Username": "alice", "ConfirmationCode": code}),
    )
    .await;
    assert_eq!(e.0, "NotAuthorizedException");

    // SRP sign-in → tokens that verify against the JWKS.
    let r = srp_sign_in(&s, "alice", PW).await.unwrap();
    let ar = &r["AuthenticationResult"];
    assert_eq!(ar["TokenType"], "Bearer");
    assert_eq!(ar["ExpiresIn"], 3600);
    let id = verify_jwt(app, ar["IdToken"].as_str().unwrap()).await;
    let access = verify_jwt(app, ar["AccessToken"].as_str().unwrap()).await;
    let iss = format!("{ISSUER_BASE}/{POOL}");
    assert_eq!(id["iss"], iss);
    assert_eq!(id["aud"], SPA);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["sub"], sub);
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(access["client_id"], SPA);
    assert!(access.get("aud").is_none());
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["username"], "alice");
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["origin_jti"], id["origin_jti"]);
    assert_eq!(access["event_id"], id["event_id"]);
    for c in [&id, &access] {
        assert_eq!(
            c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
            3600
        );
        assert!(c["jti"].is_string());
        assert!(c["auth_time"].is_i64());
    }
    let id_kid = common::claims_header(ar["IdToken"].as_str().unwrap());
    let access_kid = common::claims_header(ar["AccessToken"].as_str().unwrap());
    assert_ne!(id_kid, access_kid, "separate keys for ID and access tokens");
    let refresh = ar["RefreshToken"].as_str().unwrap().to_string();
    let access_token = ar["AccessToken"].as_str().unwrap().to_string();

    // GetUser.
    let u = ok(app, "GetUser", json!({"AccessToken": access_token})).await;
    assert_eq!(u["Username"], "alice");
    assert!(u["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Name"] == "sub" && a["Value"] == sub));

    // Refresh both ways; auth_time kept.
    s.clock.advance(60);
    let r1 = ok(app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh, "DEVICE_KEY": null}})).await;
    assert!(r1["AuthenticationResult"].get("RefreshToken").is_none());
    let id2 = verify_jwt(app, r1["AuthenticationResult"]["IdToken"].as_str().unwrap()).await;
    assert_eq!(id2["auth_time"], id["auth_time"]);
    assert_eq!(
        id2["iat"].as_i64().unwrap(),
        id["iat"].as_i64().unwrap() + 60
    );
    let r2 = ok(
        app,
        "GetTokensFromRefreshToken",
        json!({"ClientId": SPA, "RefreshToken": refresh}),
    )
    .await;
    let a2 = verify_jwt(
        app,
        r2["AuthenticationResult"]["AccessToken"].as_str().unwrap(),
    )
    .await;
    assert_eq!(a2["origin_jti"], access["origin_jti"]);

    // Change password: wrong previous fails, then the new one works and the old one does not.
    assert_eq!(err(app, "ChangePassword", json!({"AccessToken": access_token, "PreviousPassword": "Wrong1!aaa", "ProposedPassword": PW2})).await.0, "NotAuthorizedException");
    assert_eq!(
        err(
            app,
            "ChangePassword",
            json!({"AccessToken": access_token, "PreviousPassword": PW, "ProposedPassword": "weak"})
        )
        .await
        .0,
        "InvalidPasswordException"
    );
    ok(
        app,
        "ChangePassword",
        json!({"AccessToken": access_token, "PreviousPassword": PW, "ProposedPassword": PW2}),
    )
    .await;
    assert_eq!(
        srp_sign_in(&s, "alice", PW).await.unwrap_err(),
        (
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );
    let r3 = srp_sign_in(&s, "alice", PW2).await.unwrap();
    let other_refresh = r3["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .unwrap()
        .to_string();

    // Global sign-out revokes every session's tokens.
    ok(app, "GlobalSignOut", json!({"AccessToken": access_token})).await;
    assert_eq!(
        err(app, "GetUser", json!({"AccessToken": access_token})).await,
        (
            "NotAuthorizedException".into(),
            "Access Token has been revoked".into()
        )
    );
    for t in [&refresh, &other_refresh] {
        let e = err(app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": t}})).await;
        assert_eq!(
            e,
            (
                "NotAuthorizedException".into(),
                "Refresh Token has been revoked".into()
            )
        );
        let e = err(
            app,
            "GetTokensFromRefreshToken",
            json!({"ClientId": SPA, "RefreshToken": t}),
        )
        .await;
        assert_eq!(e.1, "Refresh Token has been revoked");
    }
    // A fresh sign-in still works.
    let r4 = srp_sign_in(&s, "alice", PW2).await.unwrap();
    ok(
        app,
        "GetUser",
        json!({"AccessToken": r4["AuthenticationResult"]["AccessToken"]}),
    )
    .await;
}

#[tokio::test]
async fn seed_user_and_email_alias_and_user_password_auth() {
    let s = server();
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    assert!(r["AuthenticationResult"]["IdToken"].is_string());
    // Email alias: USER_ID_FOR_SRP is the real username.
    let r = srp_sign_in(&s, "demo@example.com", "DemoPassw0rd!")
        .await
        .unwrap();
    let id = claims(r["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "demo");
    let r = ok(&s.app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "demo", "PASSWORD": "DemoPassw0rd!"}})).await;
    assert!(r["AuthenticationResult"]["AccessToken"].is_string());
    let e = err(&s.app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "demo", "PASSWORD": "nope"}})).await;
    assert_eq!(
        e,
        (
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );
    let e = err(&s.app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "nobody", "SRP_A": "abcd"}})).await;
    assert_eq!(
        e,
        (
            "UserNotFoundException".into(),
            "User does not exist.".into()
        )
    );
}

#[tokio::test]
async fn srp_wrong_password_and_bad_timestamps() {
    let s = server();
    assert_eq!(
        srp_sign_in(&s, "demo", "Wrong-passw0rd").await.unwrap_err(),
        (
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );

    // A correct signature over a zero-padded day, or a timestamp far from the server clock, is refused.
    for (skew, pad) in [(0i64, true), (3600, false)] {
        let eph = cognito_srp::ClientEphemeral::from_bytes(&[5u8; 128]).unwrap();
        let ch = ok(&s.app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "demo", "SRP_A": eph.a_pub_hex()}})).await;
        let p = &ch["ChallengeParameters"];
        let mut ts = cognito_srp::cognito_timestamp(s.clock_now() + skew);
        if pad {
            // "Sun Nov 2 ..." → "Sun Nov 02 ..." (or a 2-digit day gets a leading 0: still invalid).
            let parts: Vec<&str> = ts.split(' ').collect();
            ts = format!(
                "{} {} 0{} {} {} {}",
                parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]
            );
        }
        let claim = cognito_srp::password_claim(
            &eph,
            &cognito_srp::ClaimInput {
                pool_name: POOL_NAME,
                user_id_for_srp: "demo",
                password: "DemoPassw0rd!",
                salt_hex: p["SALT"].as_str().unwrap(),
                b_pub_hex: p["SRP_B"].as_str().unwrap(),
                secret_block_b64: p["SECRET_BLOCK"].as_str().unwrap(),
                timestamp: &ts,
            },
        )
        .unwrap();
        let e = err(&s.app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": {
            "USERNAME": "demo", "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": claim.signature_b64, "TIMESTAMP": ts}})).await;
        assert_eq!(e.0, "NotAuthorizedException", "skew {skew} pad {pad}");
        // The SECRET_BLOCK is single use.
        let e = err(&s.app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": {
            "USERNAME": "demo", "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": claim.signature_b64, "TIMESTAMP": ts}})).await;
        assert_eq!(
            e,
            (
                "NotAuthorizedException".into(),
                "Invalid session for the user.".into()
            )
        );
    }
    // Unknown secret block.
    let e = err(&s.app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": {
        "USERNAME": "demo", "PASSWORD_CLAIM_SECRET_BLOCK": "AAAA", "PASSWORD_CLAIM_SIGNATURE": "AAAA", "TIMESTAMP": "x"}})).await;
    assert_eq!(e.0, "NotAuthorizedException");
    let e = err(&s.app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": {"USERNAME": "demo"}})).await;
    assert_eq!(
        e,
        (
            "InvalidParameterException".into(),
            "Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK".into()
        )
    );
}

#[tokio::test]
async fn lockout_after_five_failures_grows_and_resets() {
    let s = server();
    let app = &s.app;
    let pw = |p: &str| json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "demo", "PASSWORD": p}});
    for _ in 0..5 {
        assert_eq!(
            err(app, "InitiateAuth", pw("bad")).await.1,
            "Incorrect username or password."
        );
    }
    // Locked: even the right password is refused, over SRP too.
    assert_eq!(
        err(app, "InitiateAuth", pw("DemoPassw0rd!")).await,
        (
            "NotAuthorizedException".into(),
            "Password attempts exceeded".into()
        )
    );
    assert_eq!(
        srp_sign_in(&s, "demo", "DemoPassw0rd!")
            .await
            .unwrap_err()
            .1,
        "Password attempts exceeded"
    );
    s.clock.advance(1);
    // 6th failure → 2 s lockout.
    assert_eq!(
        err(app, "InitiateAuth", pw("bad")).await.1,
        "Incorrect username or password."
    );
    s.clock.advance(1);
    assert_eq!(
        err(app, "InitiateAuth", pw("DemoPassw0rd!")).await.1,
        "Password attempts exceeded"
    );
    s.clock.advance(1);
    ok(app, "InitiateAuth", pw("DemoPassw0rd!")).await;
    // Counter reset by the success.
    assert_eq!(
        err(app, "InitiateAuth", pw("bad")).await.1,
        "Incorrect username or password."
    );
    ok(app, "InitiateAuth", pw("DemoPassw0rd!")).await;
}

/// The server checks `SECRET_HASH` against a value computed outside this code base, and the
/// value with username and client id swapped (a classic mix-up) is refused.
#[tokio::test]
async fn secret_hash_matches_an_independent_value() {
    // `printf 'demo<CONF>' | openssl dgst -sha256 -hmac <CONF_SECRET> -binary | base64`
    let known = "HhqVuCVkQsm48/10Cd57nnZ8e9eLJ4Bbr/wq+agYgts=";
    // The same over `<CONF>demo`.
    let swapped = "/dvUcuqKjHcLvkCG910YJBmVqydPWQ8fDKFVJIulKw8=";
    assert_eq!(secret_hash(CONF_SECRET, "demo", CONF), known);
    let s = server();
    let sign_in = |hash: &str| json!({"ClientId": CONF, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "demo", "PASSWORD": "DemoPassw0rd!", "SECRET_HASH": hash}});
    ok(&s.app, "InitiateAuth", sign_in(known)).await;
    assert_eq!(
        err(&s.app, "InitiateAuth", sign_in(swapped)).await,
        (
            "NotAuthorizedException".into(),
            format!("Unable to verify secret hash for client {CONF}")
        )
    );
}

#[tokio::test]
async fn secret_hash_enforced_for_confidential_client() {
    let s = server();
    let app = &s.app;
    let e = err(app, "InitiateAuth", json!({"ClientId": CONF, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "demo", "PASSWORD": "DemoPassw0rd!"}})).await;
    assert_eq!(e.0, "NotAuthorizedException");
    let e = err(app, "InitiateAuth", json!({"ClientId": CONF, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "demo", "PASSWORD": "DemoPassw0rd!", "SECRET_HASH": "bm9wZQ=="}})).await;
    assert_eq!(
        e,
        (
            "NotAuthorizedException".into(),
            format!("Unable to verify secret hash for client {CONF}")
        )
    );
    let sh = secret_hash(CONF_SECRET, "demo", CONF);
    let r = ok(app, "InitiateAuth", json!({"ClientId": CONF, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "demo", "PASSWORD": "DemoPassw0rd!", "SECRET_HASH": sh}})).await;
    let refresh = r["AuthenticationResult"]["RefreshToken"].as_str().unwrap();
    // SRP with a secret.
    srp_sign_in_with(&s, CONF, Some(CONF_SECRET), "demo", "DemoPassw0rd!")
        .await
        .unwrap();
    // Refresh needs the hash too; GetTokensFromRefreshToken needs ClientSecret.
    assert_eq!(err(app, "InitiateAuth", json!({"ClientId": CONF, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh}})).await.0, "NotAuthorizedException");
    ok(app, "InitiateAuth", json!({"ClientId": CONF, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh, "SECRET_HASH": sh}})).await;
    assert_eq!(
        err(
            app,
            "GetTokensFromRefreshToken",
            json!({"ClientId": CONF, "RefreshToken": refresh})
        )
        .await
        .0,
        "NotAuthorizedException"
    );
    ok(
        app,
        "GetTokensFromRefreshToken",
        json!({"ClientId": CONF, "RefreshToken": refresh, "ClientSecret": CONF_SECRET}),
    )
    .await;
    // A refresh token is bound to its client.
    assert_eq!(
        err(
            app,
            "GetTokensFromRefreshToken",
            json!({"ClientId": SPA, "RefreshToken": refresh})
        )
        .await
        .1,
        "Invalid Refresh Token"
    );
    // SignUp with the secret client.
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": CONF, "Username": "bob", "Password": PW})
        )
        .await
        .0,
        "NotAuthorizedException"
    );
    ok(app, "SignUp", json!({"ClientId": CONF, "Username": "bob", "Password": PW, "SecretHash": secret_hash(CONF_SECRET, "bob", CONF)})).await;
}

#[tokio::test]
async fn admin_create_user_new_password_required() {
    let s = server();
    let app = &s.app;
    let v = ok(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "carol", "TemporaryPassword": "TempPassw0rd!",
        "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}, {"Name": "email_verified", "Value": "true"}]})).await;
    assert_eq!(v["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let outbox = send(
        app,
        axum::http::Request::get("/_dev/outbox?username=carol")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .json();
    assert_eq!(outbox["messages"][0]["purpose"], "AdminCreateUser");
    assert_eq!(outbox["messages"][0]["code"], "TempPassw0rd!");
    assert_eq!(
        err(
            app,
            "AdminCreateUser",
            json!({"UserPoolId": POOL, "Username": "carol"})
        )
        .await
        .0,
        "UsernameExistsException"
    );

    let ch = srp_sign_in(&s, "carol", "TempPassw0rd!").await.unwrap();
    assert_eq!(ch["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let session = ch["Session"].as_str().unwrap();
    let ua: serde_json::Value = serde_json::from_str(
        ch["ChallengeParameters"]["userAttributes"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(ua["email"], "carol@example.com");
    assert_eq!(err(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "NEW_PASSWORD_REQUIRED", "ChallengeResponses": {"USERNAME": "carol", "NEW_PASSWORD": PW}})).await,
        ("InvalidParameterException".into(), "Missing required parameter Session".into()));
    assert_eq!(err(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session, "ChallengeResponses": {"USERNAME": "carol", "NEW_PASSWORD": "weak"}})).await.0, "InvalidPasswordException");
    let r = ok(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session,
        "ChallengeResponses": {"USERNAME": "carol", "NEW_PASSWORD": PW, "userAttributes.name": "Carol"}})).await;
    let id = verify_jwt(app, r["AuthenticationResult"]["IdToken"].as_str().unwrap()).await;
    assert_eq!(id["name"], "Carol");
    assert_eq!(err(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session, "ChallengeResponses": {"USERNAME": "carol", "NEW_PASSWORD": PW}})).await.0, "NotAuthorizedException");
    srp_sign_in(&s, "carol", PW).await.unwrap();
    let g = ok(
        app,
        "AdminGetUser",
        json!({"UserPoolId": POOL, "Username": "carol"}),
    )
    .await;
    assert_eq!(g["UserStatus"], "CONFIRMED");
    // Temporary passwords expire.
    ok(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "dave", "TemporaryPassword": "TempPassw0rd!", "MessageAction": "SUPPRESS"})).await;
    s.clock.advance(8 * 86_400);
    assert_eq!(
        srp_sign_in(&s, "dave", "TempPassw0rd!")
            .await
            .unwrap_err()
            .0,
        "NotAuthorizedException"
    );
}

#[tokio::test]
async fn totp_mfa_setup_and_sign_in() {
    let s = server();
    let app = &s.app;
    sign_up_confirmed(app, "erin", PW, "erin@example.com").await;
    let r = srp_sign_in(&s, "erin", PW).await.unwrap();
    let at = r["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(err(app, "SetUserMFAPreference", json!({"AccessToken": at, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}})).await.0, "InvalidParameterException");
    let secret = ok(app, "AssociateSoftwareToken", json!({"AccessToken": at})).await["SecretCode"]
        .as_str()
        .unwrap()
        .to_string();
    let key = cognito_local::util::base32_decode(&secret).unwrap();
    assert_eq!(
        err(
            app,
            "VerifySoftwareToken",
            json!({"AccessToken": at, "UserCode": "000000"})
        )
        .await
        .0,
        "EnableSoftwareTokenMFAException"
    );
    let code = cognito_local::util::totp(&key, s.clock_now());
    assert_eq!(
        ok(
            app,
            "VerifySoftwareToken",
            json!({"AccessToken": at, "UserCode": code, "FriendlyDeviceName": "phone"})
        )
        .await["Status"],
        "SUCCESS"
    );
    ok(app, "SetUserMFAPreference", json!({"AccessToken": at, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}})).await;
    assert_eq!(
        ok(app, "GetUser", json!({"AccessToken": at})).await["PreferredMfaSetting"],
        "SOFTWARE_TOKEN_MFA"
    );

    let ch = srp_sign_in(&s, "erin", PW).await.unwrap();
    assert_eq!(ch["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    let session = ch["Session"].as_str().unwrap();
    let e = err(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": session, "ChallengeResponses": {"USERNAME": "erin", "SOFTWARE_TOKEN_MFA_CODE": "123456x"}})).await;
    assert_eq!(
        e,
        (
            "CodeMismatchException".into(),
            "Invalid code or auth state for the user.".into()
        )
    );
    // The code that verified the token cannot answer a sign-in (same time step).
    let used = cognito_local::util::totp(&key, s.clock_now());
    let e = err(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": session, "ChallengeResponses": {"USERNAME": "erin", "SOFTWARE_TOKEN_MFA_CODE": used}})).await;
    assert_eq!(e.0, "CodeMismatchException");
    // A later step is accepted (one step of drift ahead).
    let code = cognito_local::util::totp(&key, s.clock_now() + 30);
    let r = ok(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": session, "ChallengeResponses": {"USERNAME": "erin", "SOFTWARE_TOKEN_MFA_CODE": code}})).await;
    assert!(r["AuthenticationResult"]["IdToken"].is_string());
    // Replaying that code within its ±30 s window, in a new sign-in, is refused...
    let ch = srp_sign_in(&s, "erin", PW).await.unwrap();
    let e = err(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": ch["Session"], "ChallengeResponses": {"USERNAME": "erin", "SOFTWARE_TOKEN_MFA_CODE": code}})).await;
    assert_eq!(
        e,
        (
            "CodeMismatchException".into(),
            "Invalid code or auth state for the user.".into()
        )
    );
    // ...and so is an older step; the next step's code works.
    let older = cognito_local::util::totp(&key, s.clock_now());
    let e = err(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": ch["Session"], "ChallengeResponses": {"USERNAME": "erin", "SOFTWARE_TOKEN_MFA_CODE": older}})).await;
    assert_eq!(e.0, "CodeMismatchException");
    s.clock.advance(60);
    let fresh = cognito_local::util::totp(&key, s.clock_now());
    let r = ok(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": ch["Session"], "ChallengeResponses": {"USERNAME": "erin", "SOFTWARE_TOKEN_MFA_CODE": fresh}})).await;
    assert!(r["AuthenticationResult"]["IdToken"].is_string());
    // Two steps is not.
    let ch = srp_sign_in(&s, "erin", PW).await.unwrap();
    let code = cognito_local::util::totp(&key, s.clock_now() - 90);
    let e = err(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": ch["Session"], "ChallengeResponses": {"USERNAME": "erin", "SOFTWARE_TOKEN_MFA_CODE": code}})).await;
    assert_eq!(e.0, "CodeMismatchException");
}

#[tokio::test]
async fn mfa_required_pool_setup_challenge() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].mfa = "ON".into();
    let s = server_with(cfg, None);
    let app = &s.app;
    let ch = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    assert_eq!(ch["ChallengeName"], "MFA_SETUP");
    let a = ok(
        app,
        "AssociateSoftwareToken",
        json!({"Session": ch["Session"]}),
    )
    .await;
    let key = cognito_local::util::base32_decode(a["SecretCode"].as_str().unwrap()).unwrap();
    let v = ok(app, "VerifySoftwareToken", json!({"Session": a["Session"], "UserCode": cognito_local::util::totp(&key, s.clock_now())})).await;
    let r = ok(app, "RespondToAuthChallenge", json!({"ClientId": SPA, "ChallengeName": "MFA_SETUP", "Session": v["Session"], "ChallengeResponses": {"USERNAME": "demo"}})).await;
    assert!(r["AuthenticationResult"]["AccessToken"].is_string());
    assert_eq!(
        srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap()["ChallengeName"],
        "SOFTWARE_TOKEN_MFA"
    );
}

#[tokio::test]
async fn forgot_password_and_attributes() {
    let s = server();
    let app = &s.app;
    sign_up_confirmed(app, "frank", PW, "frank@example.com").await;
    assert_eq!(
        err(
            app,
            "ForgotPassword",
            json!({"ClientId": SPA, "Username": "ghost"})
        )
        .await
        .0,
        "UserNotFoundException"
    );
    let v = ok(
        app,
        "ForgotPassword",
        json!({"ClientId": SPA, "Username": "frank"}),
    )
    .await;
    assert_eq!(v["CodeDeliveryDetails"]["AttributeName"], "email");
    let code = last_code(app, "frank").await;
    assert_eq!(err(app, "ConfirmForgotPassword", json!({"ClientId": SPA, "Username": "frank", "ConfirmationCode": "999999x", "Password": PW2})).await.0, "CodeMismatchException");
    assert_eq!(err(app, "ConfirmForgotPassword", json!({"ClientId": SPA, "Username": "frank", "ConfirmationCode": code, "Password": "weak"})).await.0, "InvalidPasswordException");
    ok(
        app,
        "ConfirmForgotPassword",
        json!({"ClientId": SPA, "Username": "frank", "ConfirmationCode": code, "Password": PW2}),
    )
    .await;
    srp_sign_in(&s, "frank", PW2).await.unwrap();
    // Expired code.
    ok(
        app,
        "ForgotPassword",
        json!({"ClientId": SPA, "Username": "frank"}),
    )
    .await;
    let code = last_code(app, "frank").await;
    s.clock.advance(3601);
    assert_eq!(
        err(
            app,
            "ConfirmForgotPassword",
            json!({"ClientId": SPA, "Username": "frank", "ConfirmationCode": code, "Password": PW})
        )
        .await
        .0,
        "ExpiredCodeException"
    );

    let r = srp_sign_in(&s, "frank", PW2).await.unwrap();
    let at = r["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let v = ok(app, "UpdateUserAttributes", json!({"AccessToken": at, "UserAttributes": [{"Name": "email", "Value": "frank2@example.com"}, {"Name": "name", "Value": "Frank"}]})).await;
    assert_eq!(v["CodeDeliveryDetailsList"][0]["AttributeName"], "email");
    let u = ok(app, "GetUser", json!({"AccessToken": at})).await;
    let attr = |n: &str| {
        u["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == n)
            .map(|a| a["Value"].clone())
    };
    assert_eq!(attr("email_verified"), Some(json!("false")));
    assert_eq!(attr("name"), Some(json!("Frank")));
    assert_eq!(
        err(
            app,
            "UpdateUserAttributes",
            json!({"AccessToken": at, "UserAttributes": [{"Name": "sub", "Value": "x"}]})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(
        err(
            app,
            "VerifyUserAttribute",
            json!({"AccessToken": at, "AttributeName": "email", "Code": "000000x"})
        )
        .await
        .0,
        "CodeMismatchException"
    );
    ok(
        app,
        "GetUserAttributeVerificationCode",
        json!({"AccessToken": at, "AttributeName": "email"}),
    )
    .await;
    let code = last_code(app, "frank").await;
    ok(
        app,
        "VerifyUserAttribute",
        json!({"AccessToken": at, "AttributeName": "email", "Code": code}),
    )
    .await;
    let u = ok(app, "GetUser", json!({"AccessToken": at})).await;
    assert!(u["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Name"] == "email_verified" && a["Value"] == "true"));

    // ResendConfirmationCode for a confirmed user, and for a new one.
    assert_eq!(
        err(
            app,
            "ResendConfirmationCode",
            json!({"ClientId": SPA, "Username": "frank"})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    ok(app, "SignUp", json!({"ClientId": SPA, "Username": "gina", "Password": PW, "UserAttributes": [{"Name": "email", "Value": "g@example.com"}]})).await;
    let c1 = last_code(app, "gina").await;
    ok(
        app,
        "ResendConfirmationCode",
        json!({"ClientId": SPA, "Username": "gina"}),
    )
    .await;
    let c2 = last_code(app, "gina").await;
    if c1 != c2 {
        assert_eq!(
            err(
                app,
                "ConfirmSignUp",
                json!({"ClientId": SPA, "Username": "gina", "ConfirmationCode": c1})
            )
            .await
            .0,
            "CodeMismatchException"
        );
    }
    ok(
        app,
        "ConfirmSignUp",
        json!({"ClientId": SPA, "Username": "gina", "ConfirmationCode": c2}),
    )
    .await;
}

#[tokio::test]
async fn revoke_token_and_delete_user() {
    let s = server();
    let app = &s.app;
    sign_up_confirmed(app, "hank", PW, "hank@example.com").await;
    let r = srp_sign_in(&s, "hank", PW).await.unwrap();
    let ar = &r["AuthenticationResult"];
    let other = srp_sign_in(&s, "hank", PW).await.unwrap();
    assert_eq!(
        err(
            app,
            "RevokeToken",
            json!({"ClientId": SPA, "Token": ar["AccessToken"]})
        )
        .await
        .0,
        "UnsupportedTokenTypeException"
    );
    ok(
        app,
        "RevokeToken",
        json!({"ClientId": SPA, "Token": ar["RefreshToken"]}),
    )
    .await;
    assert_eq!(
        err(
            app,
            "GetTokensFromRefreshToken",
            json!({"ClientId": SPA, "RefreshToken": ar["RefreshToken"]})
        )
        .await
        .1,
        "Refresh Token has been revoked"
    );
    assert_eq!(
        err(app, "GetUser", json!({"AccessToken": ar["AccessToken"]}))
            .await
            .1,
        "Access Token has been revoked"
    );
    // The other session is untouched.
    let oat = other["AuthenticationResult"]["AccessToken"].clone();
    ok(app, "GetUser", json!({"AccessToken": oat})).await;
    ok(app, "DeleteUser", json!({"AccessToken": oat})).await;
    assert_eq!(
        err(app, "GetUser", json!({"AccessToken": oat})).await.0,
        "NotAuthorizedException"
    );
    assert_eq!(
        srp_sign_in(&s, "hank", PW).await.unwrap_err().0,
        "UserNotFoundException"
    );
    // Expired access token.
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    s.clock.advance(3600);
    assert_eq!(
        err(
            app,
            "GetUser",
            json!({"AccessToken": r["AuthenticationResult"]["AccessToken"]})
        )
        .await
        .1,
        "Access Token has expired"
    );
    assert_eq!(
        err(app, "GetUser", json!({"AccessToken": "not.a.token"}))
            .await
            .1,
        "Invalid Access Token"
    );
}

#[tokio::test]
async fn sign_up_validation_errors() {
    let s = server();
    let app = &s.app;
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": SPA, "Username": "demo", "Password": PW})
        )
        .await,
        (
            "UsernameExistsException".into(),
            "User already exists".into()
        )
    );
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": SPA, "Username": "ivy", "Password": "short"})
        )
        .await
        .0,
        "InvalidPasswordException"
    );
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": "nope", "Username": "ivy", "Password": PW})
        )
        .await
        .0,
        "ResourceNotFoundException"
    );
    let e = err(app, "SignUp", json!({"ClientId": SPA, "Password": PW})).await;
    assert_eq!(e.0, "InvalidParameterException");
    assert!(e.1.contains("'username'"), "{}", e.1);
    let e = err(
        app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "x".repeat(129), "Password": PW}),
    )
    .await;
    assert!(e.1.contains("length less than or equal to 128"), "{}", e.1);
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": SPA, "Username": "a b", "Password": PW})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": SPA, "Username": 5, "Password": PW})
        )
        .await
        .0,
        "SerializationException"
    );
    assert_eq!(err(app, "SignUp", json!({"ClientId": SPA, "Username": "ivy", "Password": PW, "UserAttributes": [{"Name": "email", "Value": "nope"}]})).await.0, "InvalidParameterException");
    assert_eq!(err(app, "SignUp", json!({"ClientId": SPA, "Username": "ivy", "Password": PW, "UserAttributes": [{"Name": "favourite", "Value": "x"}]})).await.0, "InvalidParameterException");
    assert_eq!(
        err(
            app,
            "InitiateAuth",
            json!({"ClientId": SPA, "AuthFlow": "BOGUS"})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(err(app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "demo"}})).await.1, "Missing required parameter SRP_A");
    assert_eq!(err(app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": {"USERNAME": "demo"}})).await.0, "InvalidParameterException");
}

#[tokio::test]
async fn admin_operations_groups_and_disabled_users() {
    let s = server();
    let app = &s.app;
    ok(
        app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "jack", "Password": PW}),
    )
    .await;
    assert_eq!(
        srp_sign_in(&s, "jack", PW).await.unwrap_err().0,
        "UserNotConfirmedException"
    );
    let e = err(app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "jack", "PASSWORD": PW}})).await;
    assert_eq!(
        e,
        (
            "UserNotConfirmedException".into(),
            "User is not confirmed.".into()
        )
    );
    ok(
        app,
        "AdminConfirmSignUp",
        json!({"UserPoolId": POOL, "Username": "jack"}),
    )
    .await;
    assert_eq!(
        err(
            app,
            "AdminConfirmSignUp",
            json!({"UserPoolId": POOL, "Username": "jack"})
        )
        .await
        .0,
        "NotAuthorizedException"
    );
    assert_eq!(
        err(
            app,
            "AdminGetUser",
            json!({"UserPoolId": "us-east-1_Other", "Username": "jack"})
        )
        .await
        .0,
        "ResourceNotFoundException"
    );

    // Groups appear in both tokens.
    ok(
        app,
        "AdminAddUserToGroup",
        json!({"UserPoolId": POOL, "Username": "jack", "GroupName": "admins"}),
    )
    .await;
    let r = srp_sign_in(&s, "jack", PW).await.unwrap();
    let at = r["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(claims(&at)["cognito:groups"], json!(["admins"]));
    assert_eq!(
        claims(r["AuthenticationResult"]["IdToken"].as_str().unwrap())["cognito:groups"],
        json!(["admins"])
    );
    ok(
        app,
        "AdminRemoveUserFromGroup",
        json!({"UserPoolId": POOL, "Username": "jack", "GroupName": "admins"}),
    )
    .await;
    let r = srp_sign_in(&s, "jack", PW).await.unwrap();
    assert!(
        claims(r["AuthenticationResult"]["AccessToken"].as_str().unwrap())
            .get("cognito:groups")
            .is_none()
    );
    let refresh = r["AuthenticationResult"]["RefreshToken"].clone();
    let at_before_disable = r["AuthenticationResult"]["AccessToken"].clone();
    ok(app, "GetUser", json!({"AccessToken": at_before_disable})).await;

    // Disabled users cannot sign in, refresh or use their access tokens.
    ok(
        app,
        "AdminDisableUser",
        json!({"UserPoolId": POOL, "Username": "jack"}),
    )
    .await;
    assert_eq!(
        srp_sign_in(&s, "jack", PW).await.unwrap_err(),
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
    assert_eq!(
        err(
            app,
            "GetTokensFromRefreshToken",
            json!({"ClientId": SPA, "RefreshToken": refresh})
        )
        .await,
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
    assert_eq!(
        err(app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh}})).await,
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
    assert_eq!(
        err(app, "GetUser", json!({"AccessToken": at_before_disable})).await,
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
    // Re-enabling does not bring the old tokens back: disabling revoked them (as AWS).
    ok(
        app,
        "AdminEnableUser",
        json!({"UserPoolId": POOL, "Username": "jack"}),
    )
    .await;
    assert_eq!(
        err(
            app,
            "GetTokensFromRefreshToken",
            json!({"ClientId": SPA, "RefreshToken": refresh})
        )
        .await
        .1,
        "Refresh Token has been revoked"
    );
    assert_eq!(
        err(app, "GetUser", json!({"AccessToken": at_before_disable}))
            .await
            .1,
        "Access Token has been revoked"
    );
    let r = srp_sign_in(&s, "jack", PW).await.unwrap();
    let at = r["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();

    // AdminUserGlobalSignOut revokes; AdminSetUserPassword (temporary) forces a new password.
    ok(
        app,
        "AdminUserGlobalSignOut",
        json!({"UserPoolId": POOL, "Username": "jack"}),
    )
    .await;
    assert_eq!(
        err(app, "GetUser", json!({"AccessToken": at})).await.1,
        "Access Token has been revoked"
    );
    ok(
        app,
        "AdminSetUserPassword",
        json!({"UserPoolId": POOL, "Username": "jack", "Password": PW2, "Permanent": false}),
    )
    .await;
    assert_eq!(
        srp_sign_in(&s, "jack", PW2).await.unwrap()["ChallengeName"],
        "NEW_PASSWORD_REQUIRED"
    );
    ok(
        app,
        "AdminSetUserPassword",
        json!({"UserPoolId": POOL, "Username": "jack", "Password": PW, "Permanent": true}),
    )
    .await;
    srp_sign_in(&s, "jack", PW).await.unwrap();
    ok(
        app,
        "AdminDeleteUser",
        json!({"UserPoolId": POOL, "Username": "jack"}),
    )
    .await;
    assert_eq!(
        err(
            app,
            "AdminDeleteUser",
            json!({"UserPoolId": POOL, "Username": "jack"})
        )
        .await
        .0,
        "UserNotFoundException"
    );
}

#[tokio::test]
async fn client_flows_and_multiple_pools() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].clients[0].auth_flows = vec![
        "ALLOW_USER_SRP_AUTH".into(),
        "ALLOW_REFRESH_TOKEN_AUTH".into(),
    ];
    let mut second = cfg.pools[0].clone();
    second.id = "eu-west-1_Second".into();
    second.clients = vec![cognito_local::config::ClientConfig {
        id: "secondclient".into(),
        ..cfg.pools[0].clients[0].clone()
    }];
    cfg.pools.push(second);
    let s = server_with(cfg, None);
    let app = &s.app;
    let e = err(app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "demo", "PASSWORD": "DemoPassw0rd!"}})).await;
    assert_eq!(
        e,
        (
            "InvalidParameterException".into(),
            "USER_PASSWORD_AUTH flow not enabled for this client".into()
        )
    );
    srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    // The second pool has its own users, keys and issuer.
    let r = srp_sign_in_pool(&s, "secondclient", "Second", "demo", "DemoPassw0rd!")
        .await
        .unwrap();
    let id = claims(r["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["iss"], format!("{ISSUER_BASE}/eu-west-1_Second"));
    ok(
        app,
        "GetUser",
        json!({"AccessToken": r["AuthenticationResult"]["AccessToken"]}),
    )
    .await;
    let jwks_a = send(
        app,
        axum::http::Request::get(format!("/{POOL}/.well-known/jwks.json"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let jwks_b = send(
        app,
        axum::http::Request::get("/eu-west-1_Second/.well-known/jwks.json")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .json();
    assert_ne!(jwks_a["keys"][0]["kid"], jwks_b["keys"][0]["kid"]);
    ok(
        app,
        "SignUp",
        json!({"ClientId": "secondclient", "Username": "only2", "Password": PW}),
    )
    .await;
    assert_eq!(
        err(
            app,
            "AdminGetUser",
            json!({"UserPoolId": POOL, "Username": "only2"})
        )
        .await
        .0,
        "UserNotFoundException"
    );
}

#[tokio::test]
async fn wrong_code_guesses_are_limited() {
    let s = server();
    let app = &s.app;
    ok(app, "SignUp", json!({"ClientId": SPA, "Username": "kim", "Password": PW, "UserAttributes": [{"Name": "email", "Value": "k@example.com"}]})).await;
    let code = last_code(app, "kim").await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for _ in 0..4 {
        assert_eq!(
            err(
                app,
                "ConfirmSignUp",
                json!({"ClientId": SPA, "Username": "kim", "ConfirmationCode": wrong})
            )
            .await
            .0,
            "CodeMismatchException"
        );
    }
    assert_eq!(
        err(
            app,
            "ConfirmSignUp",
            json!({"ClientId": SPA, "Username": "kim", "ConfirmationCode": wrong})
        )
        .await
        .0,
        "LimitExceededException"
    );
    // The code is gone, even the right one fails now; a new code works.
    assert_eq!(
        err(
            app,
            "ConfirmSignUp",
            json!({"ClientId": SPA, "Username": "kim", "ConfirmationCode": code})
        )
        .await
        .0,
        "CodeMismatchException"
    );
    ok(
        app,
        "ResendConfirmationCode",
        json!({"ClientId": SPA, "Username": "kim"}),
    )
    .await;
    let code = last_code(app, "kim").await;
    ok(
        app,
        "ConfirmSignUp",
        json!({"ClientId": SPA, "Username": "kim", "ConfirmationCode": code}),
    )
    .await;

    // MFA codes: five wrong answers end the session.
    let r = srp_sign_in(&s, "kim", PW).await.unwrap();
    let at = r["AuthenticationResult"]["AccessToken"].clone();
    let key = set_up_totp(&s, &at).await;
    ok(app, "SetUserMFAPreference", json!({"AccessToken": at, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}})).await;
    let ch = srp_sign_in(&s, "kim", PW).await.unwrap();
    let good = cognito_local::util::totp(&key, s.clock_now());
    let bad = if good == "111111" { "222222" } else { "111111" };
    let answer = |code: &str| json!({"ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": ch["Session"], "ChallengeResponses": {"USERNAME": "kim", "SOFTWARE_TOKEN_MFA_CODE": code}});
    for _ in 0..5 {
        assert_eq!(
            err(app, "RespondToAuthChallenge", answer(bad)).await.0,
            "CodeMismatchException"
        );
    }
    assert_eq!(
        err(app, "RespondToAuthChallenge", answer(&good)).await,
        (
            "NotAuthorizedException".into(),
            "Invalid session for the user.".into()
        )
    );
    // Disabling MFA again.
    ok(app, "SetUserMFAPreference", json!({"AccessToken": at, "SoftwareTokenMfaSettings": {"Enabled": false, "PreferredMfa": false}})).await;
    assert!(srp_sign_in(&s, "kim", PW).await.unwrap()["AuthenticationResult"].is_object());
}

#[tokio::test]
async fn aws_wording_of_validation_errors() {
    let s = server();
    let app = &s.app;
    // Enum members: the value, the camelCase member name and the allowed set, as AWS words it.
    let (code, msg) = err(
        app,
        "InitiateAuth",
        json!({"ClientId": SPA, "AuthFlow": "SRP", "AuthParameters": {}}),
    )
    .await;
    assert_eq!(code, "InvalidParameterException");
    assert!(
        msg.starts_with("1 validation error detected: Value 'SRP' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH,"),
        "{msg}"
    );
    let (_, msg) = err(
        app,
        "RespondToAuthChallenge",
        json!({"ClientId": SPA, "ChallengeName": "NOPE", "ChallengeResponses": {}}),
    )
    .await;
    assert!(
        msg.starts_with("1 validation error detected: Value 'NOPE' at 'challengeName' failed to satisfy constraint: Member must satisfy enum value set: ["),
        "{msg}"
    );
    assert_eq!(
        err(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "enumtest", "MessageAction": "EMAIL"})).await,
        (
            "InvalidParameterException".into(),
            "1 validation error detected: Value 'EMAIL' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]".into()
        )
    );
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": SPA, "Username": "ivy", "Password": "short"})
        )
        .await,
        (
            "InvalidPasswordException".into(),
            "Password did not conform with policy: Password not long enough".into()
        )
    );
    assert_eq!(
        err(app, "SignUp", json!({"ClientId": SPA, "Username": "ivy", "Password": PW, "UserAttributes": {"email": "x"}})).await,
        ("SerializationException".into(), "Expected list or null".into())
    );
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": SPA, "Username": {"a": 1}, "Password": PW})
        )
        .await,
        (
            "SerializationException".into(),
            "Start of structure or map found where not expected.".into()
        )
    );
    assert_eq!(
        err(
            app,
            "InitiateAuth",
            json!({"ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": "x"})
        )
        .await,
        (
            "SerializationException".into(),
            "Expected map or null".into()
        )
    );
    assert_eq!(
        err(app, "SignUp", json!({"ClientId": SPA, "Password": PW})).await,
        (
            "InvalidParameterException".into(),
            "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null".into()
        )
    );
    assert_eq!(
        err(app, "ConfirmForgotPassword", json!({"ClientId": SPA, "Username": "demo", "ConfirmationCode": "1", "Password": "short"})).await,
        ("InvalidPasswordException".into(), "Password does not conform to policy: Password not long enough".into())
    );
}

#[tokio::test]
async fn refresh_token_rotation_when_configured() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].clients[0].refresh_token_rotation = true;
    let s = server_with(cfg, None);
    let app = &s.app;
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    let old = r["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .unwrap()
        .to_string();
    let r2 = ok(
        app,
        "GetTokensFromRefreshToken",
        json!({"ClientId": SPA, "RefreshToken": old}),
    )
    .await;
    let new = r2["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(old, new);
    assert_eq!(
        err(
            app,
            "GetTokensFromRefreshToken",
            json!({"ClientId": SPA, "RefreshToken": old})
        )
        .await
        .1,
        "Invalid Refresh Token"
    );
    let r3 = ok(
        app,
        "GetTokensFromRefreshToken",
        json!({"ClientId": SPA, "RefreshToken": new}),
    )
    .await;
    let newest = r3["AuthenticationResult"]["RefreshToken"].clone();
    // Revoking the newest token revokes the family.
    ok(
        app,
        "RevokeToken",
        json!({"ClientId": SPA, "Token": newest}),
    )
    .await;
    assert_eq!(
        err(
            app,
            "GetUser",
            json!({"AccessToken": r["AuthenticationResult"]["AccessToken"]})
        )
        .await
        .1,
        "Access Token has been revoked"
    );
}

#[tokio::test]
async fn prevent_user_existence_errors() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].prevent_user_existence_errors = true;
    let s = server_with(cfg, None);
    let app = &s.app;
    let bad = (
        "NotAuthorizedException".to_string(),
        "Incorrect username or password.".to_string(),
    );
    // SRP: a challenge comes back for an unknown user too, with a stable salt, then the same error as a wrong password.
    assert_eq!(
        srp_sign_in(&s, "ghost", "Whatever1!").await.unwrap_err(),
        bad
    );
    assert_eq!(
        srp_sign_in(&s, "demo", "Whatever1!").await.unwrap_err(),
        bad
    );
    let eph = cognito_srp::ClientEphemeral::from_bytes(&[3u8; 128]).unwrap();
    let salt = |v: serde_json::Value| v["ChallengeParameters"]["SALT"].clone();
    let init = json!({"ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "ghost", "SRP_A": eph.a_pub_hex()}});
    assert_eq!(
        salt(ok(app, "InitiateAuth", init.clone()).await),
        salt(ok(app, "InitiateAuth", init).await)
    );
    let e = err(app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "ghost", "PASSWORD": "x"}})).await;
    assert_eq!(e, bad);
    let v = ok(
        app,
        "ForgotPassword",
        json!({"ClientId": SPA, "Username": "ghost"}),
    )
    .await;
    assert_eq!(v["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    ok(
        app,
        "ResendConfirmationCode",
        json!({"ClientId": SPA, "Username": "ghost"}),
    )
    .await;
    assert_eq!(
        err(
            app,
            "ConfirmSignUp",
            json!({"ClientId": SPA, "Username": "ghost", "ConfirmationCode": "123456"})
        )
        .await
        .0,
        "CodeMismatchException"
    );
    assert_eq!(err(app, "ConfirmForgotPassword", json!({"ClientId": SPA, "Username": "ghost", "ConfirmationCode": "123456", "Password": PW})).await.0, "CodeMismatchException");
    // Real users are unaffected.
    srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();

    // The fake challenge does not echo the typed spelling: a real user gets the stored
    // (canonical) name whatever case was typed, so an unknown one gets the lowercased name...
    let uid = |v: &serde_json::Value| {
        (
            v["ChallengeParameters"]["USER_ID_FOR_SRP"].clone(),
            v["ChallengeParameters"]["USERNAME"].clone(),
        )
    };
    let init = |name: &str| json!({"ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": name, "SRP_A": eph.a_pub_hex()}});
    assert_eq!(
        uid(&ok(app, "InitiateAuth", init("DEMO")).await),
        (json!("demo"), json!("demo"))
    );
    assert_eq!(
        uid(&ok(app, "InitiateAuth", init("GhOsT")).await),
        (json!("ghost"), json!("ghost"))
    );
    // ...and an unknown email a UUID, the same on every attempt and whatever the case, never
    // the email itself.
    let first = uid(&ok(app, "InitiateAuth", init("Nobody@Example.com")).await).0;
    let id = first.as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    assert!(!id.contains('@'));
    assert_eq!(
        uid(&ok(app, "InitiateAuth", init("nobody@example.com")).await).0,
        first
    );
    let other = uid(&ok(app, "InitiateAuth", init("someone@example.com")).await).0;
    assert_ne!(other, first);
}

#[tokio::test]
async fn srp_a_congruent_to_zero_mod_n_is_rejected() {
    let s = server();
    // N as cognito-srp prints it (lowercase) and as the RFC spells it, 0, 00 and 2N.
    let n_lower = N_HEX.to_lowercase();
    for (user, a) in [
        ("demo", "0"),
        ("demo", "0000"),
        ("demo", N_HEX),
        ("demo", n_lower.as_str()),
        ("demo", TWO_N_HEX),
        ("nobody", N_HEX),
    ] {
        let e = err(&s.app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": user, "SRP_A": a}})).await;
        assert_eq!(e.0, "InvalidParameterException", "A = {a}");
    }
    // N + 1 is legal input (A mod N = 1 != 0) and gets a challenge.
    let ok_a = ok(&s.app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "demo", "SRP_A": N_PLUS_ONE_HEX}})).await;
    assert_eq!(ok_a["ChallengeName"], "PASSWORD_VERIFIER");
}

const N_HEX: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";
const TWO_N_HEX: &str = "1ffffffffffffffff921fb54442d18469898cc51701b839a252049c1114cf98e804177d4c76273644a29410f31c6809bbdf2a33679a748636605614dbe4be286e9fc26adadaa3848bc90b6aecc4bcfd8de89885d34c6fdad617feb96de80d6fdbdc70d7f6b5133f4b5d3e4822f8963fcc9250cca3d9c8b67b8400f97142c77e0b31b4906c38aba734d22c7f51fa499ebf06caba47b9475b2c38c5e6ac410aa5773daa520ee12d2cdace186a9c95793009e2e8d811943042f86520bc8c5c6d9c77c73cee58301d0c07364f0745d80f451f6b8abbe0de98a593bc5797ed2ab02e30732a92f9d52ad5ca2ba44c3131f40a202ae51cb51555885b5a662e1a08a0f46750aa4357be3974c9d9f70a08b1b7de1515d4e2aeba0c18fb672e1f0b4dc3c98f57eb5d19b61267ae3d1929c0944ac33b9dc7a44c35a5dcd7e25ff40db31410c9b0ec04e67d90d4c8a43e56302ef6401977c22eaef4c2bad8ee13118175b28dc411c49f40e9cb566287b6b7f9c1fa211c9705a2415275a595fffffffffffffffe";
const N_PLUS_ONE_HEX: &str = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2cb0000000000000000";

#[tokio::test]
async fn attribute_verification_code_is_bound_to_the_value_it_was_sent_to() {
    // Without auto-verification, changing the email sends no new code.
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].auto_verified_attributes = vec![];
    let s = server_with(cfg, None);
    let app = &s.app;
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    let at = r["AuthenticationResult"]["AccessToken"].clone();
    ok(
        app,
        "UpdateUserAttributes",
        json!({"AccessToken": at, "UserAttributes": [{"Name": "email", "Value": "mine@example.com"}]}),
    )
    .await;
    ok(
        app,
        "GetUserAttributeVerificationCode",
        json!({"AccessToken": at, "AttributeName": "email"}),
    )
    .await;
    let code = last_code(app, "demo").await;
    // Switch to an address the user does not own, then use the code sent to the old one.
    ok(
        app,
        "UpdateUserAttributes",
        json!({"AccessToken": at, "UserAttributes": [{"Name": "email", "Value": "victim@example.com"}]}),
    )
    .await;
    let e = err(
        app,
        "VerifyUserAttribute",
        json!({"AccessToken": at, "AttributeName": "email", "Code": code}),
    )
    .await;
    assert_eq!(e.0, "CodeMismatchException");
    let u = ok(app, "GetUser", json!({"AccessToken": at})).await;
    let verified = u["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "email_verified")
        .map(|a| a["Value"].clone());
    assert_eq!(verified, Some(json!("false")));
    // A code sent to the current address verifies it.
    ok(
        app,
        "GetUserAttributeVerificationCode",
        json!({"AccessToken": at, "AttributeName": "email"}),
    )
    .await;
    let code = last_code(app, "demo").await;
    ok(
        app,
        "VerifyUserAttribute",
        json!({"AccessToken": at, "AttributeName": "email", "Code": code}),
    )
    .await;
}

#[tokio::test]
async fn a_refused_mfa_answer_commits_nothing() {
    let s = server();
    let app = &s.app;
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    let at = r["AuthenticationResult"]["AccessToken"].clone();
    let key = set_up_totp(&s, &at).await;
    ok(app, "SetUserMFAPreference", json!({"AccessToken": at, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}})).await;
    s.clock.advance(60);
    let ch = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    assert_eq!(ch["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    ok(
        app,
        "AdminDisableUser",
        json!({"UserPoolId": POOL, "Username": "demo"}),
    )
    .await;
    // A right code from a disabled user is refused after the code check and the session
    // deletion ran: the transaction rolls back, so neither the session nor the code is spent.
    let code = cognito_local::util::totp(&key, s.clock_now());
    let answer = json!({"ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": ch["Session"], "ChallengeResponses": {"USERNAME": "demo", "SOFTWARE_TOKEN_MFA_CODE": code}});
    assert_eq!(
        err(app, "RespondToAuthChallenge", answer.clone()).await,
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
    ok(
        app,
        "AdminEnableUser",
        json!({"UserPoolId": POOL, "Username": "demo"}),
    )
    .await;
    let r = ok(app, "RespondToAuthChallenge", answer).await;
    assert!(r["AuthenticationResult"]["AccessToken"].is_string());
}

#[tokio::test]
async fn delete_user_attributes() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].custom_attributes = vec![cognito_local::config::CustomAttribute {
        name: "team".into(),
        max_length: 2048,
    }];
    let s = server_with(cfg, None);
    let app = &s.app;
    sign_up_confirmed(app, "iris", PW, "iris@example.com").await;
    let r = srp_sign_in(&s, "iris", PW).await.unwrap();
    let at = r["AuthenticationResult"]["AccessToken"].clone();
    ok(
        app,
        "UpdateUserAttributes",
        json!({"AccessToken": at, "UserAttributes": [{"Name": "name", "Value": "Iris"}, {"Name": "custom:team", "Value": "blue"}]}),
    )
    .await;
    let attr = |u: &serde_json::Value, n: &str| {
        u["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == n)
            .map(|a| a["Value"].as_str().unwrap().to_owned())
    };
    let before = ok(app, "GetUser", json!({"AccessToken": at})).await;
    assert_eq!(attr(&before, "name").as_deref(), Some("Iris"));

    let out = ok(
        app,
        "DeleteUserAttributes",
        json!({"AccessToken": at, "UserAttributeNames": ["name", "email"]}),
    )
    .await;
    assert_eq!(out, json!({}));
    let after = ok(app, "GetUser", json!({"AccessToken": at})).await;
    assert_eq!(attr(&after, "name"), None, "name removed");
    assert_eq!(attr(&after, "email"), None, "email removed");
    assert_eq!(
        attr(&after, "email_verified"),
        None,
        "its verified flag too"
    );
    assert_eq!(
        attr(&after, "custom:team").as_deref(),
        Some("blue"),
        "others kept"
    );
    assert!(attr(&after, "sub").is_some());

    // sub is not deletable; bad shapes are validation errors; a bad token is refused.
    assert_eq!(
        err(
            app,
            "DeleteUserAttributes",
            json!({"AccessToken": at, "UserAttributeNames": ["sub"]})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(
        err(app, "DeleteUserAttributes", json!({"AccessToken": at}))
            .await
            .0,
        "InvalidParameterException"
    );
    assert_eq!(
        err(
            app,
            "DeleteUserAttributes",
            json!({"AccessToken": at, "UserAttributeNames": [""]})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(
        err(
            app,
            "DeleteUserAttributes",
            json!({"AccessToken": at, "UserAttributeNames": "name"})
        )
        .await
        .0,
        "SerializationException"
    );
    assert_eq!(
        err(
            app,
            "DeleteUserAttributes",
            json!({"AccessToken": "not.a.token", "UserAttributeNames": ["name"]})
        )
        .await
        .0,
        "NotAuthorizedException"
    );
}

// ---------------------------------------------------------------------------------------------
// Account integrity: verification flags and per-client attribute permissions (issue 7, item 1)

const UNAUTHORIZED_ATTRIBUTE: &str = "A client attempted to write unauthorized attribute";

fn unauthorized_attribute() -> (String, String) {
    (
        "NotAuthorizedException".into(),
        UNAUTHORIZED_ATTRIBUTE.into(),
    )
}

/// The AdminCreateUser user `mallory` answering NEW_PASSWORD_REQUIRED with `demo`'s email.
#[tokio::test]
async fn new_password_required_cannot_self_verify_someone_elses_email() {
    let s = server();
    let app = &s.app;
    ok(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "mallory", "TemporaryPassword": "TempPassw0rd!",
        "MessageAction": "SUPPRESS", "UserAttributes": [{"Name": "email", "Value": "mallory@example.com"}]})).await;
    let ch = ok(
        app,
        "InitiateAuth",
        json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "mallory", "PASSWORD": "TempPassw0rd!"}}),
    )
    .await;
    assert_eq!(ch["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let session = ch["Session"].as_str().unwrap();
    let answer = |extra: serde_json::Value| {
        let mut resp = json!({"USERNAME": "mallory", "NEW_PASSWORD": PW});
        for (k, v) in extra.as_object().unwrap() {
            resp[k] = v.clone();
        }
        json!({"ClientId": SPA, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session, "ChallengeResponses": resp})
    };
    for flag in ["email_verified", "phone_number_verified"] {
        assert_eq!(
            err(app, "RespondToAuthChallenge", answer(json!({"userAttributes.email": "demo@example.com", format!("userAttributes.{flag}"): "true"}))).await,
            unauthorized_attribute(),
            "{flag}"
        );
    }
    // The refusal changed nothing: the email is mallory's own.
    let g = ok(
        app,
        "AdminGetUser",
        json!({"UserPoolId": POOL, "Username": "mallory"}),
    )
    .await;
    assert!(g["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Name"] == "email" && a["Value"] == "mallory@example.com"));
    // Changing the email alone is allowed, but the new address is not verified.
    let r = ok(
        app,
        "RespondToAuthChallenge",
        answer(json!({"userAttributes.email": "demo@example.com"})),
    )
    .await;
    let id = verify_jwt(app, r["AuthenticationResult"]["IdToken"].as_str().unwrap()).await;
    assert_eq!(id["email"], "demo@example.com");
    assert_eq!(id["email_verified"], false);
    // Signing in with that email still reaches demo, never mallory.
    let e = ok(
        app,
        "InitiateAuth",
        json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "demo@example.com", "PASSWORD": "DemoPassw0rd!"}}),
    )
    .await;
    let at = claims(e["AuthenticationResult"]["AccessToken"].as_str().unwrap());
    assert_eq!(at["username"], "demo");
    assert_eq!(
        err(
            app,
            "InitiateAuth",
            json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "demo@example.com", "PASSWORD": PW}})
        )
        .await
        .0,
        "NotAuthorizedException"
    );
}

#[tokio::test]
async fn verification_flags_are_refused_on_every_client_write() {
    let s = server();
    let app = &s.app;
    // SignUp: refused, not silently dropped.
    assert_eq!(
        err(app, "SignUp", json!({"ClientId": SPA, "Username": "vera", "Password": PW,
            "UserAttributes": [{"Name": "email", "Value": "vera@example.com"}, {"Name": "email_verified", "Value": "true"}]})).await,
        unauthorized_attribute()
    );
    assert_eq!(
        err(
            app,
            "AdminGetUser",
            json!({"UserPoolId": POOL, "Username": "vera"})
        )
        .await
        .0,
        "UserNotFoundException",
        "nothing was created"
    );
    sign_up_confirmed(app, "vera", PW, "vera@example.com").await;
    let t = srp_sign_in(&s, "vera", PW).await.unwrap();
    let at = t["AuthenticationResult"]["AccessToken"].clone();
    // UpdateUserAttributes: refused with AWS's error, and nothing of the request is applied.
    for flag in ["email_verified", "phone_number_verified"] {
        assert_eq!(
            err(
                app,
                "UpdateUserAttributes",
                json!({"AccessToken": at, "UserAttributes": [
                {"Name": "email", "Value": "demo@example.com"}, {"Name": flag, "Value": "true"}]})
            )
            .await,
            unauthorized_attribute(),
            "{flag}"
        );
        assert_eq!(
            err(
                app,
                "DeleteUserAttributes",
                json!({"AccessToken": at, "UserAttributeNames": [flag]})
            )
            .await,
            unauthorized_attribute(),
            "{flag}"
        );
    }
    let u = ok(app, "GetUser", json!({"AccessToken": at})).await;
    let attr = |name: &str| {
        u["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == name)
            .map(|a| a["Value"].clone())
    };
    assert_eq!(attr("email"), Some(json!("vera@example.com")));
    assert_eq!(attr("email_verified"), Some(json!("true")));
    // Admin operations may still set the flags.
    ok(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "walt", "MessageAction": "SUPPRESS",
        "UserAttributes": [{"Name": "email", "Value": "walt@example.com"}, {"Name": "email_verified", "Value": "true"}]})).await;
}

#[tokio::test]
async fn per_client_read_and_write_attribute_lists() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].clients[0].write_attributes = Some(vec!["email".into()]);
    cfg.pools[0].clients[0].read_attributes = Some(vec!["email".into(), "email_verified".into()]);
    let s = server_with(cfg, None);
    let app = &s.app;
    // The SPA client may write email only.
    assert_eq!(
        err(app, "SignUp", json!({"ClientId": SPA, "Username": "rita", "Password": PW,
            "UserAttributes": [{"Name": "email", "Value": "rita@example.com"}, {"Name": "name", "Value": "Rita"}]})).await,
        unauthorized_attribute()
    );
    sign_up_confirmed(app, "rita", PW, "rita@example.com").await;
    ok(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "sam", "TemporaryPassword": "TempPassw0rd!",
        "MessageAction": "SUPPRESS", "UserAttributes": [{"Name": "name", "Value": "Sam"}, {"Name": "email", "Value": "sam@example.com"}]})).await;
    ok(
        app,
        "AdminSetUserPassword",
        json!({"UserPoolId": POOL, "Username": "sam", "Password": PW, "Permanent": true}),
    )
    .await;
    let t = srp_sign_in(&s, "sam", PW).await.unwrap();
    let at = t["AuthenticationResult"]["AccessToken"].clone();
    assert_eq!(
        err(
            app,
            "UpdateUserAttributes",
            json!({"AccessToken": at, "UserAttributes": [{"Name": "name", "Value": "X"}]})
        )
        .await,
        unauthorized_attribute()
    );
    assert_eq!(
        err(
            app,
            "DeleteUserAttributes",
            json!({"AccessToken": at, "UserAttributeNames": ["name"]})
        )
        .await,
        unauthorized_attribute()
    );
    // ...and reads email and its flag only: GetUser and the ID token leave `name` out.
    let names: Vec<String> = ok(app, "GetUser", json!({"AccessToken": at})).await["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["sub", "email"]);
    let id = verify_jwt(app, t["AuthenticationResult"]["IdToken"].as_str().unwrap()).await;
    assert!(id.get("name").is_none(), "{id}");
    assert_eq!(id["email"], "sam@example.com");
    // The confidential client keeps AWS's defaults: it reads `name`.
    let t2 = srp_sign_in_with(&s, CONF, Some(CONF_SECRET), "sam", PW)
        .await
        .unwrap();
    let id = verify_jwt(app, t2["AuthenticationResult"]["IdToken"].as_str().unwrap()).await;
    assert_eq!(id["name"], "Sam");
    ok(app, "UpdateUserAttributes", json!({"AccessToken": t2["AuthenticationResult"]["AccessToken"], "UserAttributes": [{"Name": "name", "Value": "Samuel"}]})).await;
    // A verification flag can never be listed as writable.
    let bad = cognito_local::config::DEFAULT_CONFIG.replace(
        "refresh_token_rotation = false",
        "refresh_token_rotation = false\nwrite_attributes = [\"email\", \"email_verified\"]",
    );
    assert!(cognito_local::config::Config::parse(&bad).is_err());
}

// ---------------------------------------------------------------------------------------------
// Email aliases (issue 7, item 2)

const EMAIL_USERNAME: &str =
    "Username cannot be of email format, since user pool is configured for email alias.";
const ALIAS_EXISTS: &str = "An account with the given email already exists.";

/// A username spelled like demo's email would shadow demo's email sign-in.
#[tokio::test]
async fn email_shaped_usernames_are_refused_with_email_alias() {
    let s = server();
    let app = &s.app;
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": SPA, "Username": "demo@example.com", "Password": PW,
            "UserAttributes": [{"Name": "email", "Value": "mallory@example.com"}]})
        )
        .await,
        ("InvalidParameterException".into(), EMAIL_USERNAME.into())
    );
    assert_eq!(
        err(
            app,
            "AdminCreateUser",
            json!({"UserPoolId": POOL, "Username": "Demo@Example.com", "MessageAction": "SUPPRESS"})
        )
        .await,
        ("InvalidParameterException".into(), EMAIL_USERNAME.into())
    );
    // demo's email still signs demo in.
    let t = ok(
        app,
        "InitiateAuth",
        json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "demo@example.com", "PASSWORD": "DemoPassw0rd!"}}),
    )
    .await;
    assert_eq!(
        claims(t["AuthenticationResult"]["AccessToken"].as_str().unwrap())["username"],
        "demo"
    );
    // Without email_alias, an email-shaped username is an ordinary name.
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].email_alias = false;
    let plain = server_with(cfg, None);
    ok(
        &plain.app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "someone@example.com", "Password": PW}),
    )
    .await;
    // Nor may a seed user have one.
    let bad = cognito_local::config::DEFAULT_CONFIG
        .replace("username = \"demo\"", "username = \"demo@example.com\"");
    assert!(cognito_local::config::Config::parse(&bad).is_err());
}

#[tokio::test]
async fn a_verified_email_belongs_to_one_user() {
    let s = server();
    let app = &s.app;
    // ConfirmSignUp of a second account with demo's email: AliasExistsException, nothing changes.
    ok(
        app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "copycat", "Password": PW,
        "UserAttributes": [{"Name": "email", "Value": "DEMO@example.com"}]}),
    )
    .await;
    let code = last_code(app, "copycat").await;
    assert_eq!(
        err(
            app,
            "ConfirmSignUp",
            json!({"ClientId": SPA, "Username": "copycat", "ConfirmationCode": code})
        )
        .await,
        ("AliasExistsException".into(), ALIAS_EXISTS.into())
    );
    let g = ok(
        app,
        "AdminGetUser",
        json!({"UserPoolId": POOL, "Username": "copycat"}),
    )
    .await;
    assert_eq!(g["UserStatus"], "UNCONFIRMED");
    // UpdateUserAttributes to demo's email, then VerifyUserAttribute: AliasExistsException.
    sign_up_confirmed(app, "eve", PW, "eve@example.com").await;
    let t = srp_sign_in(&s, "eve", PW).await.unwrap();
    let at = t["AuthenticationResult"]["AccessToken"].clone();
    ok(app, "UpdateUserAttributes", json!({"AccessToken": at, "UserAttributes": [{"Name": "email", "Value": "demo@example.com"}]})).await;
    let code = last_code(app, "eve").await;
    assert_eq!(
        err(
            app,
            "VerifyUserAttribute",
            json!({"AccessToken": at, "AttributeName": "email", "Code": code})
        )
        .await,
        ("AliasExistsException".into(), ALIAS_EXISTS.into())
    );
    let signed_in_as = |t: &serde_json::Value| {
        claims(t["AuthenticationResult"]["AccessToken"].as_str().unwrap())["username"].clone()
    };
    let by_email = |pw: &str| {
        json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "demo@example.com", "PASSWORD": pw}})
    };
    assert_eq!(
        signed_in_as(&ok(app, "InitiateAuth", by_email("DemoPassw0rd!")).await),
        "demo"
    );
    // AdminCreateUser with demo's email marked verified: refused as well.
    assert_eq!(
        err(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "twin", "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": "demo@example.com"}, {"Name": "email_verified", "Value": "true"}]})).await,
        ("AliasExistsException".into(), ALIAS_EXISTS.into())
    );
    // ForceAliasCreation moves the alias, as AWS: demo's email is then unverified.
    ok(app, "ConfirmSignUp", json!({"ClientId": SPA, "Username": "copycat", "ConfirmationCode": last_code(app, "copycat").await, "ForceAliasCreation": true})).await;
    assert_eq!(
        signed_in_as(&ok(app, "InitiateAuth", by_email(PW)).await),
        "copycat"
    );
    let g = ok(
        app,
        "AdminGetUser",
        json!({"UserPoolId": POOL, "Username": "demo"}),
    )
    .await;
    assert!(g["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Name"] == "email_verified" && a["Value"] == "false"));
}

// ---------------------------------------------------------------------------------------------
// Refresh-token rotation (issue 7, item 4)

#[tokio::test]
async fn rotating_clients_refuse_refresh_token_auth() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].clients[0].refresh_token_rotation = true;
    let s = server_with(cfg, None);
    let app = &s.app;
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    let first = r["AuthenticationResult"]["RefreshToken"].clone();
    // REFRESH_TOKEN_AUTH would keep the old token alive: refused for a rotating client.
    for flow in ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"] {
        let e = err(
            app,
            "InitiateAuth",
            json!({"ClientId": SPA, "AuthFlow": flow, "AuthParameters": {"REFRESH_TOKEN": first}}),
        )
        .await;
        assert_eq!(e.0, "InvalidParameterException", "{flow}: {e:?}");
        // What AWS answers for a flow the client does not allow (a rotating client cannot
        // allow it).
        assert_eq!(
            e.1,
            format!("{flow} flow not enabled for this client"),
            "{e:?}"
        );
    }
    // Non-rotating clients keep REFRESH_TOKEN_AUTH.
    let c = srp_sign_in_with(&s, CONF, Some(CONF_SECRET), "demo", "DemoPassw0rd!")
        .await
        .unwrap();
    ok(
        app,
        "InitiateAuth",
        json!({"ClientId": CONF, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {
        "REFRESH_TOKEN": c["AuthenticationResult"]["RefreshToken"],
        "SECRET_HASH": secret_hash(CONF_SECRET, "demo", CONF)}}),
    )
    .await;
}

#[tokio::test]
async fn rotating_clients_honour_the_grace_period() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].clients[0].refresh_token_rotation = true;
    cfg.pools[0].clients[0].refresh_token_grace_seconds = 30;
    let s = server_with(cfg, None);
    let app = &s.app;
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    let first = r["AuthenticationResult"]["RefreshToken"].clone();
    let rotate = |t: serde_json::Value| json!({"ClientId": SPA, "RefreshToken": t});
    let second = ok(app, "GetTokensFromRefreshToken", rotate(first.clone())).await
        ["AuthenticationResult"]["RefreshToken"]
        .clone();
    assert_ne!(second, first);
    // Within the grace period a retry with the rotated-out token works (and rotates again)...
    s.clock.advance(30);
    let retry = ok(app, "GetTokensFromRefreshToken", rotate(first.clone())).await
        ["AuthenticationResult"]["RefreshToken"]
        .clone();
    assert!(retry.is_string() && retry != first && retry != second);
    // ...after it, the token is spent.
    s.clock.advance(1);
    assert_eq!(
        err(app, "GetTokensFromRefreshToken", rotate(first.clone())).await,
        (
            "NotAuthorizedException".into(),
            "Invalid Refresh Token".into()
        )
    );
    ok(app, "GetTokensFromRefreshToken", rotate(second.clone())).await;
    // Purging expired records does not revive a spent token.
    s.clock.advance(31);
    s.state.purge_expired().unwrap();
    assert_eq!(
        err(app, "GetTokensFromRefreshToken", rotate(second))
            .await
            .1,
        "Invalid Refresh Token"
    );
    // The grace period is AWS's 0..=60 seconds.
    let bad = cognito_local::config::DEFAULT_CONFIG.replace(
        "refresh_token_rotation = false",
        "refresh_token_rotation = true\nrefresh_token_grace_seconds = 61",
    );
    assert!(cognito_local::config::Config::parse(&bad).is_err());
}

// ---------------------------------------------------------------------------------------------
// Password shape (issue 7, item 9)

#[tokio::test]
async fn passwords_are_at_most_256_characters_without_outer_spaces_everywhere() {
    let s = server();
    let app = &s.app;
    let long = format!("Aa1!{}", "x".repeat(253)); // 257 characters
    assert_eq!(long.chars().count(), 257);
    let pattern = r"^[\S]+.*[\S]+$";
    // SignUp: member-level validation errors, as AWS.
    for (pw, what) in [
        (" Passw0rd!one", "leading space"),
        ("Passw0rd!one ", "trailing space"),
        ("Passw0rd!one\t", "trailing tab"),
    ] {
        let e = err(
            app,
            "SignUp",
            json!({"ClientId": SPA, "Username": "pat", "Password": pw}),
        )
        .await;
        assert_eq!(e.0, "InvalidParameterException", "{what}");
        assert_eq!(e.1, format!("1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"), "{what}");
    }
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": SPA, "Username": "pat", "Password": long})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    // An inner space is fine.
    ok(
        app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "pat", "Password": "Passw0rd! one"}),
    )
    .await;
    assert_eq!(err(app, "AdminSetUserPassword", json!({"UserPoolId": POOL, "Username": "demo", "Password": " Passw0rd!one", "Permanent": true})).await.0, "InvalidParameterException");
    assert_eq!(err(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "tess", "TemporaryPassword": "TempPassw0rd! ", "MessageAction": "SUPPRESS"})).await.0, "InvalidParameterException");
    assert_eq!(err(app, "ConfirmForgotPassword", json!({"ClientId": SPA, "Username": "demo", "ConfirmationCode": "123456", "Password": "Passw0rd!one "})).await.0, "InvalidParameterException");
    let t = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    assert_eq!(err(app, "ChangePassword", json!({"AccessToken": t["AuthenticationResult"]["AccessToken"], "PreviousPassword": "DemoPassw0rd!", "ProposedPassword": " Passw0rd!one"})).await.0, "InvalidParameterException");
    // NEW_PASSWORD_REQUIRED: 257 characters and outer spaces are refused too (it took 257).
    ok(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "nina", "TemporaryPassword": "TempPassw0rd!", "MessageAction": "SUPPRESS"})).await;
    let ch = srp_sign_in(&s, "nina", "TempPassw0rd!").await.unwrap();
    let answer = |pw: &str| {
        json!({"ClientId": SPA, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": ch["Session"],
        "ChallengeResponses": {"USERNAME": "nina", "NEW_PASSWORD": pw}})
    };
    for pw in [long.as_str(), " Passw0rd!one", "Passw0rd!one "] {
        let e = err(app, "RespondToAuthChallenge", answer(pw)).await;
        assert_eq!(e.0, "InvalidPasswordException", "{pw:?}: {e:?}");
    }
    let max = format!("Aa1!{}", "x".repeat(252));
    assert_eq!(max.chars().count(), 256);
    ok(app, "RespondToAuthChallenge", answer(&max)).await;
    srp_sign_in(&s, "nina", &max).await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// PreventUserExistenceErrors: masking and equal work (issue 7, item 8)

fn hiding_server() -> Server {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].prevent_user_existence_errors = true;
    server_with(cfg, None)
}

#[tokio::test]
async fn hidden_users_are_masked_like_real_ones() {
    let s = hiding_server();
    let app = &s.app;
    let dest = |v: serde_json::Value| {
        v["CodeDeliveryDetails"]["Destination"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let forgot = |name: &str| json!({"ClientId": SPA, "Username": name});
    // A real user reached by email shows the mask of that email; an unknown email shows the
    // mask of the probe, exactly as it would if it were someone's.
    assert_eq!(
        dest(ok(app, "ForgotPassword", forgot("demo@example.com")).await),
        "d***@e***"
    );
    assert_eq!(
        dest(ok(app, "ForgotPassword", forgot("nobody@corp.example")).await),
        "n***@c***"
    );
    // An unknown username: the name's first letter and a stable domain letter, not one
    // constant for every unknown name.
    let g1 = dest(ok(app, "ForgotPassword", forgot("ghost")).await);
    assert_eq!(g1, dest(ok(app, "ForgotPassword", forgot("ghost")).await));
    assert_eq!(
        g1,
        dest(ok(app, "ResendConfirmationCode", forgot("ghost")).await)
    );
    assert!(g1.starts_with("g***@"), "{g1}");
    let others: std::collections::HashSet<String> =
        ["wraith", "spectre", "phantom", "shade", "spirit", "banshee"]
            .iter()
            .map(|n| n.to_string())
            .collect();
    let mut domains = std::collections::HashSet::new();
    for n in &others {
        domains.insert(
            dest(ok(app, "ForgotPassword", forgot(n)).await)
                .split('@')
                .nth(1)
                .unwrap()
                .to_string(),
        );
    }
    assert!(domains.len() > 1, "{domains:?}");
    // `User is disabled.` only after a correct password.
    ok(
        app,
        "AdminDisableUser",
        json!({"UserPoolId": POOL, "Username": "demo"}),
    )
    .await;
    let bad = (
        "NotAuthorizedException".to_string(),
        "Incorrect username or password.".to_string(),
    );
    let disabled = (
        "NotAuthorizedException".to_string(),
        "User is disabled.".to_string(),
    );
    let upa = |pw: &str| json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "demo", "PASSWORD": pw}});
    assert_eq!(err(app, "InitiateAuth", upa("Wrong-passw0rd!")).await, bad);
    assert_eq!(
        err(app, "InitiateAuth", upa("DemoPassw0rd!")).await,
        disabled
    );
    assert_eq!(
        srp_sign_in(&s, "demo", "Wrong-passw0rd!")
            .await
            .unwrap_err(),
        bad
    );
    assert_eq!(
        srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap_err(),
        disabled
    );
    // Without the setting a developer still hears it at once.
    let plain = server();
    ok(
        &plain.app,
        "AdminDisableUser",
        json!({"UserPoolId": POOL, "Username": "demo"}),
    )
    .await;
    assert_eq!(
        err(&plain.app, "InitiateAuth", upa("Wrong-passw0rd!")).await,
        disabled
    );
}

/// The fastest of the samples: load on the machine only ever adds time, so the minimum is the
/// steadiest measure of the work a request does.
fn fastest(v: Vec<std::time::Duration>) -> std::time::Duration {
    v.into_iter().min().unwrap()
}

/// An unknown user's USER_PASSWORD_AUTH does the password work of a real one (it skipped the
/// verifier computation, so it answered several times faster). Compares the fastest of 15
/// interleaved attempts each.
#[tokio::test]
async fn unknown_users_take_as_long_as_real_ones() {
    let s = hiding_server();
    let app = &s.app;
    let attempt = |name: String| json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": name, "PASSWORD": "Wrong-passw0rd!"}});
    // Warm up (the dummy user is made on first use).
    let _ = call(app, "InitiateAuth", attempt("ghost".into())).await;
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..15 {
        s.clock.advance(1000); // past any lockout
        let t = std::time::Instant::now();
        let _ = call(app, "InitiateAuth", attempt("demo".into())).await;
        known.push(t.elapsed());
        let t = std::time::Instant::now();
        let _ = call(app, "InitiateAuth", attempt(format!("ghost{i}"))).await;
        unknown.push(t.elapsed());
    }
    let (k, u) = (fastest(known), fastest(unknown));
    assert!(u * 3 >= k, "unknown {u:?} vs known {k:?}");
    assert!(k * 3 >= u, "unknown {u:?} vs known {k:?}");
}

// ---------------------------------------------------------------------------------------------
// Per-user throttles (issue 7, item 5)

const ATTEMPT_LIMIT: &str = "Attempt limit exceeded, please try after some time.";

#[tokio::test]
async fn code_deliveries_are_throttled_per_user() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].limits.code_deliveries = 3;
    cfg.pools[0].limits.code_delivery_window_seconds = 600;
    let s = server_with(cfg, None);
    let app = &s.app;
    ok(
        app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "rex", "Password": PW,
        "UserAttributes": [{"Name": "email", "Value": "rex@example.com"}]}),
    )
    .await; // 1st code
    let resend = json!({"ClientId": SPA, "Username": "rex"});
    ok(app, "ResendConfirmationCode", resend.clone()).await;
    ok(app, "ResendConfirmationCode", resend.clone()).await;
    assert_eq!(
        err(app, "ResendConfirmationCode", resend.clone()).await,
        ("LimitExceededException".into(), ATTEMPT_LIMIT.into())
    );
    // Per user: demo can still ask for a reset; and the same limit covers ForgotPassword.
    let forgot = json!({"ClientId": SPA, "Username": "demo"});
    for _ in 0..3 {
        ok(app, "ForgotPassword", forgot.clone()).await;
    }
    assert_eq!(
        err(app, "ForgotPassword", forgot.clone()).await.0,
        "LimitExceededException"
    );
    // The window slides.
    s.clock.advance(601);
    ok(app, "ResendConfirmationCode", resend).await;
    ok(app, "ForgotPassword", forgot).await;
}

#[tokio::test]
async fn mfa_failures_are_throttled_per_user_across_sessions() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].limits.mfa_failures = 4;
    cfg.pools[0].limits.mfa_failure_window_seconds = 300;
    let s = server_with(cfg, None);
    let app = &s.app;
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    let at = r["AuthenticationResult"]["AccessToken"].clone();
    let key = set_up_totp(&s, &at).await;
    ok(app, "SetUserMFAPreference", json!({"AccessToken": at, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}})).await;
    s.clock.advance(60);
    let right = || cognito_local::util::totp(&key, s.clock_now());
    let wrong = || format!("{:06}", (right().parse::<u32>().unwrap() + 1) % 1_000_000);
    let answer = |session: &serde_json::Value, code: String| {
        json!({"ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA",
        "Session": session, "ChallengeResponses": {"USERNAME": "demo", "SOFTWARE_TOKEN_MFA_CODE": code}})
    };
    // Two wrong codes in each of two fresh sessions (each session alone allows five).
    for _ in 0..2 {
        let ch = ok(
            app,
            "InitiateAuth",
            json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "demo", "PASSWORD": "DemoPassw0rd!"}}),
        )
        .await;
        for _ in 0..2 {
            assert_eq!(
                err(
                    app,
                    "RespondToAuthChallenge",
                    answer(&ch["Session"], wrong())
                )
                .await
                .0,
                "CodeMismatchException"
            );
        }
    }
    // The user's limit is reached: a new session is refused, even with the right code.
    let ch = ok(
        app,
        "InitiateAuth",
        json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "demo", "PASSWORD": "DemoPassw0rd!"}}),
    )
    .await;
    let e = err(
        app,
        "RespondToAuthChallenge",
        answer(&ch["Session"], right()),
    )
    .await;
    assert_eq!(e.0, "TooManyRequestsException", "{e:?}");
    // After the window the right code works (the refusal did not spend the session).
    s.clock.advance(301);
    let ch = ok(
        app,
        "InitiateAuth",
        json!({"ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "demo", "PASSWORD": "DemoPassw0rd!"}}),
    )
    .await;
    let r = ok(
        app,
        "RespondToAuthChallenge",
        answer(&ch["Session"], right()),
    )
    .await;
    assert!(r["AuthenticationResult"]["AccessToken"].is_string());
}

/// With the default limits a flood of resends is cut off (it used to accept hundreds).
#[tokio::test]
async fn default_limits_cut_off_a_flood_of_resends() {
    let s = server();
    let app = &s.app;
    ok(
        app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "flood", "Password": PW,
        "UserAttributes": [{"Name": "email", "Value": "flood@example.com"}]}),
    )
    .await;
    let mut refused = None;
    for i in 0..50 {
        if let Err(e) = call(
            app,
            "ResendConfirmationCode",
            json!({"ClientId": SPA, "Username": "flood"}),
        )
        .await
        {
            refused = Some((i, e));
            break;
        }
    }
    let (i, e) = refused.expect("a flood of 50 resends is throttled");
    assert_eq!(e, ("LimitExceededException".into(), ATTEMPT_LIMIT.into()));
    assert!(i < 20, "{i}");
}

// ---------------------------------------------------------------------------------------------
// Attribute limits (issue 7, item 6)

/// SignUp took any number of `custom:*` attributes (80 sign-ups grew the server to ~790 MB):
/// only the pool schema's custom attributes are accepted now.
#[tokio::test]
async fn custom_attributes_must_be_declared_in_the_schema() {
    let s = server();
    let app = &s.app;
    let many: Vec<serde_json::Value> = (0..60)
        .map(|i| json!({"Name": format!("custom:a{i}"), "Value": "x".repeat(2048)}))
        .collect();
    let e = err(
        app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "bulk", "Password": PW, "UserAttributes": many}),
    )
    .await;
    assert_eq!(e.0, "InvalidParameterException");
    assert_eq!(e.1, "Attributes did not conform to the schema: custom:a0: Attribute does not exist in the schema.");
    let t = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    let at = t["AuthenticationResult"]["AccessToken"].clone();
    assert_eq!(
        err(
            app,
            "UpdateUserAttributes",
            json!({"AccessToken": at, "UserAttributes": [{"Name": "custom:x", "Value": "1"}]})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    assert_eq!(
        err(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "bulk", "MessageAction": "SUPPRESS", "UserAttributes": [{"Name": "custom:x", "Value": "1"}]})).await.0,
        "InvalidParameterException"
    );
}

#[tokio::test]
async fn declared_custom_attributes_have_a_length_limit_and_at_most_fifty_exist() {
    use cognito_local::config::{Config, CustomAttribute};
    let mut cfg = Config::default_config().unwrap();
    cfg.pools[0].custom_attributes = vec![
        CustomAttribute {
            name: "team".into(),
            max_length: 2048,
        },
        CustomAttribute {
            name: "code".into(),
            max_length: 4,
        },
    ];
    let s = server_with(cfg, None);
    let app = &s.app;
    let v = ok(app, "SignUp", json!({"ClientId": SPA, "Username": "cara", "Password": PW,
        "UserAttributes": [{"Name": "custom:team", "Value": "t".repeat(2048)}, {"Name": "custom:code", "Value": "abcd"}]})).await;
    assert!(v["UserSub"].is_string());
    let e = err(
        app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "cara2", "Password": PW,
        "UserAttributes": [{"Name": "custom:code", "Value": "abcde"}]}),
    )
    .await;
    assert_eq!(e, ("InvalidParameterException".into(), "Attributes did not conform to the schema: custom:code: String must be no longer than 4 characters".into()));
    assert_eq!(
        err(
            app,
            "SignUp",
            json!({"ClientId": SPA, "Username": "cara3", "Password": PW,
            "UserAttributes": [{"Name": "custom:team", "Value": "t".repeat(2049)}]})
        )
        .await
        .0,
        "InvalidParameterException"
    );
    // The schema itself: at most 50, each value at most 2048 characters, names AWS-shaped.
    let schema = |n: usize, max: usize| {
        let mut text = cognito_local::config::DEFAULT_CONFIG.to_string();
        text = text.replacen(
            "[pools.limits]",
            &format!(
                "{}\n[pools.limits]",
                (0..n)
                    .map(|i| format!(
                        "[[pools.custom_attributes]]\nname = \"a{i}\"\nmax_length = {max}\n"
                    ))
                    .collect::<String>()
            ),
            1,
        );
        Config::parse(&text)
    };
    assert!(schema(50, 2048).is_ok());
    assert!(schema(51, 2048).is_err());
    assert!(schema(1, 2049).is_err());
    assert!(schema(1, 0).is_err());
    let bad_seed = cognito_local::config::DEFAULT_CONFIG.replace(
        "email_verified = \"true\" }",
        "email_verified = \"true\", \"custom:undeclared\" = \"1\" }",
    );
    assert!(Config::parse(&bad_seed).is_err());
}
