//! Request parsing: members of the JSON body, with AWS's exception for every missing,
//! oversized or mistyped one.

use super::*;

// ---------------------------------------------------------------------------------------------
// Request parsing

pub(super) struct Req<'a>(pub(super) &'a Map<String, Value>);

pub(super) fn member(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// InvalidParameterException, in AWS's wording, unless `value` is one of the member's `allowed`.
pub(super) fn check_enum(name: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(ApiError::invalid_param(format!(
        "1 validation error detected: Value '{value}' at '{}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
        member(name),
        allowed.join(", ")
    )))
}

/// SerializationException with the Coral phrasing for what was found instead.
pub(super) fn type_error(found: Option<&Value>, expected: &str) -> ApiError {
    let message = match (found, expected) {
        (_, "map") => "Expected map or null",
        (_, "list") => "Expected list or null",
        (Some(Value::Object(_)), _) => "Start of structure or map found where not expected.",
        (Some(Value::Array(_)), _) => "Start of list found where not expected.",
        _ => "Unexpected field type",
    };
    ApiError::new(CognitoErrorCode::SerializationException, message)
}

pub(super) fn too_long(name: &str, max: usize) -> ApiError {
    ApiError::invalid_param(format!(
        "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must have length less than or equal to {max}",
        member(name)
    ))
}

impl Req<'_> {
    /// A password member (AWS's `PasswordType`: at most 256 characters, pattern
    /// `^[\S]+.*[\S]+$`), refused with the validation error AWS sends.
    pub(super) fn password(&self, name: &str) -> Result<&str, ApiError> {
        let pw = self.req_str(name, util::MAX_PASSWORD_CHARS)?;
        check_password_member(name, pw)?;
        Ok(pw)
    }

    pub(super) fn opt_str(&self, name: &str, max: usize) -> Result<Option<&str>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                if s.chars().count() > max {
                    Err(too_long(name, max))
                } else {
                    Ok(Some(s))
                }
            }
            Some(v) => Err(type_error(Some(v), "string")),
        }
    }

    pub(super) fn req_str(&self, name: &str, max: usize) -> Result<&str, ApiError> {
        match self.opt_str(name, max)? {
            None => Err(ApiError::invalid_param(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                member(name)
            ))),
            Some("") => Err(ApiError::invalid_param(format!(
                "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must have length greater than or equal to 1",
                member(name)
            ))),
            Some(s) => Ok(s),
        }
    }

    pub(super) fn opt_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(type_error(Some(v), "boolean")),
        }
    }

    /// A string map (`AuthParameters`, `ChallengeResponses`); `null` values are dropped.
    pub(super) fn map(&self, name: &str) -> Result<BTreeMap<String, String>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(BTreeMap::new()),
            Some(Value::Object(m)) => {
                let mut out = BTreeMap::new();
                for (k, v) in m {
                    match v {
                        Value::Null => {}
                        Value::String(s) => {
                            if s.len() > 131_072 {
                                return Err(too_long(name, 131_072));
                            }
                            out.insert(k.clone(), s.clone());
                        }
                        other => return Err(type_error(Some(other), "string")),
                    }
                }
                Ok(out)
            }
            Some(v) => Err(type_error(Some(v), "map")),
        }
    }

    /// A list of strings, each 1..=`max` characters (`UserAttributeNames`).
    pub(super) fn opt_str_list(
        &self,
        name: &str,
        max: usize,
    ) -> Result<Option<Vec<String>>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .map(|item| match item {
                    Value::String(s) if !s.is_empty() && s.chars().count() <= max => Ok(s.clone()),
                    Value::String(_) => Err(ApiError::invalid_param(format!(
                        "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to {max}, Member must have length greater than or equal to 1]",
                        member(name)
                    ))),
                    other => Err(type_error(Some(other), "string")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(v) => Err(type_error(Some(v), "list")),
        }
    }

    /// `[{Name, Value}]`.
    pub(super) fn attributes(&self, name: &str) -> Result<Option<Vec<(String, String)>>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => {
                let mut out = Vec::new();
                for item in a {
                    let Value::Object(o) = item else {
                        return Err(type_error(Some(item), "structure"));
                    };
                    let n = match o.get("Name") {
                        Some(Value::String(s)) if !s.is_empty() && s.len() <= 32 => s.clone(),
                        Some(Value::String(_)) => {
                            return Err(ApiError::invalid_param(format!(
                                "1 validation error detected: Value at '{}.member.name' failed to satisfy constraint: Member must have length between 1 and 32",
                                member(name)
                            )))
                        }
                        None | Some(Value::Null) => {
                            return Err(ApiError::invalid_param(format!(
                                "1 validation error detected: Value null at '{}.member.name' failed to satisfy constraint: Member must not be null",
                                member(name)
                            )))
                        }
                        Some(v) => return Err(type_error(Some(v), "string")),
                    };
                    let val = match o.get("Value") {
                        Some(Value::String(s)) if s.len() <= 2048 => s.clone(),
                        Some(Value::String(_)) => return Err(too_long("Value", 2048)),
                        None | Some(Value::Null) => String::new(),
                        Some(v) => return Err(type_error(Some(v), "string")),
                    };
                    out.push((n, val));
                }
                Ok(Some(out))
            }
            Some(v) => Err(type_error(Some(v), "list")),
        }
    }
}

pub(super) fn check_password_member(name: &str, pw: &str) -> Result<(), ApiError> {
    if util::password_pattern_ok(pw) {
        return Ok(());
    }
    Err(ApiError::invalid_param(format!(
        "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
        member(name),
        util::PASSWORD_PATTERN
    )))
}

pub(super) fn missing_auth_param(name: &str) -> ApiError {
    ApiError::invalid_param(format!("Missing required parameter {name}"))
}

pub(super) fn need<'m>(m: &'m BTreeMap<String, String>, name: &str) -> Result<&'m str, ApiError> {
    match m.get(name).map(String::as_str) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(missing_auth_param(name)),
    }
}
