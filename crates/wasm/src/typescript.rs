//! The public TypeScript types, written by hand: wasm-bindgen would type every `JsValue` as
//! `any`, so the class and its inputs and results are declared here and the generated
//! declarations of `Auth` are skipped (`skip_typescript`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Where tokens are kept: a Web Storage area, memory, or an object of your own
 *  (Amplify v6's `KeyValueStorageInterface`; methods may return Promises). */
export type StorageOption =
  | 'localStorage'
  | 'sessionStorage'
  | 'memory'
  | KeyValueStorage;

export interface KeyValueStorage {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** The hosted UI (authorization code with PKCE). */
export interface OAuthConfig {
  /** The user pool domain: `auth.example.com` or a full `https://` / `http://` base URL. */
  domain: string;
  /** The callback URL; with a list, the one on the page's origin is used (else the first). */
  redirectSignIn: string | string[];
  /** The sign-out URL registered on the app client. */
  redirectSignOut?: string | string[];
  /** Default `['openid']`. */
  scopes?: string[];
  /** Only `'code'` is supported. */
  responseType?: 'code';
  /** Go straight to this identity provider (`Google`, `COGNITO`, a SAML provider name). */
  identityProvider?: string;
}

export interface AuthConfig {
  /** `<region>_<id>`, e.g. `eu-west-1_Abc123`. */
  userPoolId: string;
  /** The app client id. */
  userPoolClientId: string;
  /** Replaces `https://cognito-idp.<region>.amazonaws.com/` (cognito-local, a proxy). */
  endpoint?: string;
  /** Only for confidential clients in tests or on a server: anything shipped to a browser is public. */
  clientSecret?: string;
  /** Default `'localStorage'` (falls back to memory, with a warning, when it is unusable). */
  storage?: StorageOption;
  oauth?: OAuthConfig;
  /** How long one request to Cognito may take, in milliseconds, before it is aborted and the
   *  call rejects with a `NetworkError` (whose `cause` is a `TimeoutError`); the session is
   *  kept. A whole number from 1 to 2147483647 (`setTimeout`'s limit); default 30000. */
  timeout?: number;
  /** Default `true`: compute the next sign-in's SRP `A = g^a` when the page is idle (after construction and after each sign-in), so the sign-in does only the claim. Each value is used once and never stored. */
  srpPrecompute?: boolean;
}

export type AuthFlowType = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';
export type MFAType = 'SMS' | 'TOTP' | 'EMAIL';
export type DeliveryMedium = 'SMS' | 'EMAIL';

export interface CodeDeliveryDetails {
  destination?: string;
  deliveryMedium?: DeliveryMedium;
  attributeName?: string;
}

export interface TotpSetupDetails {
  /** The base32 secret for the authenticator app. */
  readonly sharedSecret: string;
  /** The `otpauth://` URI for a QR code; `accountName` defaults to the username. */
  getSetupUri(appName: string, accountName?: string): URL;
}

export interface SignUpInput {
  username: string;
  password: string;
  options?: {
    userAttributes?: Record<string, string>;
    clientMetadata?: Record<string, string>;
    validationData?: Record<string, string>;
  };
}

export type SignUpNextStep =
  | { signUpStep: 'CONFIRM_SIGN_UP'; codeDeliveryDetails?: CodeDeliveryDetails }
  | { signUpStep: 'DONE' };

export interface SignUpOutput {
  isSignUpComplete: boolean;
  /** The new user's `sub` (from `signUp` only). */
  userId?: string;
  nextStep: SignUpNextStep;
}

export interface ConfirmSignUpInput {
  username: string;
  confirmationCode: string;
}

export interface SignInInput {
  username: string;
  password?: string;
  options?: {
    /** Default `'USER_SRP_AUTH'`: the password never leaves the browser. */
    authFlowType?: AuthFlowType;
    clientMetadata?: Record<string, string>;
  };
}

export type SignInStep = SignInNextStep['signInStep'];

export type SignInNextStep =
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED'; missingAttributes: string[] }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_SMS_CODE'; codeDeliveryDetails: CodeDeliveryDetails }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE'; codeDeliveryDetails: CodeDeliveryDetails }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE'; additionalInfo: Record<string, string> }
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION'; allowedMFATypes: MFAType[] }
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION'; allowedMFATypes: MFAType[] }
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP'; totpSetupDetails: TotpSetupDetails }
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP' }
  | { signInStep: 'CONFIRM_SIGN_UP' }
  | { signInStep: 'RESET_PASSWORD' }
  | { signInStep: 'DONE' };

