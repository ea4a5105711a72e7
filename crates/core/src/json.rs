//! A small JSON reader and writer, so the browser package carries no `serde` / `serde_json`.
//!
//! Why: every byte of `cognito-core` is downloaded by every user of the browser package, and
//! `serde_json` with the derived (de)serializers of ~40 wire types was the largest part of it
//! (its `Map` is a `BTreeMap`, its errors format floats, each `Option<T>` field gets its own
//! visitor). The wire needs far less: objects of known fields, strings, integers, booleans and
//! string maps. So this module has
//! - [`parse`]: strict RFC 8259 into a [`Value`] (objects keep their members in order in a `Vec`,
//!   numbers keep their text), nesting limited to [`MAX_DEPTH`], never a panic on any input;
//! - [`ToJson`] / [`FromJson`]: the typed side, implemented for the request and response types
//!   by a declarative macro (`json_object!`), with the wire's rules: optional fields left out
//!   when `None` (never `null`), `null` or absent read as `None`, unknown fields ignored, a
//!   wrong-typed field an error naming the field (never its value);
//! - a writer with JSON string escaping (the same bytes `serde_json` writes).
//!
//! With the `serde` feature the same types also implement `serde`'s traits (the local server
//! uses those); `tests/json_agrees_with_serde.rs` checks that both encodings agree.
//!
//! ```
//! use cognito_core::json::{self, Value};
//! let v = json::parse(br#"{"a":[1,"\u00e9\ud83d\ude00"],"b":null}"#)?;
//! assert_eq!(v.get("a").and_then(|a| a.as_array()).map(Vec::len), Some(2));
//! assert_eq!(json::to_string(&v), "{\"a\":[1,\"é😀\"],\"b\":null}");
//! # Ok::<(), json::JsonError>(())
//! ```

use std::fmt;

use crate::map::Map;

/// Arrays and objects nested deeper than this are refused (as `serde_json` does, at 128), so a
/// hostile body cannot exhaust the stack.
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as written.
    Number(Number),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Object),
}

impl Value {
    /// The object member `key` (the last one, if repeated), when this is an object.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// The string, when this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when this is one.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, when this is one.
    #[must_use]
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The integer, when this is a number written as an integer that fits `i64`.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.as_i64()
    }

    /// The elements, when this is an array.
    #[must_use]
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The members, when this is an object.
    #[must_use]
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Whether this is an object.
    #[must_use]
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// What kind of value this is, for error messages ("a string", "null", ...).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Number::from(n))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// A JSON number, kept as the text it was written as (valid RFC 8259 number grammar).
///
/// Read it as an integer with [`Number::as_i64`] / [`Number::as_u64`] (integer grammar only, as
/// `serde_json` does for integer fields), or as an exact decimal with [`Number::scaled`]; there
/// is no float conversion, which would pull `f64` parsing and printing into the browser package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number(String);

