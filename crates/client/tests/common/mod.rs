//! The real server in-process, a transport over it (plain and fault-injecting), and the
//! helpers the flow tests share.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs
)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use cognito_client::{
    AsyncStorage, Client, Clock, Config, Coordinator, MemoryCoordinator, Platform, Random,
    Transport,
};
use cognito_core::oauth::OAuthConfig;
use cognito_core::storage::MemoryStorage;
use cognito_core::types::{ClientId, ClientSecret, UserPoolId};
use cognito_core::wire::{ClientConfig, HttpRequest, HttpResponse, Method};
use cognito_core::Error;
use cognito_local::config::Config as ServerConfig;
use cognito_local::state::{AppState, Clock as _, ManualClock, Options};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const POOL: &str = "us-east-1_LocalPool1";
pub const SPA: &str = "localspaclient000000000001";
pub const CONF: &str = "localconfclient00000000001";
pub const CONF_SECRET: &str = "local-dev-secret-change-me";
pub const BASE: &str = "http://localhost:9229";
pub const REDIRECT: &str = "http://localhost:8080/";
pub const PASSWORD: &str = "Passw0rd!x";

/// `cognito_local::app` with a manual clock, and a log of what reached it.
pub struct Local {
    pub app: Router,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    /// `X-Amz-Target` operation or request path of every request that reached the server.
    pub log: RefCell<Vec<String>>,
}

impl Local {
    pub fn new() -> Rc<Self> {
        Self::with_config(ServerConfig::default_config().unwrap())
    }

