//! SRP sign-ins per second against a real `cognito-local` on loopback, with concurrent clients.
//!
//! Run with `cargo bench -p cognito-local --bench srp_signin`. It spawns the release binary
//! (`--in-memory --bind 127.0.0.1:0`), signs up and confirms `BENCH_USERS` users, then for each
//! concurrency level in `BENCH_CLIENTS` runs that many client threads, each on its own keep-alive
//! HTTP/1.1 connection, doing complete USER_SRP_AUTH sign-ins (InitiateAuth, client SRP math,
//! RespondToAuthChallenge) for `BENCH_SECS` seconds or until `BENCH_MAX_SIGNINS` sign-ins per level.
//!
//! It prints a Markdown table: sign-ins/s, latency p50/p99/max, errors, and the client-side SRP
//! time measured apart, so the server's share (total − client math) can be read off. Any error
//! makes it exit non-zero.
//!
//! A second table times a cheap call while sign-ins flood the server: one probe client calls
//! `GetUser` every `BENCH_PROBE_GAP_MS` (default 10) ms, first alone, then while
//! `BENCH_FLOOD_CLIENTS` (default 16) clients do SRP sign-ins back to back, and prints its
//! p50 / p99 / max in both phases.
//!
//! Environment: `BENCH_SECS` (default 10), `BENCH_CLIENTS` (default `1,4,16`; `none` skips the
//! first table), `BENCH_USERS` (default 16), `BENCH_MAX_SIGNINS` per level (default 20000),
//! `BENCH_FLOOD_CLIENTS` (default 16; 0 skips the second table), `BENCH_PROBE_GAP_MS`,
//! `COGNITO_LOCAL_BIN` (default: the binary cargo built for this bench).

use cognito_core::wire;
use rand::RngCore as _;
use serde_json::{json, Value};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

type Error = Box<dyn std::error::Error + Send + Sync>;
type Res<T> = Result<T, Error>;

const CLIENT_ID: &str = "localspaclient000000000001";
const POOL_NAME: &str = "LocalPool1";
const PASSWORD: &str = "BenchPassw0rd!";
const LISTENING: &str = "cognito-local listening on http://";

fn main() {
    match run() {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("srp_signin: FAILED: some sign-ins returned errors (see above)");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("srp_signin: FAILED: {e}");
            std::process::exit(1);
        }
    }
}

/// Settings read from the environment.
#[derive(Debug)]
struct Settings {
    secs: f64,
    levels: Vec<usize>,
    users: usize,
    max_signins: u64,
    flood_clients: usize,
    probe_gap: Duration,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> Res<T> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}={v:?} is not valid").into()),
        Err(_) => Ok(default),
    }
}

impl Settings {
    fn from_env() -> Res<Self> {
        let levels = std::env::var("BENCH_CLIENTS").unwrap_or_else(|_| "1,4,16".into());
        let levels = levels
            .split(',')
            .filter(|s| s.trim() != "none")
            .map(|s| s.trim().parse::<usize>().ok().filter(|&n| n > 0))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                format!(
                    "BENCH_CLIENTS={levels:?}: want a comma-separated list of positive integers"
                )
            })?;
        let s = Self {
            secs: env_or("BENCH_SECS", 10.0)?,
            levels,
            users: env_or("BENCH_USERS", 16)?,
            max_signins: env_or("BENCH_MAX_SIGNINS", 20_000)?,
            flood_clients: env_or("BENCH_FLOOD_CLIENTS", 16)?,
            probe_gap: Duration::from_millis(env_or("BENCH_PROBE_GAP_MS", 10)?),
        };
        if s.users == 0 || !s.secs.is_finite() || s.secs <= 0.0 || s.max_signins == 0 {
            return Err("BENCH_USERS, BENCH_SECS and BENCH_MAX_SIGNINS must be positive (and BENCH_SECS finite)".into());
        }
        Ok(s)
    }
}

