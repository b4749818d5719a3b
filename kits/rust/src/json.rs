//! Just enough JSON for PROTOCOL.md requests: one object per line, read exactly.
//!
//! Numbers are kept as their source text, so an item is parsed once, as an
//! integer, and never passes through a double (2^53 + 1 would come back as 2^53).
//! Nested values are checked and dropped: no field the protocol needs is nested.

use std::collections::HashMap;

/// A field's value, as far as the protocol needs it.
pub enum Value {
    Str(String),
    /// A number's text, as written (grammar checked, value not).
    Num(String),
    /// true, false, null, an array or an object.
    Other,
}

pub type Fields = HashMap<String, Value>;

/// The fields of `text` if it is exactly one JSON object (RFC 8259), else None.
/// Of a key given twice the last counts; nesting 128 or more levels deep is refused.
pub fn parse_object(text: &str) -> Option<Fields> {
    let (mut p, mut fields) = (Parser { s: text.as_bytes(), i: 0 }, Fields::new());
    p.ws();
    if p.peek() != Some(b'{') {
        return None;
    }
    p.container(1, Some(&mut fields))?;
    p.ws();
    (p.i == p.s.len()).then_some(fields)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.i += hit as usize;
        hit
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }
    /// An object or array at nesting `depth`; the members of an object go into `fields`.
    fn container(&mut self, depth: usize, mut fields: Option<&mut Fields>) -> Option<()> {
        let close = match self.peek()? {
            b'{' => b'}',
            b'[' => b']',
            _ => return None,
        };
        if depth >= 128 {
            return None; // nested too deep
        }
        self.i += 1;
        self.ws();
        if self.eat(close) {
            return Some(());
        }
        loop {
            if close == b'}' {
                self.ws();
                let key = self.string()?;
                self.ws();
                if !self.eat(b':') {
                    return None;
                }
                let value = self.value(depth)?;
                if let Some(fields) = fields.as_mut() {
                    fields.insert(key, value);
                }
            } else {
                self.value(depth)?;
            }
            if self.eat(close) {
                return Some(());
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }
    /// One value with the whitespace around it, inside `depth` containers.
    fn value(&mut self, depth: usize) -> Option<Value> {
        self.ws();
        let value = match self.peek()? {
            b'{' | b'[' => self.container(depth + 1, None).map(|()| Value::Other)?,
            b'"' => Value::Str(self.string()?),
            b'-' | b'0'..=b'9' => Value::Num(self.number()?),
            _ => {
                let rest = &self.s[self.i..];
                let word = ["true", "false", "null"]
                    .into_iter()
                    .find(|w| rest.starts_with(w.as_bytes()))?;
                self.i += word.len();
                Value::Other
            }
        };
        self.ws();
        Some(value)
    }
    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }
    fn number(&mut self) -> Option<String> {
        let start = self.i;
        self.eat(b'-');
        let leading_zero = self.peek() == Some(b'0');
        let n = self.digits();
        if n == 0 || (leading_zero && n > 1) {
            return None;
        }
        if self.eat(b'.') && self.digits() == 0 {
            return None;
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _sign = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return None;
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        // A number no double can hold (1e400) is refused, as the seed oracle does.
        text.parse::<f64>().ok()?.is_finite().then(|| text.to_string())
    }
    fn hex4(&mut self) -> Option<u32> {
        let hex = self.s.get(self.i..self.i + 4)?;
        self.i += 4;
        let hex =
            std::str::from_utf8(hex).ok().filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))?;
        u32::from_str_radix(hex, 16).ok()
    }
    fn string(&mut self) -> Option<String> {
        if !self.eat(b'"') {
            return None;
        }
        let mut out = Vec::new();
        loop {
            match self.peek()? {
                b'"' => break,
                0..=0x1f => return None, // raw control characters are not JSON
                b'\\' => {
                    self.i += 1;
                    let escaped = self.peek()?;
                    self.i += 1;
                    let c = match escaped {
                        b'"' | b'\\' | b'/' => escaped as char,
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut code = self.hex4()?;
                            if (0xD800..0xDC00).contains(&code) {
                                // A high surrogate must be followed by an escaped low one.
                                if !(self.eat(b'\\') && self.eat(b'u')) {
                                    return None;
                                }
                                let low = self.hex4().filter(|c| (0xDC00..0xE000).contains(c))?;
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                            }
                            char::from_u32(code)? // None for a lone low surrogate
                        }
                        _ => return None,
                    };
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    continue;
                }
                b => out.push(b),
            }
            self.i += 1;
        }
        self.i += 1;
        String::from_utf8(out).ok()
    }
}
