//! Errors in plain words, and where on the form they belong.
//!
//! Cognito answers a failed call with one typed error ([`Error::Service`] with a
//! [`CognitoErrorCode`]); what it is about depends on the call: `NotAuthorizedException` is a
//! wrong password when signing in, a wrong *current* password when changing it, and an expired
//! session during an MFA step. [`explain`] turns the call and the error into a message and the
//! [`Concern`] it is about, so the page can show it next to that field (with `aria-invalid`,
//! `aria-describedby` and the keyboard focus there) and keep the rest at the form.
//!
//! Pure functions over `cognito-core`'s error type, so they are unit-tested natively.

use cognito_core::error::CognitoErrorCode;
use cognito_core::Error;

/// What a form asks for. A page maps the concerns it has a field for to that field's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concern {
    /// The username (or the email used as an alias to sign in).
    Username,
    /// The email address of a new account.
    Email,
    /// The password being signed in with, or the one a new account gets.
    Password,
    /// A new password (new-password step, reset, change).
    NewPassword,
    /// The current password, when changing it.
    CurrentPassword,
    /// A confirmation, reset or MFA code.
    Code,
    /// The form as a whole (throttling, the network, the session, anything else).
    Form,
}

/// The call that failed (the same code means different things in different calls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `signIn` with username and password.
    SignIn,
    /// `signUp`.
    SignUp,
    /// `confirmSignUp` with the emailed code.
    ConfirmSignUp,
    /// `resendSignUpCode`.
    ResendCode,
    /// `confirmSignIn` with a new password (`NEW_PASSWORD_REQUIRED`).
    NewPassword,
    /// `confirmSignIn` with an MFA code (TOTP, emailed or texted) or a TOTP set-up code.
    MfaCode,
    /// `resetPassword`: asks for a reset code.
    SendResetCode,
    /// `confirmResetPassword`: the code and a new password.
    ResetPassword,
    /// `updatePassword` (signed in).
    ChangePassword,
    /// `verifyTOTPSetup` on the profile.
    VerifyTotp,
}

/// An error to show: what to say, and next to what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where it belongs.
    pub concern: Concern,
    /// What to say, in plain words.
    pub message: String,
}

/// The message and the concern of `e`, a failure of `action`.
#[must_use]
pub fn explain(action: Action, e: &Error) -> Problem {
    use Action as A;
    use CognitoErrorCode as C;
    use Concern as F;
    let message_of = |e: &Error| friendly(e);
    let Error::Service { code, message, .. } = e else {
        return Problem {
            concern: F::Form,
            message: message_of(e),
        };
    };
    let lower = message.to_lowercase();
    let (concern, message) = match (code, action) {
        (C::InvalidPasswordException | C::PasswordHistoryPolicyViolationException, A::SignUp) => {
            (F::Password, message_of(e))
        }
        (
            C::InvalidPasswordException | C::PasswordHistoryPolicyViolationException,
            A::NewPassword | A::ResetPassword | A::ChangePassword,
        ) => (F::NewPassword, message_of(e)),
        (C::UsernameExistsException | C::AliasExistsException, _) => (
            F::Email,
            "An account with this email already exists. Sign in with it, or reset its password."
                .into(),
        ),
        (
            C::CodeMismatchException | C::ExpiredCodeException | C::EnableSoftwareTokenMFAException,
            A::ConfirmSignUp | A::ResetPassword | A::MfaCode | A::VerifyTotp,
        ) => (F::Code, message_of(e)),
        (C::NotAuthorizedException, A::SignIn) if !lower.contains("disabled") => {
            (F::Password, message_of(e))
        }
        (C::NotAuthorizedException, A::ChangePassword) if lower.contains("password") => (
            F::CurrentPassword,
            "That is not your current password.".into(),
        ),
        (
            C::UserNotFoundException,
            A::SignIn | A::SendResetCode | A::ConfirmSignUp | A::ResendCode,
        ) => (F::Username, message_of(e)),
        (C::InvalidParameterException, A::SignUp) if lower.contains("email") => {
            (F::Email, message_of(e))
        }
        (C::InvalidParameterException, A::SignUp) if lower.contains("password") => {
            (F::Password, message_of(e))
        }
        _ => (F::Form, message_of(e)),
    };
    Problem { concern, message }
}