fn run() -> Res<bool> {
    // `cargo bench` passes `--bench`; take no other arguments.
    let settings = Settings::from_env()?;
    let server = Server::spawn()?;
    let addr = server.addr;
    println!("cognito-local at http://{addr} (pid {})", server.child.id());
    println!("{}", machine());

    let users = create_users(addr, settings.users)?;
    println!(
        "created and confirmed {} users; each signed in once (warm-up)",
        users.len()
    );

    let first = users.first().ok_or("no users")?;
    let client_only = client_srp_cost(addr, first, 30)?;
    println!(
        "client-side SRP math alone, one thread, idle server ({} runs): p50 {:.2} ms, mean {:.2} ms",
        client_only.len(),
        ms(percentile(&client_only, 0.50)),
        ms(mean(&client_only)),
    );
    println!();

    let mut rows = Vec::new();
    let mut all_ok = true;
    for &clients in &settings.levels {
        let level = run_level(
            addr,
            &server.child.id().to_string(),
            &users,
            clients,
            &settings,
        )?;
        for e in level.errors.iter().take(5) {
            eprintln!("error (clients={clients}): {e}");
        }
        all_ok &= level.errors.is_empty() && level.signins > 0;
        rows.push(level);
    }
    let probe = if settings.flood_clients > 0 {
        let p = run_probe(addr, &users, &settings)?;
        for e in p.errors.iter().take(5) {
            eprintln!("error (GetUser under flood): {e}");
        }
        all_ok &= p.errors.is_empty() && !p.idle.is_empty() && !p.flooded.is_empty();
        Some(p)
    } else {
        None
    };
    drop(server);

    if !rows.is_empty() {
        print_levels(&rows, &settings);
    }
    if let Some(p) = probe {
        println!();
        println!(
            "GetUser while {} clients flood SRP sign-ins:",
            p.flood_clients
        );
        println!();
        println!(
            "| phase | GetUser calls | errors | p50 ms | p99 ms | max ms | flood sign-ins/s |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|");
        for (phase, v, rate) in [
            ("alone", &p.idle, String::from("–")),
            (
                "flood",
                &p.flooded,
                format!(
                    "{:.1}",
                    p.flood_signins as f64 / p.flood_elapsed.as_secs_f64()
                ),
            ),
        ] {
            println!(
                "| {phase} | {} | {} | {:.1} | {:.1} | {:.1} | {rate} |",
                v.len(),
                if phase == "alone" { 0 } else { p.errors.len() },
                ms(percentile(v, 0.50)),
                ms(percentile(v, 0.99)),
                ms(v.iter().copied().max().unwrap_or_default()),
            );
        }
        println!();
        println!(
            "one probe client, GetUser every {} ms (BENCH_PROBE_GAP_MS) for {} s per phase; \
             the flood: {} clients (BENCH_FLOOD_CLIENTS) doing SRP sign-ins back to back; \
             errors count the probe's and the flood's.",
            settings.probe_gap.as_millis(),
            settings.secs,
            p.flood_clients
        );
    }
    Ok(all_ok)
}

fn print_levels(rows: &[Level], settings: &Settings) {
    println!(
        "| clients | sign-ins | errors | sign-ins/s | p50 ms | p99 ms | max ms | client SRP p50 ms | server + HTTP p50 ms \
         | server CPU ms/sign-in | client CPU ms/sign-in |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} |",
            r.clients,
            r.signins,
            r.errors.len(),
            r.signins as f64 / r.elapsed.as_secs_f64(),
            ms(percentile(&r.total, 0.50)),
            ms(percentile(&r.total, 0.99)),
            ms(r.total.iter().copied().max().unwrap_or_default()),
            ms(percentile(&r.client, 0.50)),
            ms(percentile(&r.server, 0.50)),
            r.cpu_per_signin(r.server_cpu),
            r.cpu_per_signin(r.client_cpu),
        );
    }
    println!();
    println!(
        "{} s per level (BENCH_SECS), at most {} sign-ins per level (BENCH_MAX_SIGNINS), {} users (BENCH_USERS); \
         latency = InitiateAuth + client SRP + RespondToAuthChallenge (wall clock); \
         server + HTTP = latency − client SRP (wall clock, so it includes waiting for a core); \
         CPU ms/sign-in = process CPU time (/proc/<pid>/stat) during the level / sign-ins.",
        settings.secs, settings.max_signins, settings.users
    );
}

// ---------------------------------------------------------------------------------------------
// The server process