impl Number {
    /// The number as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn is_integer(&self) -> bool {
        !self.0.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
    }

    /// The value, when written as an integer (no fraction, no exponent) that fits `i64`.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integer() {
            self.0.parse().ok()
        } else {
            None
        }
    }

    /// The value, when written as an integer (no fraction, no exponent) that fits `u64`.
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        if self.is_integer() {
            self.0.parse().ok()
        } else {
            None
        }
    }

    /// The exact value × 10^`shift`, split into its integer part (truncated toward zero) and
    /// what the dropped fraction was; `None` when the integer part has more than 30 digits.
    #[must_use]
    pub fn scaled(&self, shift: i32) -> Option<Scaled> {
        let s = self.0.as_str();
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (mantissa, exp) = s.split_once(['e', 'E']).unwrap_or((s, "0"));
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        // Saturating: an exponent beyond ±10^6 only decides "zero" or "too large".
        let exp_value = {
            let (neg, digits) = match exp.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, exp.strip_prefix('+').unwrap_or(exp)),
            };
            let mut e: i64 = 0;
            for b in digits.bytes() {
                e = (e * 10 + i64::from(b - b'0')).min(1_000_000);
            }
            if neg {
                -e
            } else {
                e
            }
        };
        let digits: Vec<u8> = int
            .bytes()
            .chain(frac.bytes())
            .map(|b| b - b'0')
            .skip_while(|d| *d == 0)
            .collect();
        // value = digits × 10^point
        let frac_len = i64::try_from(frac.len()).ok()?;
        let point = exp_value - frac_len + i64::from(shift);
        let len = i64::try_from(digits.len()).ok()?;
        let int_len = len + point; // digits of the integer part (may be ≤ 0)
        if digits.is_empty() || int_len <= 0 {
            let first = if int_len == 0 { digits.first() } else { None };
            return Some(Scaled {
                int: 0,
                fraction: if digits.is_empty() {
                    Fraction::Zero
                } else if first.is_some_and(|d| *d >= 5) {
                    Fraction::HalfOrMore
                } else {
                    Fraction::BelowHalf
                },
                negative,
            });
        }
        if int_len > 30 {
            return None;
        }
        let int_len = usize::try_from(int_len).ok()?;
        let mut value: i128 = 0;
        for i in 0..int_len {
            value = value * 10 + i128::from(digits.get(i).copied().unwrap_or(0));
        }
        let rest = digits.get(int_len..).unwrap_or(&[]);
        let fraction = match rest.first() {
            None => Fraction::Zero,
            Some(d) if *d >= 5 => Fraction::HalfOrMore,
            Some(_) if rest.iter().all(|d| *d == 0) => Fraction::Zero,
            Some(_) => Fraction::BelowHalf,
        };
        Some(Scaled {
            int: if negative { -value } else { value },
            fraction,
            negative,
        })
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number(n.to_string())
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Self {
        Number(n.to_string())
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A number × 10^shift as [`Number::scaled`] gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scaled {
    /// The integer part, truncated toward zero, with the number's sign.
    pub int: i128,
    /// What was dropped.
    pub fraction: Fraction,
    /// Whether the number was negative (also for a zero integer part).
    pub negative: bool,
}

impl Scaled {
    /// Rounded half away from zero (as `f64::round`).
    #[must_use]
    pub fn round(self) -> i128 {
        match (self.fraction, self.negative) {
            (Fraction::HalfOrMore, false) => self.int + 1,
            (Fraction::HalfOrMore, true) => self.int - 1,
            _ => self.int,
        }
    }

    /// Whether the absolute value is greater than `limit`.
    #[must_use]
    pub fn abs_exceeds(self, limit: i128) -> bool {
        let a = self.int.abs();
        a > limit || (a == limit && self.fraction != Fraction::Zero)
    }
}

/// The part of a number below its last kept digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fraction {
    /// Nothing.
    Zero,
    /// More than zero, less than half.
    BelowHalf,
    /// Half or more.
    HalfOrMore,
}

/// A JSON object: its members in document order.
///
/// Lookups return the last member of a repeated name (as `JSON.parse` and `serde_json::Value`
/// do); typed reading ([`FromJson`]) refuses a repeated known field instead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Object(Vec<(String, Value)>);

impl Object {
    /// An empty object.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The member `key` (the last one, if repeated).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Removes every member named `key`, returning the last one's value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let mut found = None;
        let mut i = 0;
        while i < self.0.len() {
            if self.0[i].0 == key {
                found = Some(self.0.remove(i).1);
            } else {
                i += 1;
            }
        }
        found
    }

    /// Sets `key` to `value`, replacing an existing member of that name.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        self.remove(&key);
        self.0.push((key, value));
    }

    /// The number of members.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no members.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The members in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Whether there is a member `key`.
    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl IntoIterator for Object {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<(String, Value)> for Object {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut o = Object::new();
        for (k, v) in iter {
            o.insert(k, v);
        }
        o
    }
}

/// Why JSON could not be read: a syntax error with its byte offset, or a value of the wrong
/// shape with the path of the field (`AuthenticationResult.ExpiresIn`).
///
/// # Security
/// The message names positions, field names and kinds of values, never the input's text, so it
/// can go into an error shown to the user or a log.
///
/// Boxed, so that a `Result<T, JsonError>` is no larger than `T` needs (one pointer for
/// `Result<(), JsonError>`): every reader returns one, and the browser package paid for moving
/// two `String`s through each of them.
#[derive(Clone, PartialEq, Eq)]
pub struct JsonError(Box<ErrorParts>);

#[derive(Clone, PartialEq, Eq)]
struct ErrorParts {
    path: String,
    reason: String,
}

impl JsonError {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        Self::boxed(reason.into())
    }

    #[cold]
    #[inline(never)]
    fn boxed(reason: String) -> Self {
        Self(Box::new(ErrorParts {
            path: String::new(),
            reason,
        }))
    }

    /// `expected <what>, got <kind of v>`.
    #[cold]
    #[must_use]
    pub fn expected(what: &str, v: &Value) -> Self {
        Self::new(format!("expected {what}, got {}", v.kind()))
    }

    /// A field-level error: the same reason, under field `key`.
    #[cold]
    #[must_use]
    pub fn at(mut self, key: &str) -> Self {
        let path = &mut self.0.path;
        if path.is_empty() {
            key.clone_into(path);
        } else if path.starts_with('[') {
            path.insert_str(0, key);
        } else {
            path.insert(0, '.');
            path.insert_str(0, key);
        }
        self
    }

    /// An element-level error: the same reason, under index `i` (`[i]`).
    #[cold]
    #[inline(never)]
    #[must_use]
    pub(crate) fn at_index(self, i: usize) -> Self {
        self.at(&format!("[{i}]"))
    }

    /// The field path, empty for the top level.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.0.path
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ErrorParts { path, reason } = &*self.0;
        if path.is_empty() {
            f.write_str(reason)
        } else {
            write!(f, "{path}: {reason}")
        }
    }
}