export interface SignInOutput {
  isSignedIn: boolean;
  nextStep: SignInNextStep;
}

export interface ConfirmSignInInput {
  /** A code, a new password, an MFA type (`'TOTP'`, `'SMS'`, `'EMAIL'`) or an email address,
   *  as `nextStep.signInStep` asks. */
  challengeResponse: string;
  options?: { userAttributes?: Record<string, string> };
}

export interface SignInWithRedirectInput {
  provider?: 'COGNITO' | 'Google' | 'Facebook' | 'Amazon' | 'Apple' | { custom: string };
  customState?: string;
  options?: { lang?: string; loginHint?: string; prompt?: string };
  /** Default `true`: go to the hosted UI. With `false`, only resolve with its URL. */
  navigate?: boolean;
}

export interface HandleRedirectOutput {
  username: string;
  customState?: string;
}

/** A JWT: `String(token)` / `` `${token}` `` is the compact form for `Authorization` headers. */
export interface JWT {
  /** The claims, decoded but not verified: drive the UI with them, never authorization. */
  payload: JwtPayload;
  toString(): string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface JwtPayload {
  sub?: string;
  iss?: string;
  exp?: number;
  iat?: number;
  token_use?: 'id' | 'access';
  username?: string;
  'cognito:username'?: string;
  'cognito:groups'?: string[];
  email?: string;
  client_id?: string;
  aud?: string | string[];
  scope?: string;
  [claim: string]: JsonValue | undefined;
}

export interface AuthTokens {
  accessToken: JWT;
  idToken?: JWT;
}

export interface FetchAuthSessionOptions {
  /** Refresh even when the tokens are still valid. */
  forceRefresh?: boolean;
}

export interface AuthSession {
  /** Absent when nobody is signed in. */
  tokens?: AuthTokens;
  userSub?: string;
}

export interface AuthUser {
  username: string;
  userId: string;
}

export interface SignOutInput {
  /** Revoke every token of the user (`GlobalSignOut`), not only this browser's. */
  global?: boolean;
  /** Default `true`: for a hosted-UI session, go to its `/logout`. */
  navigate?: boolean;
}

export interface ResetPasswordOutput {
  isPasswordReset: boolean;
  nextStep:
    | { resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE'; codeDeliveryDetails?: CodeDeliveryDetails }
    | { resetPasswordStep: 'DONE' };
}

export interface ConfirmResetPasswordInput {
  username: string;
  confirmationCode: string;
  newPassword: string;
}

export interface UpdatePasswordInput {
  oldPassword: string;
  newPassword: string;
}

export type UserAttributes = Record<string, string>;

export interface UpdateUserAttributeOutput {
  isUpdated: boolean;
  nextStep:
    | { updateAttributeStep: 'CONFIRM_ATTRIBUTE_WITH_CODE'; codeDeliveryDetails: CodeDeliveryDetails }
    | { updateAttributeStep: 'DONE' };
}

export type MFAPreference = 'ENABLED' | 'DISABLED' | 'PREFERRED' | 'NOT_PREFERRED';

export interface UpdateMFAPreferenceInput {
  sms?: MFAPreference;
  totp?: MFAPreference;
  email?: MFAPreference;
}

export interface FetchMFAPreferenceOutput {
  enabled?: MFAType[];
  preferred?: MFAType;
}

export type AuthEventName =
  | 'signedIn'
  | 'signedOut'
  | 'tokenRefresh'
  | 'tokenRefresh_failure'
  | 'customOAuthState'
  | 'signInWithRedirect'
  | 'signInWithRedirect_failure';

export type AuthEventPayload<E extends AuthEventName = AuthEventName> = E extends 'signedIn'
  ? { event: E; data: { username: string } }
  : E extends 'customOAuthState'
    ? { event: E; data: string }
    : E extends 'tokenRefresh_failure' | 'signInWithRedirect_failure'
      ? { event: E; data: { error: AuthError } }
      : { event: E };

/** Names our own errors carry (Cognito's exception names are passed through as sent). */
export type ClientErrorName =
  | 'NetworkError'
  | 'ParseError'
  | 'SrpError'
  | 'ConfigError'
  | 'InvalidStateError'
  | 'InvalidArgumentError'
  | 'StorageError'
  | 'NoSessionError'
  | 'UserAlreadyAuthenticatedException';

export type CognitoErrorName =
  | 'AliasExistsException'
  | 'CodeDeliveryFailureException'
  | 'CodeMismatchException'
  | 'ExpiredCodeException'
  | 'InternalErrorException'
  | 'InvalidParameterException'
  | 'InvalidPasswordException'
  | 'LimitExceededException'
  | 'NotAuthorizedException'
  | 'PasswordResetRequiredException'
  | 'ResourceNotFoundException'
  | 'TooManyFailedAttemptsException'
  | 'TooManyRequestsException'
  | 'UserNotConfirmedException'
  | 'UserNotFoundException'
  | 'UsernameExistsException';

/** The HTTP answer behind a Cognito service error (or a 5xx no Cognito wrote). */
export interface HttpError extends Error {
  name: 'HttpError';
  httpStatusCode: number;
}

/** The OAuth 2.0 error behind a hosted-UI failure (`error` is e.g. `invalid_grant`). */
export interface OAuthError extends Error {
  name: 'OAuthError';
  error: string;
}

/** What lies under an `AuthError`: for `NetworkError` the value `fetch` rejected with (a
 *  `TypeError`, or a `TimeoutError` after the `timeout`) or an `HttpError` for a proxy's 5xx;
 *  for `StorageError` what the storage object or `navigator.locks` threw; for Cognito's
 *  exceptions an `HttpError`; for hosted-UI errors an `OAuthError`; for `ParseError` a
 *  `SyntaxError`; for `SrpError` the SRP check that failed. Never carries a secret. */
export type AuthErrorCause = HttpError | OAuthError | Error;

/** Every rejection is an `Error` with one of these names (an unknown Cognito code or an
 *  OAuth `error` such as `invalid_grant` keeps its own name: `string & {}` below). */
export interface AuthError extends Error {
  name: ClientErrorName | CognitoErrorName | (string & {});
  /** What the app or its user can do about it, where that is known (as Amplify v6). */
  recoverySuggestion?: string;
  /** The failure underneath, when there is one (argument and state errors have none). */
  cause?: AuthErrorCause;
}

/** An Amazon Cognito user-pool client; method names and shapes follow Amplify v6. */
export class Auth {
  /** Throws an `AuthError` named `ConfigError` for a bad config. */
  constructor(config: AuthConfig);
  free(): void;
  signUp(input: SignUpInput): Promise<SignUpOutput>;
  confirmSignUp(input: ConfirmSignUpInput): Promise<SignUpOutput>;
  resendSignUpCode(input: { username: string }): Promise<CodeDeliveryDetails>;
  signIn(input: SignInInput): Promise<SignInOutput>;
  confirmSignIn(input: ConfirmSignInInput): Promise<SignInOutput>;
  signInWithRedirect(input?: SignInWithRedirectInput): Promise<string>;
  /** Completes a hosted-UI sign-in from `url` (default: the page's). When the page was loaded on
   *  the redirect back, the constructor has already started this; the call returns its result. */
  handleRedirect(url?: string): Promise<HandleRedirectOutput>;
  fetchAuthSession(options?: FetchAuthSessionOptions): Promise<AuthSession>;
  getCurrentUser(): Promise<AuthUser>;
  signOut(input?: SignOutInput): Promise<void>;
  resetPassword(input: { username: string }): Promise<ResetPasswordOutput>;
  confirmResetPassword(input: ConfirmResetPasswordInput): Promise<void>;
  updatePassword(input: UpdatePasswordInput): Promise<void>;
  fetchUserAttributes(): Promise<UserAttributes>;
  updateUserAttributes(input: { userAttributes: UserAttributes }): Promise<Record<string, UpdateUserAttributeOutput>>;
  sendUserAttributeVerificationCode(input: { userAttributeKey: string }): Promise<CodeDeliveryDetails>;
  confirmUserAttribute(input: { userAttributeKey: string; confirmationCode: string }): Promise<void>;
  deleteUserAttributes(input: { userAttributeKeys: string[] }): Promise<void>;
  setUpTOTP(): Promise<TotpSetupDetails>;
  verifyTOTPSetup(input: { code: string; options?: { friendlyDeviceName?: string } }): Promise<void>;
  updateMFAPreference(input: UpdateMFAPreferenceInput): Promise<void>;
  fetchMFAPreference(): Promise<FetchMFAPreferenceOutput>;
  deleteUser(): Promise<void>;
  /** Calls `callback` for each `event`, in this tab or another; returns the unsubscribe function.
   *  Throws an `AuthError` named `InvalidArgumentError` for an unknown event name. */
  on<E extends AuthEventName>(event: E, callback: (payload: AuthEventPayload<E>) => void): () => void;
}
"#;