/// The spawned `cognito-local`; killed on drop.
#[derive(Debug)]
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn spawn() -> Res<Self> {
        let bin = std::env::var("COGNITO_LOCAL_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_cognito-local").to_string());
        let mut child = Command::new(&bin)
            .args(["--in-memory", "--bind", "127.0.0.1:0"])
            .env(
                "RUST_LOG",
                std::env::var("BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {bin}: {e}"))?;
        let found = child.stdout.take().ok_or("no stdout pipe").and_then(|out| {
            let mut out = BufReader::new(out);
            let mut line = String::new();
            loop {
                line.clear();
                if out
                    .read_line(&mut line)
                    .map_err(|_| "reading the server's stdout failed")?
                    == 0
                {
                    return Err("the server exited before printing its listening line");
                }
                if let Some(rest) = line.trim().strip_prefix(LISTENING) {
                    let addr = rest
                        .trim_end_matches('/')
                        .parse::<SocketAddr>()
                        .map_err(|_| "bad listening address")?;
                    // Keep draining stdout so the server never blocks on a full pipe.
                    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
                    return Ok(addr);
                }
            }
        });
        match found {
            Ok(addr) => Ok(Self { child, addr }),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(e.into())
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time (user + system, all threads) a process has used so far, from `/proc/<pid>/stat`
/// (Linux only; `None` elsewhere).
fn proc_cpu(pid: &str, ticks_per_sec: f64) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(Duration::from_secs_f64(ticks / ticks_per_sec))
}

/// Clock ticks per second for `/proc/<pid>/stat` (`getconf CLK_TCK`, else the usual 100).
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|&t| t > 0.0)
        .unwrap_or(100.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!(
        "machine: {cpus} CPUs available ({model}); client threads and server share them; load average {}",
        load_average()
    )
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 keep-alive client

/// One keep-alive connection.
#[derive(Debug)]
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    addr: SocketAddr,
}

impl Conn {
    fn open(addr: SocketAddr) -> Res<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let writer = stream.try_clone()?;
        Ok(Self {
            reader: BufReader::new(stream),
            writer,
            addr,
        })
    }

    /// Sends one request and reads the whole response: (status, body).
    fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Res<(u16, Vec<u8>)> {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.writer.write_all(&bytes)?;

        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err("connection closed by the server".into());
        }
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| format!("bad status line {line:?}"))?;
        let mut length = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err("connection closed in the response headers".into());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let Some((name, value)) = l.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.parse::<usize>().map_err(|_| "bad Content-Length")?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
        let body = match (chunked, length) {
            (true, _) => self.read_chunked()?,
            (false, Some(n)) => {
                let mut b = vec![0; n];
                self.reader.read_exact(&mut b)?;
                b
            }
            (false, None) => return Err("response without Content-Length or chunked body".into()),
        };
        if close {
            return Err("the server closed the keep-alive connection".into());
        }
        Ok((status, body))
    }

    fn read_chunked(&mut self) -> Res<Vec<u8>> {
        let mut body = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let size = line.trim().split(';').next().unwrap_or_default();
            let size = usize::from_str_radix(size, 16).map_err(|_| "bad chunk size")?;
            if size == 0 {
                // Trailers, then the empty line.
                loop {
                    line.clear();
                    if self.reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
                        return Ok(body);
                    }
                }
            }
            let start = body.len();
            body.resize(start + size, 0);
            self.reader.read_exact(&mut body[start..])?;
            let mut crlf = [0; 2];
            self.reader.read_exact(&mut crlf)?;
        }
    }

    /// Calls a user-pool API operation; a non-200 answer is an error carrying `__type` and `message`.
    fn call(&mut self, op: &str, body: &Value) -> Res<Value> {
        let target = wire::target(op);
        let headers = [
            ("Content-Type", wire::CONTENT_TYPE_JSON_1_1),
            ("X-Amz-Target", target.as_str()),
        ];
        let (status, body) = self.request("POST", "/", &headers, body.to_string().as_bytes())?;
        let v: Value = serde_json::from_slice(&body)
            .map_err(|e| format!("{op}: HTTP {status}, body not JSON: {e}"))?;
        if status != 200 {
            return Err(format!("{op}: HTTP {status} {} {}", v["__type"], v["message"]).into());
        }
        Ok(v)
    }
}

// ---------------------------------------------------------------------------------------------
// Users and sign-ins

fn str_field<'a>(v: &'a Value, key: &str) -> Res<&'a str> {
    v[key]
        .as_str()
        .ok_or_else(|| format!("missing string {key} in {v}").into())
}

fn now_unix() -> Res<i64> {
    Ok(i64::try_from(
        SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs(),
    )?)
}