impl fmt::Debug for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonError")
            .field("path", &self.0.path)
            .field("reason", &self.0.reason)
            .finish()
    }
}

impl std::error::Error for JsonError {}

// ---------------------------------------------------------------------------------------------
// Parsing.
// ---------------------------------------------------------------------------------------------

/// Parses one JSON value (RFC 8259), surrounded by optional whitespace.
///
/// # Errors
/// [`JsonError`] for invalid UTF-8, invalid syntax (with the byte offset), a lone surrogate in a
/// `\u` escape, nesting deeper than [`MAX_DEPTH`], or anything after the value.
pub fn parse(input: &[u8]) -> Result<Value, JsonError> {
    let text = std::str::from_utf8(input)
        .map_err(|e| JsonError::new(format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.fail("trailing characters"));
    }
    Ok(v)
}

/// Parses JSON text (see [`parse`]).
///
/// # Errors
/// As [`parse`].
pub fn parse_str(input: &str) -> Result<Value, JsonError> {
    parse(input.as_bytes())
}

/// Parses `input` and reads it as `T`.
///
/// # Errors
/// As [`parse`] and [`FromJson::from_json`].
pub fn from_slice<T: FromJson>(input: &[u8]) -> Result<T, JsonError> {
    T::from_json(parse(input)?)
}

/// Parses `input` and reads it as `T`.
///
/// # Errors
/// As [`parse`] and [`FromJson::from_json`].
pub fn from_str<T: FromJson>(input: &str) -> Result<T, JsonError> {
    from_slice(input.as_bytes())
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    #[cold]
    fn fail(&self, what: &str) -> JsonError {
        let what = if self.pos >= self.bytes.len() {
            "unexpected end of input"
        } else {
            what
        };
        JsonError::new(format!("{what} at byte {}", self.pos))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.fail("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.fail("expected a value")),
        }
    }

    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            Err(self.fail("nesting too deep"))
        } else {
            Ok(())
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.enter(depth)?;
        self.pos += 1; // [
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.fail("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.enter(depth)?;
        self.pos += 1; // {
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(Object(members)));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.fail("expected a string key"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.fail("expected `:`"));
            }
            self.pos += 1;
            self.skip_ws();
            let v = self.value(depth)?;
            members.push((key, v));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(Object(members)));
                }
                _ => return Err(self.fail("expected `,` or `}`")),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.fail("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        Ok(Value::Number(Number(
            crate::uri::part(self.text, start..self.pos).to_owned(),
        )))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut n = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.fail("invalid \\u escape")),
            };
            n = n * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // "
        let mut out = String::new();
        loop {
            let run = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            // Stops only at ASCII bytes, so both ends are character boundaries.
            out.push_str(crate::uri::part(self.text, run..self.pos));
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => return Err(self.fail("invalid escape")),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => return Err(self.fail("control character in string")),
                None => return Err(self.fail("unterminated string")),
            }
        }
    }

    /// After `\u`: one code point, combining a surrogate pair; a lone surrogate is an error.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes[self.pos..].starts_with(b"\\u") {
                    return Err(self.fail("lone surrogate in \\u escape"));
                }
                self.pos += 2;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.fail("lone surrogate in \\u escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.fail("lone surrogate in \\u escape")),
            c => c,
        };
        char::from_u32(code).ok_or_else(|| self.fail("invalid \\u escape"))
    }
}

// ---------------------------------------------------------------------------------------------
// Writing.
// ---------------------------------------------------------------------------------------------

/// Appends `s` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, ... or
/// `\u00XX`, everything else (non-ASCII included) as is.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // `i` is an ASCII byte, so both slices end on character boundaries.
        out.push_str(crate::uri::part(s, start..i));
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(crate::uri::part(s, start..));
    out.push('"');
}

/// Writes `v` as compact JSON.
#[must_use]
pub fn to_string<T: ToJson + ?Sized>(v: &T) -> String {
    let mut out = String::new();
    v.write_json(&mut out);
    out
}

/// Writes `v` as compact JSON bytes.
#[must_use]
pub fn to_vec<T: ToJson + ?Sized>(v: &T) -> Vec<u8> {
    to_string(v).into_bytes()
}

