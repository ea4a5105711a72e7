//! Helpers shared by core's integration tests.

/// Every non-ASCII character of `text` as a `\u` escape (surrogate pairs beyond the BMP), with
/// hex digits in upper or lower case, so both spellings get read. JSON text has non-ASCII
/// characters only inside strings, so the result means the same.
pub fn escape_non_ascii(text: &str, upper_hex: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&if upper_hex {
                    format!("\\u{u:04X}")
                } else {
                    format!("\\u{u:04x}")
                });
            }
        }
    }
    out
}