/// Signs up and confirms `n` users (code from the dev outbox), then signs each in once.
fn create_users(addr: SocketAddr, n: usize) -> Res<Vec<String>> {
    let mut conn = Conn::open(addr)?;
    let run = std::process::id();
    let mut users = Vec::with_capacity(n);
    for i in 0..n {
        let username = format!("bench{run}u{i}");
        conn.call(
            "SignUp",
            &json!({"ClientId": CLIENT_ID, "Username": username, "Password": PASSWORD,
                    "UserAttributes": [{"Name": "email", "Value": format!("{username}@example.com")}]}),
        )?;
        let (status, body) = conn.request(
            "GET",
            &format!("/_dev/outbox?username={username}"),
            &[],
            b"",
        )?;
        let outbox: Value = serde_json::from_slice(&body)?;
        let code = outbox["messages"]
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["code"].as_str())
            .ok_or_else(|| {
                format!(
                    "no confirmation code for {username} in the outbox (HTTP {status}): {outbox}"
                )
            })?;
        conn.call(
            "ConfirmSignUp",
            &json!({"ClientId": CLIENT_ID, "Username": username, "ConfirmationCode": code}),
        )?;
        sign_in(&mut conn, &username)?;
        users.push(username);
    }
    Ok(users)
}

/// Times of one sign-in.
#[derive(Debug, Clone, Copy)]
struct SignIn {
    total: Duration,
    client: Duration,
}

/// A sign-in's timing and its access token.
type SignedIn = (SignIn, String);

/// One complete USER_SRP_AUTH sign-in; checks that tokens came back.
fn sign_in(conn: &mut Conn, username: &str) -> Res<SignIn> {
    Ok(sign_in_token(conn, username)?.0)
}

/// [`sign_in`], keeping the access token.
fn sign_in_token(conn: &mut Conn, username: &str) -> Res<SignedIn> {
    let start = Instant::now();
    let mut a = [0u8; 128];
    rand::thread_rng().fill_bytes(&mut a);
    let eph = cognito_srp::ClientEphemeral::from_bytes(&a)
        .map_err(|e| format!("client ephemeral: {e}"))?;
    let a_pub = eph.a_pub_hex();
    let mut client = start.elapsed();

    let ch = conn.call(
        "InitiateAuth",
        &json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT_ID,
                "AuthParameters": {"USERNAME": username, "SRP_A": a_pub}}),
    )?;
    if ch["ChallengeName"] != "PASSWORD_VERIFIER" {
        return Err(format!("InitiateAuth: expected PASSWORD_VERIFIER, got {ch}").into());
    }
    let p = &ch["ChallengeParameters"];
    let user_id = str_field(p, "USER_ID_FOR_SRP")?;
    let secret_block = str_field(p, "SECRET_BLOCK")?;

    let t = Instant::now();
    let timestamp = cognito_srp::cognito_timestamp(now_unix()?);
    let claim = cognito_srp::password_claim(
        &eph,
        &cognito_srp::ClaimInput {
            pool_name: POOL_NAME,
            user_id_for_srp: user_id,
            password: PASSWORD,
            salt_hex: str_field(p, "SALT")?,
            b_pub_hex: str_field(p, "SRP_B")?,
            secret_block_b64: secret_block,
            timestamp: &timestamp,
        },
    )
    .map_err(|e| format!("password claim: {e}"))?;
    client += t.elapsed();

    let mut body = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ClientId": CLIENT_ID,
        "ChallengeResponses": {
            "USERNAME": user_id,
            "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
            "PASSWORD_CLAIM_SIGNATURE": claim.signature_b64,
            "TIMESTAMP": timestamp,
        },
    });
    if let Some(session) = ch.get("Session").filter(|s| s.is_string()) {
        body["Session"] = session.clone();
    }
    let done = conn.call("RespondToAuthChallenge", &body)?;
    let result = &done["AuthenticationResult"];
    for token in ["AccessToken", "IdToken", "RefreshToken"] {
        str_field(result, token)
            .map_err(|_| format!("RespondToAuthChallenge: no {token} in {done}"))?;
    }
    let access = str_field(result, "AccessToken")?.to_string();
    Ok((
        SignIn {
            total: start.elapsed(),
            client,
        },
        access,
    ))
}