/// Writes one JSON object member by member.
#[derive(Debug)]
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Starts an object (`{`).
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        Self { out, first: true }
    }

    #[inline(never)]
    fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(self.out, key);
        self.out.push(':');
        self.out
    }

    /// Writes member `key`.
    pub fn field<T: ToJson + ?Sized>(&mut self, key: &str, v: &T) {
        v.write_json(self.key(key));
    }

    /// Writes member `key` when `v` is `Some`; leaves it out when `None`.
    pub fn opt_field<T: ToJson + ?Sized>(&mut self, key: &str, v: Option<&T>) {
        if let Some(v) = v {
            self.field(key, v);
        }
    }

    /// Ends the object (`}`).
    pub fn end(self) {
        self.out.push('}');
    }
}

// ---------------------------------------------------------------------------------------------
// Typed reading and writing.
// ---------------------------------------------------------------------------------------------

/// A value that writes itself as JSON.
pub trait ToJson {
    /// Appends the compact JSON of `self` to `out`.
    fn write_json(&self, out: &mut String);
}

/// A value read from a parsed [`Value`].
pub trait FromJson: Sized {
    /// Reads `Self` from `v`.
    ///
    /// # Errors
    /// [`JsonError`] naming the field and the kind of value found when `v` has the wrong shape.
    fn from_json(v: Value) -> Result<Self, JsonError>;
}

/// The members of an object being read field by field (the hand-written readers; the
/// generated ones use [`read_fields`]).
#[derive(Debug)]
pub struct Fields(Vec<(String, Value)>);

impl Fields {
    /// The members of `v`, which must be an object.
    ///
    /// # Errors
    /// [`JsonError`] when `v` is not an object.
    pub fn new(v: Value) -> Result<Self, JsonError> {
        match v {
            Value::Object(o) => Ok(Fields(o.0)),
            other => Err(JsonError::expected("an object", &other)),
        }
    }

    /// Takes member `key`; a repeated one is an error (as with `serde`'s derived readers).
    fn take(&mut self, key: &str) -> Result<Option<Value>, JsonError> {
        let mut found = None;
        let mut i = 0;
        while i < self.0.len() {
            if self.0[i].0 == key {
                if found.is_some() {
                    return Err(JsonError::new(format!("duplicate field `{key}`")));
                }
                found = Some(self.0.swap_remove(i).1);
            } else {
                i += 1;
            }
        }
        Ok(found)
    }

    /// Reads member `key`, which must be present.
    ///
    /// # Errors
    /// [`JsonError`] when it is missing, repeated or of the wrong shape.
    pub fn required<T: FromJson>(&mut self, key: &str) -> Result<T, JsonError> {
        let mut slot = None;
        self.read(key, Presence::Required, &mut slot)?;
        slot.ok_or_else(|| missing(key))
    }

    /// Reads member `key`; absent or `null` is `None`.
    ///
    /// # Errors
    /// [`JsonError`] when it is repeated or of the wrong shape.
    pub fn optional<T: FromJson>(&mut self, key: &str) -> Result<Option<T>, JsonError> {
        let mut slot = None;
        self.read(key, Presence::Optional, &mut slot)?;
        Ok(slot)
    }

    /// Takes member `key` and fills `slot` from it as `presence` says; the one reader behind
    /// every field of every type (only [`Slot::fill`] is per type).
    fn read(
        &mut self,
        key: &str,
        presence: Presence,
        slot: &mut dyn Slot,
    ) -> Result<(), JsonError> {
        match self.take(key)? {
            None if presence == Presence::Required => Err(missing(key)),
            None => Ok(()),
            Some(Value::Null) if presence == Presence::Optional => Ok(()),
            Some(v) => slot.fill(v).map_err(|e| e.at(key)),
        }
    }
}

#[cold]
#[inline(never)]
fn missing(key: &str) -> JsonError {
    JsonError::new(format!("missing field `{key}`"))
}

/// How [`read_fields`] reads one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Must be present (a `null` is read as the type, so refused unless it reads `null`).
    Required,
    /// Absent or `null` leave the slot `None`.
    Optional,
    /// Absent leaves the slot `None` (the caller puts in the default); a `null` is read as the
    /// type, as `serde`'s `#[serde(default = ...)]` does.
    Defaulted,
}

/// Where [`read_fields`] puts a field's value: an `Option<T>` for any `T: FromJson`.
///
/// Why a trait object: the loop over the fields, the member lookup, the error paths and the
/// `null` rules are then one function for every struct, and each field type adds only this
/// small `fill` (the generated readers carried a copy of all of that per field type).
pub trait Slot {
    /// Reads `v` into the slot.
    ///
    /// # Errors
    /// [`JsonError`] when `v` has the wrong shape (without the field's name; the caller adds it).
    fn fill(&mut self, v: Value) -> Result<(), JsonError>;
}