    pub fn with_config(config: ServerConfig) -> Rc<Self> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let clock = Arc::new(ManualClock::new(now));
        let state = AppState::new(
            config,
            Options {
                data_dir: None,
                issuer_base: BASE.into(),
                clock: clock.clone(),
            },
        )
        .unwrap();
        Rc::new(Self {
            app: cognito_local::app(state.clone()),
            state,
            clock,
            log: RefCell::default(),
        })
    }

    /// A server whose SPA client rotates refresh tokens and whose tokens live `ttl` seconds.
    pub fn with_client_settings(rotation: bool, ttl: i64) -> Rc<Self> {
        let mut config = ServerConfig::default_config().unwrap();
        for c in &mut config.pools[0].clients {
            c.refresh_token_rotation = rotation;
            c.id_token_validity_seconds = ttl;
            c.access_token_validity_seconds = ttl;
        }
        Self::with_config(config)
    }

    /// How many logged requests are `name` (an operation or a path).
    pub fn count(&self, name: &str) -> usize {
        self.log.borrow().iter().filter(|n| *n == name).count()
    }

    /// Requests that refresh tokens, by any of the three methods.
    pub fn refreshes(&self) -> usize {
        self.log
            .borrow()
            .iter()
            .filter(|n| {
                matches!(
                    n.as_str(),
                    "GetTokensFromRefreshToken"
                        | "InitiateAuth:REFRESH_TOKEN_AUTH"
                        | "/oauth2/token:refresh_token"
                )
            })
            .count()
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Moves the server's clock, and so the clients' (they read the same one).
    pub fn advance(&self, secs: i64) {
        self.clock.advance(secs);
    }

    pub async fn raw(&self, req: Request<Body>) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, headers, body)
    }

    /// The newest code the server "sent" to `username`.
    pub async fn last_code(&self, username: &str) -> String {
        let (_, _, body) = self
            .raw(
                Request::get(format!("/_dev/outbox?username={username}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        v["messages"].as_array().unwrap().last().expect("a message")["code"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Calls an operation directly (for set-up the client does not do, e.g. Admin*).
    pub async fn call(&self, op: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let (status, _, body) = self
            .raw(
                Request::post("/")
                    .header("content-type", "application/x-amz-json-1.1")
                    .header(
                        "x-amz-target",
                        format!("AWSCognitoIdentityProviderService.{op}"),
                    )
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await;
        (status, serde_json::from_slice(&body).unwrap_or_default())
    }
}

/// The path and query of an absolute URL.
pub fn path_of(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_owned(),
    }
}

/// A name for the log: the operation, with the flow for `InitiateAuth`, or the path, with the
/// grant for `/oauth2/token`.
fn log_name(req: &HttpRequest) -> String {
    let body = req.body_text();
    if let Some(op) = cognito_core::wire::target_of(req) {
        if op == "InitiateAuth" && body.contains("REFRESH_TOKEN") {
            return "InitiateAuth:REFRESH_TOKEN_AUTH".into();
        }
        return op.to_owned();
    }
    let path = url::Url::parse(&req.url).unwrap().path().to_owned();
    if path == "/oauth2/token" {
        let grant = url::form_urlencoded::parse(body.as_bytes())
            .find(|(k, _)| k == "grant_type")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        return format!("{path}:{grant}");
    }
    path
}

/// A [`Transport`] that hands requests to the in-process server.
#[derive(Clone)]
pub struct InProcess(pub Rc<Local>);

impl Transport for InProcess {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, Error> {
        self.0.log.borrow_mut().push(log_name(&req));
        let mut b = Request::builder()
            .method(match req.method {
                Method::Get => "GET",
                _ => "POST",
            })
            .uri(path_of(&req.url));
        for (k, v) in &req.headers {
            b = b.header(k, v);
        }
        let (status, headers, body) = self.0.raw(b.body(Body::from(req.body)).unwrap()).await;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

/// What [`Faulty`] does to the requests it picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Passes everything.
    None,
    /// No answer: the request never leaves.
    Drop,
    /// The request reaches the server, the answer is lost (a timeout after sending).
    Timeout,
    /// A 503 from a proxy in front (the server never sees it).
    Unavailable,
    /// The server answers, the body is cut in half.
    Truncated,
}

/// A transport that breaks the requests whose log name `applies_to` accepts.
#[derive(Clone)]
pub struct Faulty {
    pub inner: InProcess,
    pub fault: Rc<Cell<Fault>>,
    pub applies_to: Rc<dyn Fn(&str) -> bool>,
}

impl Faulty {
    pub fn refreshes(inner: InProcess) -> Self {
        Self {
            inner,
            fault: Rc::new(Cell::new(Fault::None)),
            applies_to: Rc::new(|n: &str| {
                matches!(
                    n,
                    "GetTokensFromRefreshToken"
                        | "InitiateAuth:REFRESH_TOKEN_AUTH"
                        | "/oauth2/token:refresh_token"
                )
            }),
        }
    }
}

impl Transport for Faulty {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, Error> {
        let fault = if (self.applies_to)(&log_name(&req)) {
            self.fault.get()
        } else {
            Fault::None
        };
        match fault {
            Fault::None => self.inner.send(req).await,
            Fault::Drop => Err(Error::Transport("connection refused".into())),
            Fault::Unavailable => Ok(HttpResponse {
                status: 503,
                headers: vec![("content-type".into(), "text/html".into())],
                body: b"<html><body>503 Service Unavailable</body></html>".to_vec(),
            }),
            Fault::Timeout => {
                let _ = self.inner.send(req).await;
                Err(Error::Transport("timed out".into()))
            }
            Fault::Truncated => {
                let mut resp = self.inner.send(req).await?;
                let half = resp.body.len() / 2;
                resp.body.truncate(half);
                Ok(resp)
            }
        }
    }
}

/// The client's clock is the server's manual clock.
pub struct ServerClock(pub Rc<Local>);

impl Clock for ServerClock {
    fn now(&self) -> i64 {
        self.0.now()
    }
}

/// The OS's CSPRNG.
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error> {
        use rand::RngCore as _;
        rand::rngs::OsRng.fill_bytes(dest);
        Ok(())
    }
}

pub fn client_config(client_id: &str) -> ClientConfig {
    ClientConfig::new(UserPoolId::parse(POOL).unwrap(), ClientId::new(client_id))
        .with_endpoint(&format!("{BASE}/"))
        .unwrap()
}

pub fn spa_config() -> Config {
    let oauth = OAuthConfig::new(BASE, ClientId::new(SPA), REDIRECT)
        .unwrap()
        .with_scopes([
            "openid",
            "email",
            "profile",
            "aws.cognito.signin.user.admin",
        ])
        .with_logout_uri(REDIRECT)
        .unwrap();
    Config::new(client_config(SPA)).with_oauth(oauth)
}

pub fn confidential_config() -> Config {
    Config::new(client_config(CONF).with_client_secret(ClientSecret::new(CONF_SECRET)))
}

pub type TestClient<T = InProcess, S = Rc<MemoryStorage>> = Client<T, S, MemoryCoordinator>;

/// A client of the SPA app client over `transport`, `storage` and `coordinator`.
pub fn client_on<T: Transport + 'static, S: AsyncStorage + 'static, K: Coordinator + 'static>(
    local: &Rc<Local>,
    config: Config,
    transport: T,
    storage: S,
    coordinator: K,
) -> Client<T, S, K> {
    let platform = Platform::new(
        transport,
        storage,
        Rc::new(ServerClock(local.clone())),
        Rc::new(OsRandom),
    )
    .with_coordinator(coordinator);
    Client::new(config, platform)
}

/// A client for `config` over `transport`, with memory storage and a coordinator of its own.
pub fn fresh_client<T: Transport + 'static>(
    local: &Rc<Local>,
    config: Config,
    transport: T,
) -> Client<T, Rc<MemoryStorage>> {
    client_on(
        local,
        config,
        transport,
        Rc::new(MemoryStorage::new()),
        MemoryCoordinator::new(),
    )
}

/// A SPA client over `storage`, with a coordinator of its own.
pub fn spa_client_over<S: AsyncStorage + 'static>(
    local: &Rc<Local>,
    storage: S,
) -> Client<InProcess, S> {
    client_on(
        local,
        spa_config(),
        InProcess(local.clone()),
        storage,
        MemoryCoordinator::new(),
    )
}