/// The client-side SRP math alone (A = g^a, then the password claim), one thread, no requests in
/// flight: one InitiateAuth supplies a real salt, B and secret block, then only the math is timed.
fn client_srp_cost(addr: SocketAddr, username: &str, runs: usize) -> Res<Vec<Duration>> {
    let mut conn = Conn::open(addr)?;
    let mut a = [0u8; 128];
    rand::thread_rng().fill_bytes(&mut a);
    let eph = cognito_srp::ClientEphemeral::from_bytes(&a)
        .map_err(|e| format!("client ephemeral: {e}"))?;
    let ch = conn.call(
        "InitiateAuth",
        &json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT_ID,
                "AuthParameters": {"USERNAME": username, "SRP_A": eph.a_pub_hex()}}),
    )?;
    let p = &ch["ChallengeParameters"];
    let (user_id, salt, b_pub, block) = (
        str_field(p, "USER_ID_FOR_SRP")?,
        str_field(p, "SALT")?,
        str_field(p, "SRP_B")?,
        str_field(p, "SECRET_BLOCK")?,
    );
    let timestamp = cognito_srp::cognito_timestamp(now_unix()?);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        rand::thread_rng().fill_bytes(&mut a);
        let eph = cognito_srp::ClientEphemeral::from_bytes(&a)
            .map_err(|e| format!("client ephemeral: {e}"))?;
        std::hint::black_box(eph.a_pub_hex());
        let claim = cognito_srp::password_claim(
            &eph,
            &cognito_srp::ClaimInput {
                pool_name: POOL_NAME,
                user_id_for_srp: user_id,
                password: PASSWORD,
                salt_hex: salt,
                b_pub_hex: b_pub,
                secret_block_b64: block,
                timestamp: &timestamp,
            },
        )
        .map_err(|e| format!("password claim: {e}"))?;
        std::hint::black_box(claim.signature_b64);
        times.push(start.elapsed());
    }
    times.sort_unstable();
    Ok(times)
}

// ---------------------------------------------------------------------------------------------
// One concurrency level

#[derive(Debug)]
struct Level {
    clients: usize,
    signins: usize,
    elapsed: Duration,
    total: Vec<Duration>,
    client: Vec<Duration>,
    server: Vec<Duration>,
    errors: Vec<String>,
    /// CPU time the server process used during the level.
    server_cpu: Option<Duration>,
    /// CPU time this (client) process used during the level.
    client_cpu: Option<Duration>,
}

impl Level {
    /// CPU milliseconds per sign-in, or "n/a".
    fn cpu_per_signin(&self, cpu: Option<Duration>) -> String {
        match cpu {
            Some(c) if self.signins > 0 => format!("{:.1}", ms(c) / self.signins as f64),
            _ => "n/a".into(),
        }
    }
}

/// One client: waits at `start`, then signs in back to back for `secs` or while `budget` lasts.
fn sign_in_loop(
    addr: SocketAddr,
    username: &str,
    start: &Barrier,
    secs: Duration,
    budget: &AtomicU64,
) -> (Vec<SignIn>, Vec<String>) {
    let mut times = Vec::new();
    let mut errors = Vec::new();
    let conn = Conn::open(addr);
    start.wait();
    let mut conn = match conn {
        Ok(c) => c,
        Err(e) => return (times, vec![format!("connect: {e}")]),
    };
    let deadline = Instant::now() + secs;
    while Instant::now() < deadline
        && budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    {
        match sign_in(&mut conn, username) {
            Ok(t) => times.push(t),
            Err(e) => {
                errors.push(e.to_string());
                // A broken connection stays broken: reconnect before the next sign-in.
                match Conn::open(addr) {
                    Ok(c) => conn = c,
                    Err(e) => {
                        errors.push(format!("reconnect: {e}"));
                        break;
                    }
                }
            }
        }
    }
    (times, errors)
}

/// The second table: GetUser latencies alone and under a sign-in flood.
#[derive(Debug)]
struct Probe {
    flood_clients: usize,
    idle: Vec<Duration>,
    flooded: Vec<Duration>,
    flood_signins: usize,
    flood_elapsed: Duration,
    errors: Vec<String>,
}