impl<T: FromJson> Slot for Option<T> {
    fn fill(&mut self, v: Value) -> Result<(), JsonError> {
        *self = Some(T::from_json(v)?);
        Ok(())
    }
}

/// Reads object `v` into `slots`, one per entry of `fields` (its member name and how it is
/// read), in that order, stopping at the first error (the `json_object!` readers).
///
/// A repeated member that is read is an error, unknown members are ignored; each error names
/// the field.
///
/// # Errors
/// [`JsonError`] when `v` is not an object, or for the first field that is missing, repeated or
/// of the wrong shape.
pub fn read_fields(
    v: Value,
    fields: &[(&str, Presence)],
    slots: &mut [&mut dyn Slot],
) -> Result<(), JsonError> {
    let mut f = Fields::new(v)?;
    for ((key, presence), slot) in fields.iter().zip(slots) {
        f.read(key, *presence, *slot)?;
    }
    Ok(())
}

/// `ToJson` and `FromJson` for a struct of named fields, each `req` (always written, must be
/// present), `opt` (an `Option`: left out when `None`; absent or `null` read as `None`) or
/// `def` (written always; absent read as the given default, `null` refused like a wrong type).
///
/// ```ignore
/// json_object!(AttributeType { req name: "Name", opt value: "Value" });
/// ```
macro_rules! json_object {
    ($ty:ident { $($kind:ident $field:ident : $key:literal $(= $default:expr)?),* $(,)? }) => {
        impl $crate::json::ToJson for $ty {
            fn write_json(&self, out: &mut String) {
                #[allow(unused_mut)]
                let mut w = $crate::json::ObjectWriter::new(out);
                $( json_object!(@write $kind w, $key, self.$field); )*
                w.end();
            }
        }

        impl $crate::json::FromJson for $ty {
            fn from_json(v: $crate::json::Value) -> Result<Self, $crate::json::JsonError> {
                $( let mut $field = None; )*
                $crate::json::read_fields(
                    v,
                    &[$( ($key, json_object!(@presence $kind)), )*],
                    &mut [$( &mut $field as &mut dyn $crate::json::Slot, )*],
                )?;
                // After `read_fields`, every required field is `Some`, so the second arm is
                // never taken; it forgets what it holds rather than carry a drop of every
                // field in every reader for a case that does not happen.
                match ( $( json_object!(@val $kind $field $(, $default)?), )* ) {
                    ( $( json_object!(@pat $kind $field), )* ) => Ok(Self { $( $field, )* }),
                    #[allow(unreachable_patterns, forgetting_copy_types)]
                    unread => {
                        std::mem::forget(unread);
                        Err($crate::json::JsonError::new("missing field"))
                    }
                }
            }
        }
    };
    (@write req $w:ident, $key:literal, $e:expr) => { $w.field($key, &$e) };
    (@write def $w:ident, $key:literal, $e:expr) => { $w.field($key, &$e) };
    (@write opt $w:ident, $key:literal, $e:expr) => { $w.opt_field($key, $e.as_ref()) };
    (@presence req) => { $crate::json::Presence::Required };
    (@presence opt) => { $crate::json::Presence::Optional };
    (@presence def) => { $crate::json::Presence::Defaulted };
    (@val def $field:ident, $d:expr) => { Some($field.unwrap_or_else(|| $d)) };
    (@val $kind:ident $field:ident) => { $field };
    (@pat opt $field:ident) => { $field };
    (@pat $kind:ident $field:ident) => { Some($field) };
}

/// `ToJson` / `FromJson` for a newtype over `String`, written as the bare string.
macro_rules! json_string_newtype {
    ($ty:ident) => {
        impl $crate::json::ToJson for $ty {
            fn write_json(&self, out: &mut String) {
                $crate::json::write_str(out, &self.0);
            }
        }

        impl $crate::json::FromJson for $ty {
            fn from_json(v: $crate::json::Value) -> Result<Self, $crate::json::JsonError> {
                <String as $crate::json::FromJson>::from_json(v).map(Self)
            }
        }
    };
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(out, self);
    }
}

impl FromJson for String {
    fn from_json(v: Value) -> Result<Self, JsonError> {
        match v {
            Value::String(s) => Ok(s),
            other => Err(JsonError::expected("a string", &other)),
        }
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl FromJson for bool {
    fn from_json(v: Value) -> Result<Self, JsonError> {
        match v {
            Value::Bool(b) => Ok(b),
            other => Err(JsonError::expected("a boolean", &other)),
        }
    }
}

macro_rules! json_integer {
    ($($t:ty => $as:ident),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
        }

        impl FromJson for $t {
            fn from_json(v: Value) -> Result<Self, JsonError> {
                match &v {
                    Value::Number(n) => n
                        .$as()
                        .and_then(|n| <$t>::try_from(n).ok())
                        .ok_or_else(|| JsonError::new(concat!("expected an integer in the range of ", stringify!($t)))),
                    other => Err(JsonError::expected("an integer", other)),
                }
            }
        }
    )*};
}

