//! The API Gateway Lambda authorizer shape (`TOKEN` type): a token and a method ARN in, an IAM
//! policy out. The same [`Verifier`] decides; only the envelope differs from the axum
//! extractor.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::verifier::Verifier;

/// The event API Gateway sends a `TOKEN` authorizer.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizerEvent {
    /// `TOKEN`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The `Authorization` header: `Bearer <token>` or the bare token.
    pub authorization_token: String,
    /// `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<method>/<path>`.
    pub method_arn: String,
}

/// One statement of the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// `execute-api:Invoke`.
    #[serde(rename = "Action")]
    pub action: String,
    /// `Allow` or `Deny`.
    #[serde(rename = "Effect")]
    pub effect: String,
    /// The method ARN.
    #[serde(rename = "Resource")]
    pub resource: String,
}

/// The IAM policy document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyDocument {
    /// `2012-10-17`.
    #[serde(rename = "Version")]
    pub version: String,
    /// The statements (one).
    #[serde(rename = "Statement")]
    pub statement: Vec<Statement>,
}

/// What the authorizer returns.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizerResponse {
    /// The user's `sub`, or `unauthorized`.
    pub principal_id: String,
    /// Allow or Deny on the method ARN.
    pub policy_document: PolicyDocument,
    /// Selected claims for the backend (`sub`, `username`, `email`, `groups`); strings only,
    /// as API Gateway requires.
    pub context: Map<String, Value>,
}

fn policy(
    principal: &str,
    effect: &str,
    arn: &str,
    context: Map<String, Value>,
) -> AuthorizerResponse {
    AuthorizerResponse {
        principal_id: principal.to_owned(),
        policy_document: PolicyDocument {
            version: "2012-10-17".to_owned(),
            statement: vec![Statement {
                action: "execute-api:Invoke".to_owned(),
                effect: effect.to_owned(),
                resource: arn.to_owned(),
            }],
        },
        context,
    }
}

/// Allows the method for a valid token, denies it for anything else.
pub async fn authorize(verifier: &Verifier, event: &AuthorizerEvent) -> AuthorizerResponse {
    let raw = event.authorization_token.trim();
    let token = match raw.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
        _ => raw,
    };
    match verifier.verify(token).await {
        Ok(claims) => {
            let sub = claims.sub.clone().unwrap_or_default();
            let mut context = Map::new();
            context.insert("sub".into(), Value::String(sub.clone()));
            if let Some(u) = claims
                .cognito_username
                .as_ref()
                .or(claims.username.as_ref())
            {
                context.insert("username".into(), Value::String(u.clone()));
            }
            if let Some(e) = &claims.email {
                context.insert("email".into(), Value::String(e.clone()));
            }
            context.insert(
                "groups".into(),
                Value::String(claims.cognito_groups.join(",")),
            );
            if sub.is_empty() {
                return policy("unauthorized", "Deny", &event.method_arn, Map::new());
            }
            policy(&sub, "Allow", &event.method_arn, context)
        }
        Err(e) => {
            tracing::info!("authorizer deny: {e}");
            policy("unauthorized", "Deny", &event.method_arn, Map::new())
        }
    }
}