/// Calls GetUser every `probe_gap` for `secs` on one connection; the latencies, sorted.
fn probe_get_user(
    conn: &mut Conn,
    token: &str,
    secs: Duration,
    gap: Duration,
    errors: &mut Vec<String>,
) -> Vec<Duration> {
    let mut times = Vec::new();
    let deadline = Instant::now() + secs;
    let body = json!({ "AccessToken": token });
    while Instant::now() < deadline {
        let t = Instant::now();
        match conn.call("GetUser", &body) {
            Ok(v) if v["Username"].is_string() => times.push(t.elapsed()),
            Ok(v) => errors.push(format!("GetUser: no Username in {v}")),
            Err(e) => errors.push(e.to_string()),
        }
        std::thread::sleep(gap);
    }
    times.sort_unstable();
    times
}

fn run_probe(addr: SocketAddr, users: &[String], s: &Settings) -> Res<Probe> {
    let secs = Duration::from_secs_f64(s.secs);
    let mut conn = Conn::open(addr)?;
    let (_, token) = sign_in_token(&mut conn, users.first().ok_or("no users")?)?;
    let mut errors = Vec::new();
    let idle = probe_get_user(&mut conn, &token, secs, s.probe_gap, &mut errors);

    let clients = s.flood_clients;
    let budget = Arc::new(AtomicU64::new(u64::MAX));
    let start = Arc::new(Barrier::new(clients + 1));
    let mut handles = Vec::with_capacity(clients);
    for i in 0..clients {
        let username = users[i % users.len()].clone();
        let (budget, start) = (budget.clone(), start.clone());
        // A little longer than the probe, so that every probe call meets the flood.
        let flood_secs = secs + Duration::from_millis(500);
        handles.push(std::thread::spawn(move || {
            sign_in_loop(addr, &username, &start, flood_secs, &budget)
        }));
    }
    start.wait();
    let began = Instant::now();
    // Let the flood build up first.
    std::thread::sleep(Duration::from_millis(250));
    let flooded = probe_get_user(&mut conn, &token, secs, s.probe_gap, &mut errors);
    let mut flood_signins = 0;
    for h in handles {
        let (times, errs) = h.join().map_err(|_| "a client thread panicked")?;
        flood_signins += times.len();
        errors.extend(errs);
    }
    Ok(Probe {
        flood_clients: clients,
        idle,
        flooded,
        flood_signins,
        flood_elapsed: began.elapsed(),
        errors,
    })
}

fn run_level(
    addr: SocketAddr,
    server_pid: &str,
    users: &[String],
    clients: usize,
    s: &Settings,
) -> Res<Level> {
    let ticks = clock_ticks();
    let budget = Arc::new(AtomicU64::new(s.max_signins));
    let start = Arc::new(Barrier::new(clients + 1));
    let secs = Duration::from_secs_f64(s.secs);
    let mut handles = Vec::with_capacity(clients);
    for i in 0..clients {
        let username = users[i % users.len()].clone();
        let (budget, start) = (budget.clone(), start.clone());
        handles.push(std::thread::spawn(move || {
            sign_in_loop(addr, &username, &start, secs, &budget)
        }));
    }
    start.wait();
    let began = Instant::now();
    let cpu_before = (proc_cpu(server_pid, ticks), proc_cpu("self", ticks));
    let mut level = Level {
        clients,
        signins: 0,
        elapsed: Duration::ZERO,
        total: Vec::new(),
        client: Vec::new(),
        server: Vec::new(),
        errors: Vec::new(),
        server_cpu: None,
        client_cpu: None,
    };
    for h in handles {
        let (times, errors) = h.join().map_err(|_| "a client thread panicked")?;
        for t in times {
            level.total.push(t.total);
            level.client.push(t.client);
            level.server.push(t.total.saturating_sub(t.client));
        }
        level.errors.extend(errors);
    }
    level.elapsed = began.elapsed();
    let cpu_after = (proc_cpu(server_pid, ticks), proc_cpu("self", ticks));
    let diff = |a: Option<Duration>, b: Option<Duration>| Some(b?.saturating_sub(a?));
    level.server_cpu = diff(cpu_before.0, cpu_after.0);
    level.client_cpu = diff(cpu_before.1, cpu_after.1);
    level.signins = level.total.len();
    for v in [&mut level.total, &mut level.client, &mut level.server] {
        v.sort_unstable();
    }
    Ok(level)
}

// ---------------------------------------------------------------------------------------------
// Statistics

/// Nearest-rank percentile of a sorted sample (zero when empty).
fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn mean(v: &[Duration]) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.iter().sum::<Duration>() / u32::try_from(v.len()).unwrap_or(u32::MAX)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