json_integer!(i64 => as_i64, u64 => as_u64, u32 => as_u64);

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            v.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: Value) -> Result<Self, JsonError> {
        let mut out = Vec::new();
        read_elements(v, &mut out)?;
        Ok(out)
    }
}

/// Where [`read_elements`] puts an array's elements: a `Vec<T>` for any `T: FromJson`.
trait Elements {
    fn push_json(&mut self, v: Value) -> Result<(), JsonError>;
}

impl<T: FromJson> Elements for Vec<T> {
    fn push_json(&mut self, v: Value) -> Result<(), JsonError> {
        self.push(T::from_json(v)?);
        Ok(())
    }
}

/// Reads array `v` element by element into `out`, naming the index of a bad one: the part of
/// `Vec<T>`'s reader that does not depend on `T`, once.
fn read_elements(v: Value, out: &mut dyn Elements) -> Result<(), JsonError> {
    match v {
        Value::Array(items) => {
            for (i, v) in items.into_iter().enumerate() {
                out.push_json(v).map_err(|e| e.at_index(i))?;
            }
            Ok(())
        }
        other => Err(JsonError::expected("an array", &other)),
    }
}

impl ToJson for Map {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        for (k, v) in self {
            w.field(k, v);
        }
        w.end();
    }
}

/// A map of strings; a repeated key keeps the last value. Values must be strings (the keys
/// are not named in errors: in these maps they come from the other side).
impl FromJson for Map {
    fn from_json(v: Value) -> Result<Self, JsonError> {
        let mut m = Map::new();
        for (k, v) in Fields::new(v)?.0 {
            m.insert(k, String::from_json(v)?);
        }
        Ok(m)
    }
}

impl ToJson for Value {
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => b.write_json(out),
            Value::Number(n) => out.push_str(&n.0),
            Value::String(s) => write_str(out, s),
            Value::Array(a) => a.write_json(out),
            Value::Object(o) => o.write_json(out),
        }
    }
}

impl ToJson for Object {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        for (k, v) in &self.0 {
            w.field(k, v);
        }
        w.end();
    }
}

impl FromJson for Value {
    fn from_json(v: Value) -> Result<Self, JsonError> {
        Ok(v)
    }
}