/// The names of the events `client` emits from now on (the subscription stays).
pub fn record_events<T: Transport, S: AsyncStorage, K: Coordinator>(
    client: &Client<T, S, K>,
) -> Rc<RefCell<Vec<String>>> {
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let s = seen.clone();
    let _kept = client.listen(move |e: &cognito_client::AuthEvent<'_>| {
        s.borrow_mut().push(e.name().to_owned());
    });
    seen
}

/// `fetch_auth_session(force)`'s tokens; panics when there are none.
pub async fn tokens<T: Transport, S: AsyncStorage, K: Coordinator>(
    client: &Client<T, S, K>,
    force: bool,
) -> cognito_core::session::Session {
    client
        .fetch_auth_session(force)
        .await
        .unwrap()
        .tokens
        .expect("signed in")
}

/// `signIn` input for `username` with the test password.
pub fn with_password(username: impl Into<String>) -> cognito_client::SignInInput {
    cognito_client::SignInInput::new(username, cognito_core::types::Password::new(PASSWORD))
}

/// `signUp` input with an email and the test password.
pub fn sign_up_input(username: &str, email: &str) -> cognito_client::SignUpInput {
    cognito_client::SignUpInput::new(
        username,
        cognito_core::types::Password::new(PASSWORD),
        vec![cognito_core::ops::AttributeType::new("email", email)],
    )
}

/// A SPA client with memory storage of its own.
pub fn spa_client(local: &Rc<Local>) -> TestClient {
    fresh_client(local, spa_config(), InProcess(local.clone()))
}

/// A confirmed user signed up through the API (not through the client under test).
pub async fn seed_user(local: &Local, username: &str, email: &str) {
    let (status, v) = local
        .call(
            "SignUp",
            serde_json::json!({"ClientId": SPA, "Username": username, "Password": PASSWORD,
                "UserAttributes": [{"Name": "email", "Value": email}]}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let code = local.last_code(username).await;
    let (status, v) = local
        .call(
            "ConfirmSignUp",
            serde_json::json!({"ClientId": SPA, "Username": username, "ConfirmationCode": code}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
}

/// The current TOTP code for a base32 secret, at the server's time.
pub fn totp_now(local: &Local, secret: &str) -> String {
    let key = cognito_local::util::base32_decode(secret).unwrap();
    cognito_local::util::totp(&key, local.now())
}

/// The value of `name` in the query of `url`.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Opens `authorize_url` as a browser would, fills in the server's real login form and
/// returns the callback URL it redirects to.
pub async fn hosted_ui_login(local: &Local, authorize_url: &str, user: &str, pw: &str) -> String {
    let get = |uri: String| Request::get(uri).body(Body::empty()).unwrap();
    let (status, headers, _) = local.raw(get(path_of(authorize_url))).await;
    assert_eq!(status, 302);
    let login = header(&headers, "location").unwrap().to_owned();
    assert!(login.starts_with("/login?"), "{login}");
    let (status, headers, body) = local.raw(get(login.clone())).await;
    assert_eq!(status, 200);
    let html = String::from_utf8(body).unwrap();
    let csrf = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| v.strip_prefix("XSRF-TOKEN="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    assert!(html.contains(&format!("name=\"_csrf\" value=\"{csrf}\"")));
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(login.split_once('?').unwrap().1.as_bytes()) {
        form.append_pair(&k, &v);
    }
    form.append_pair("username", user)
        .append_pair("password", pw)
        .append_pair("_csrf", &csrf);
    let (status, headers, body) = local
        .raw(
            Request::post("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", format!("XSRF-TOKEN={csrf}"))
                .body(Body::from(form.finish()))
                .unwrap(),
        )
        .await;
    assert_eq!(status, 302, "{}", String::from_utf8_lossy(&body));
    header(&headers, "location").unwrap().to_owned()
}