/// An error in plain words, for the user.
#[must_use]
pub fn friendly(e: &Error) -> String {
    let service_message = match e {
        Error::Service { message, .. } => Some(message.as_str()),
        _ => None,
    };
    match e.name() {
        "NotAuthorizedException" => match service_message {
            Some(m) if m.to_lowercase().contains("incorrect") => {
                "Incorrect username or password.".into()
            }
            Some(m) => m.into(),
            None => "Not allowed.".into(),
        },
        "UserNotFoundException" => "There is no account with that username or email.".into(),
        "UsernameExistsException" | "AliasExistsException" => {
            "An account with this email already exists.".into()
        }
        "UserNotConfirmedException" => {
            "This account is not confirmed yet: enter the code we sent you.".into()
        }
        "CodeMismatchException" => "That code is not right. Check it and try again.".into(),
        "ExpiredCodeException" => "That code has expired. Ask for a new one.".into(),
        "EnableSoftwareTokenMFAException" => {
            "That code does not match the authenticator app. Try the next one.".into()
        }
        "InvalidPasswordException" | "PasswordHistoryPolicyViolationException" => format!(
            "The password does not meet the policy{}",
            service_message
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        ),
        "LimitExceededException"
        | "TooManyRequestsException"
        | "TooManyFailedAttemptsException" => {
            "Too many attempts. Wait a moment and try again.".into()
        }
        "PasswordResetRequiredException" => "You need to reset your password first.".into(),
        "NetworkError" => {
            "The sign-in service cannot be reached. Check your connection and try again.".into()
        }
        "UserAlreadyAuthenticatedException" => "You are already signed in.".into(),
        "NoSessionError" => "You are signed out. Sign in again.".into(),
        _ => service_message.map_or_else(|| e.to_string(), str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: CognitoErrorCode, message: &str) -> Error {
        Error::Service {
            code,
            message: message.into(),
            status: 400,
        }
    }

    fn concern(action: Action, code: CognitoErrorCode, message: &str) -> Concern {
        explain(action, &service(code, message)).concern
    }

    #[test]
    fn passwords_that_break_the_policy_belong_to_the_password_being_set() {
        let c = CognitoErrorCode::InvalidPasswordException;
        let m = "Password did not conform with policy: Password not long enough";
        assert_eq!(concern(Action::SignUp, c.clone(), m), Concern::Password);
        for a in [
            Action::NewPassword,
            Action::ResetPassword,
            Action::ChangePassword,
        ] {
            assert_eq!(concern(a, c.clone(), m), Concern::NewPassword, "{a:?}");
        }
        let p = explain(Action::SignUp, &service(c, m));
        assert!(p.message.contains("not long enough"), "{}", p.message);
    }

    #[test]
    fn a_taken_email_belongs_to_the_email() {
        let m = "An account with the given email already exists.";
        assert_eq!(
            concern(Action::SignUp, CognitoErrorCode::UsernameExistsException, m),
            Concern::Email
        );
        assert_eq!(
            concern(
                Action::ConfirmSignUp,
                CognitoErrorCode::AliasExistsException,
                m
            ),
            Concern::Email
        );
    }

    #[test]
    fn wrong_or_expired_codes_belong_to_the_code() {
        for c in [
            CognitoErrorCode::CodeMismatchException,
            CognitoErrorCode::ExpiredCodeException,
        ] {
            for a in [
                Action::ConfirmSignUp,
                Action::ResetPassword,
                Action::MfaCode,
            ] {
                assert_eq!(
                    concern(a, c.clone(), "Invalid code"),
                    Concern::Code,
                    "{a:?}"
                );
            }
        }
        assert_eq!(
            concern(
                Action::VerifyTotp,
                CognitoErrorCode::EnableSoftwareTokenMFAException,
                "Code mismatch"
            ),
            Concern::Code
        );
    }

    #[test]
    fn not_authorized_depends_on_the_call() {
        let c = CognitoErrorCode::NotAuthorizedException;
        let wrong = "Incorrect username or password.";
        let p = explain(Action::SignIn, &service(c.clone(), wrong));
        assert_eq!(p.concern, Concern::Password);
        assert_eq!(p.message, "Incorrect username or password.");
        let p = explain(Action::ChangePassword, &service(c.clone(), wrong));
        assert_eq!(p.concern, Concern::CurrentPassword);
        assert_eq!(p.message, "That is not your current password.");
        // Not about a field the user can fix.
        assert_eq!(
            concern(Action::SignIn, c.clone(), "User is disabled."),
            Concern::Form
        );
        assert_eq!(
            concern(
                Action::MfaCode,
                c,
                "Invalid session for the user, session is expired."
            ),
            Concern::Form
        );
    }

    #[test]
    fn throttling_and_the_network_stay_at_the_form() {
        for a in [Action::SignIn, Action::ResendCode, Action::ConfirmSignUp] {
            let p = explain(
                a,
                &service(
                    CognitoErrorCode::LimitExceededException,
                    "Attempt limit exceeded, please try after some time.",
                ),
            );
            assert_eq!(p.concern, Concern::Form, "{a:?}");
            assert_eq!(p.message, "Too many attempts. Wait a moment and try again.");
        }
        let p = explain(
            Action::SignIn,
            &Error::Transport("connection refused".into()),
        );
        assert_eq!(p.concern, Concern::Form);
        assert!(p.message.contains("cannot be reached"), "{}", p.message);
    }

    #[test]
    fn an_unknown_user_belongs_to_the_username() {
        assert_eq!(
            concern(
                Action::SendResetCode,
                CognitoErrorCode::UserNotFoundException,
                "Username/client id combination not found."
            ),
            Concern::Username
        );
    }
}