impl FromJson for Object {
    fn from_json(v: Value) -> Result<Self, JsonError> {
        match v {
            Value::Object(o) => Ok(o),
            other => Err(JsonError::expected("an object", &other)),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_string(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Value {
        match parse_str(s) {
            Ok(v) => v,
            Err(e) => panic!("{s:?}: {e}"),
        }
    }

    fn err(s: &str) -> String {
        match parse_str(s) {
            Ok(v) => panic!("{s:?} parsed as {v:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parses_every_kind_of_value() {
        let v = ok(r#" {"a": [true, false, null, -0.5e+3, 12], "b": {"c": "d"}, "e": ""} "#);
        let a = v
            .get("a")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        assert_eq!(a.len(), 5);
        assert_eq!(a[0], Value::Bool(true));
        assert_eq!(a[2], Value::Null);
        assert_eq!(a[3].as_number().map(Number::as_str), Some("-0.5e+3"));
        assert_eq!(a[4].as_i64(), Some(12));
        assert_eq!(
            v.get("b").and_then(|b| b.get("c")).and_then(Value::as_str),
            Some("d")
        );
        assert_eq!(v.get("e").and_then(Value::as_str), Some(""));
        assert_eq!(ok("[]"), Value::Array(vec![]));
        assert_eq!(ok("{}"), Value::Object(Object::new()));
        assert_eq!(ok("\"x\""), Value::String("x".into()));
    }

    #[test]
    fn unescapes_strings_and_surrogate_pairs() {
        let v = ok(r#""q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u20AC \ud83d\ude00 é😀""#);
        assert_eq!(v.as_str(), Some("q\" b\\ s/ \u{8}\u{c}\n\r\t Aé€ 😀 é😀"));
    }

    #[test]
    fn refuses_what_rfc_8259_refuses() {
        for bad in [
            "",
            " ",
            "{",
            "[",
            "[1,]",
            "{\"a\":1,}",
            "{a:1}",
            "{\"a\" 1}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "1e+",
            "+1",
            "NaN",
            "Infinity",
            "tru",
            "nul",
            "'a'",
            "\"a",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"a\u{1}b\"",
            "\"\t\"",
            "1 2",
            "{} x",
            "[1]]",
            "\u{feff}1",
        ] {
            err(bad);
        }
        assert!(parse(b"\"\xff\"").is_err());
        assert!(parse(b"\"\xc3\"").is_err());
    }

    #[test]
    fn errors_name_the_position_not_the_input() {
        let e = err(r#"{"Password":"hunter2" "#);
        assert!(e.contains("byte"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        assert_eq!(err("[1,]"), "expected a value at byte 3");
        assert_eq!(err("[1"), "unexpected end of input at byte 2");
    }

    #[test]
    fn nesting_is_limited() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse_str(&deep(MAX_DEPTH)).is_ok());
        assert!(err(&deep(MAX_DEPTH + 1)).contains("nesting too deep"));
        let objects = format!(
            "{}1{}",
            "{\"a\":".repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        assert!(err(&objects).contains("nesting too deep"));
        // Far deeper input fails the same way instead of overflowing the stack.
        assert!(parse_str(&"[".repeat(1_000_000)).is_err());
    }

    #[test]
    fn writes_escaped_strings() {
        let mut out = String::new();
        write_str(&mut out, "a\"b\\c/\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}é😀");
        assert_eq!(
            out,
            r#""a\"b\\c/\n\r\t\b\f\u0000\u001f"#.to_owned() + "\u{7f}é😀\""
        );
        // And reads back.
        assert_eq!(
            parse_str(&out).ok().as_ref().and_then(Value::as_str),
            Some("a\"b\\c/\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}é😀")
        );
    }

    #[test]
    fn objects_keep_order_and_last_duplicate_wins_in_lookups() {
        let v = ok(r#"{"b":1,"a":2,"b":3}"#);
        assert_eq!(v.get("b").and_then(Value::as_i64), Some(3));
        assert_eq!(to_string(&v), r#"{"b":1,"a":2,"b":3}"#);
        let mut o = v.as_object().cloned().unwrap_or_default();
        assert_eq!(o.remove("b").and_then(|v| v.as_i64()), Some(3));
        assert_eq!(o.len(), 1);
    }

    #[test]
    fn integers_follow_the_integer_grammar() {
        let n = |s: &str| match ok(s) {
            Value::Number(n) => n,
            other => panic!("{other:?}"),
        };
        assert_eq!(n("3600").as_i64(), Some(3600));
        assert_eq!(n("-42").as_i64(), Some(-42));
        assert_eq!(n("3600.0").as_i64(), None);
        assert_eq!(n("1e3").as_i64(), None);
        assert_eq!(n("9223372036854775807").as_i64(), Some(i64::MAX));
        assert_eq!(n("9223372036854775808").as_i64(), None);
        assert_eq!(n("9223372036854775808").as_u64(), Some(1 << 63));
        assert_eq!(n("-1").as_u64(), None);
        assert_eq!(
            i64::from_json(ok("1.5")).map_err(|e| e.to_string()),
            Err("expected an integer in the range of i64".into())
        );
    }

    #[test]
    fn scaled_is_exact_decimal() {
        let s = |text: &str, shift: i32| match ok(text) {
            Value::Number(n) => n.scaled(shift),
            other => panic!("{other:?}"),
        };
        let round = |text: &str, shift: i32| s(text, shift).map(Scaled::round);
        assert_eq!(round("2.5", 0), Some(3));
        assert_eq!(round("-2.5", 0), Some(-3));
        assert_eq!(round("2.4999", 0), Some(2));
        assert_eq!(round("-0.4", 0), Some(0));
        assert_eq!(round("-0.5", 0), Some(-1));
        assert_eq!(round("1500", -3), Some(2));
        assert_eq!(round("-1499.9", -3), Some(-1));
        assert_eq!(round("12e-1", 0), Some(1));
        assert_eq!(round("1.25e2", 0), Some(125));
        assert_eq!(round("0.000", 0), Some(0));
        assert_eq!(round("0e999999999999", 0), Some(0));
        assert_eq!(round("1e-999999999999", 0), Some(0));
        assert_eq!(s("1e31", 0), None);
        assert_eq!(s("1e999999999999", 0), None);
        assert_eq!(s("123.456", 0).map(|x| x.int), Some(123));
        assert_eq!(s("-123.456", 0).map(|x| x.int), Some(-123));
        let e = |t: &str| s(t, 0).is_some_and(|x| x.abs_exceeds(86_400));
        assert!(!e("86400"));
        assert!(e("86400.001"));
        assert!(e("-86401"));
        assert!(!e("-86400.000"));
    }

    #[derive(Debug, PartialEq)]
    struct Inner {
        name: String,
        n: Option<i64>,
    }
    json_object!(Inner { req name: "Name", opt n: "N" });

    #[derive(Debug, PartialEq)]
    struct Outer {
        items: Vec<Inner>,
        kind: String,
        flag: Option<bool>,
    }
    json_object!(Outer { req items: "Items", def kind: "Kind" = "k".to_owned(), opt flag: "Flag" });

    #[test]
    fn objects_read_and_write_by_field() {
        let v: Outer =
            match from_str(r#"{"Items":[{"Name":"a","N":null,"X":[1]}],"Flag":true,"Y":{}}"#) {
                Ok(v) => v,
                Err(e) => panic!("{e}"),
            };
        assert_eq!(
            v,
            Outer {
                items: vec![Inner {
                    name: "a".into(),
                    n: None
                }],
                kind: "k".into(),
                flag: Some(true),
            }
        );
        assert_eq!(
            to_string(&v),
            r#"{"Items":[{"Name":"a"}],"Kind":"k","Flag":true}"#
        );
        let e = |s: &str| from_str::<Outer>(s).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            e(r#"{"Items":[{"Name":"a"},{"Name":5}]}"#),
            Err("Items[1].Name: expected a string, got a number".into())
        );
        assert_eq!(
            e(r#"{"Items":[{"N":1}]}"#),
            Err("Items[0]: missing field `Name`".into())
        );
        assert_eq!(e(r#"{}"#), Err("missing field `Items`".into()));
        assert_eq!(e(r#"[]"#), Err("expected an object, got an array".into()));
        assert_eq!(
            e(r#"{"Items":[],"Flag":"yes"}"#),
            Err("Flag: expected a boolean, got a string".into())
        );
        assert_eq!(
            e(r#"{"Items":[],"Items":[]}"#),
            Err("duplicate field `Items`".into())
        );
        // Several bad fields: the first in declaration order is reported (reads after the
        // first error are skipped, none overwrites it).
        assert_eq!(
            e(r#"{"Flag":1,"Kind":null}"#),
            Err("missing field `Items`".into())
        );
        assert_eq!(
            e(r#"{"Items":[],"Kind":null,"Flag":1,"Flag":2}"#),
            Err("Kind: expected a string, got null".into())
        );
        assert_eq!(
            e(r#"{"Items":[],"Flag":1,"Flag":2}"#),
            Err("duplicate field `Flag`".into())
        );
    }

    #[derive(Debug, PartialEq)]
    struct Defaults {
        kind: String,
        n: i64,
    }
    json_object!(Defaults { def kind: "Kind" = "k".to_owned(), req n: "N" });

    #[test]
    fn defaulted_fields_take_the_default_only_when_absent() {
        let e = |s: &str| from_str::<Defaults>(s).map_err(|e| e.to_string());
        assert_eq!(
            e(r#"{"N":1}"#),
            Ok(Defaults {
                kind: "k".into(),
                n: 1
            })
        );
        assert_eq!(
            e(r#"{"Kind":"x","N":2}"#),
            Ok(Defaults {
                kind: "x".into(),
                n: 2
            })
        );
        // `null` is read as the type (and refused), as serde's `default` does.
        assert_eq!(
            e(r#"{"Kind":null,"N":1}"#),
            Err("Kind: expected a string, got null".into())
        );
        assert_eq!(e(r#"{"Kind":"x"}"#), Err("missing field `N`".into()));
        assert_eq!(
            e(r#"{"N":null}"#),
            Err("N: expected an integer, got null".into())
        );
        // Anything but an object is refused before any field is read.
        assert_eq!(
            from_str::<Defaults>("1").map_err(|e| e.to_string()),
            Err("expected an object, got a number".into())
        );
    }

    #[test]
    fn hand_written_readers_share_the_field_rules() {
        let fields = |s: &str| match parse_str(s).and_then(Fields::new) {
            Ok(f) => f,
            Err(e) => panic!("{s:?}: {e}"),
        };
        let mut f = fields(r#"{"a":"x","b":null,"c":1,"d":[1,"y"],"d":2}"#);
        assert_eq!(f.required::<String>("a"), Ok("x".to_owned()));
        assert_eq!(f.optional::<String>("b"), Ok(None));
        assert_eq!(f.optional::<String>("z"), Ok(None));
        assert_eq!(
            f.required::<String>("b").map_err(|e| e.to_string()),
            Err("missing field `b`".into()),
            "a member is taken once"
        );
        assert_eq!(
            f.required::<String>("c").map_err(|e| e.to_string()),
            Err("c: expected a string, got a number".into())
        );
        assert_eq!(
            f.optional::<Vec<i64>>("d").map_err(|e| e.to_string()),
            Err("duplicate field `d`".into())
        );
        let mut f = fields(r#"{"d":[1,"y"]}"#);
        let e = f.required::<Vec<i64>>("d").map_err(|e| e.to_string());
        assert_eq!(e, Err("d[1]: expected an integer, got a string".into()));
    }
}
