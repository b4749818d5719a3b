//! A PROTOCOL.md adapter: one JSON request per line on stdin, one answer per line on
//! stdout, flushed after each, until stdin ends. The subject is whatever implements
//! `Port`; `port.rs` is a small port of the queue and channel, plugged in by `main`.

mod json;
mod port;

use json::Value;
use std::io::{self, BufRead, Write};

/// Every `{"err": NAME}` of the protocol. A port refuses with the first five; the
/// adapter answers the last three, which are about the request, not the subject.
#[derive(Debug)]
pub enum Error {
    QueueFull,
    Closed,
    Full,
    Empty,
    Disconnected,
    BadRequest,
    NoSubject,
    Unsupported,
}

/// What a port implements: one subject, a channel and the queue sending into it
/// (`try_send` is the other producer's send on the same channel).
#[allow(clippy::len_without_is_empty)] // `len` is the protocol's operation; `has_pending` is its emptiness
pub trait Port {
    fn new(capacity: usize, cap: u64) -> Self;
    fn enqueue_or_send(&mut self, item: i64) -> Result<(), Error>;
    fn try_drain_one(&mut self) -> Result<bool, Error>;
    fn has_pending(&self) -> bool;
    fn len(&self) -> usize;
    fn try_send(&mut self, item: i64) -> Result<(), Error>;
    fn try_recv(&mut self) -> Result<i64, Error>;
    fn close(&mut self);
    fn drop_receiver(&mut self);
    fn capacity(&self) -> usize;
}

/// The integer field `name` if it is written as one (no fraction, no exponent, not
/// `-0`) and lies in low..=high; parsed from its text, never through a double.
fn int_field(fields: &json::Fields, name: &str, low: i128, high: i128) -> Result<i128, Error> {
    match fields.get(name) {
        Some(Value::Num(text)) if text != "-0" && !text.contains(['.', 'e', 'E']) => {
            text.parse::<i128>().ok().filter(|n| (low..=high).contains(n)).ok_or(Error::BadRequest)
        }
        _ => Err(Error::BadRequest),
    }
}

/// The answer's JSON value to one non-blank request line, or the error it gets.
/// Request errors go in PROTOCOL.md's order: BadRequest, then NoSubject, then Unsupported.
fn respond<P: Port>(line: &[u8], subject: &mut Option<P>) -> Result<String, Error> {
    let text = std::str::from_utf8(line).map_err(|_| Error::BadRequest)?;
    let fields = json::parse_object(text).ok_or(Error::BadRequest)?;
    let Some(Value::Str(op)) = fields.get("op") else {
        return Err(Error::BadRequest);
    };
    let item = match op.as_str() {
        "enqueue_or_send" | "try_send" => {
            int_field(&fields, "item", i64::MIN.into(), i64::MAX.into())? as i64
        }
        // v2: `send` needs an `item` and `poll`/`cancel` a `task` (read as an item) here.
        _ => 0,
    };
    if op == "new" {
        let capacity = int_field(&fields, "capacity", 1, (1 << 61) - 1)?;
        let cap = int_field(&fields, "cap", 0, u64::MAX.into())?;
        *subject = Some(P::new(capacity as usize, cap as u64));
        return Ok("null".into());
    }
    let s = subject.as_mut().ok_or(Error::NoSubject)?;
    Ok(match op.as_str() {
        "enqueue_or_send" => s.enqueue_or_send(item).map(|()| "null".into())?,
        "try_drain_one" => s.try_drain_one()?.to_string(),
        "has_pending" => s.has_pending().to_string(),
        "len" => s.len().to_string(),
        "try_send" => s.try_send(item).map(|()| "null".into())?,
        "try_recv" => s.try_recv()?.to_string(),
        "close" => {
            s.close();
            "null".into()
        }
        "drop_receiver" => {
            s.drop_receiver();
            "null".into()
        }
        "capacity" => s.capacity().to_string(),
        // v2 task operations (send, recv, notified, notify_one, poll, cancel) go here.
        _ => return Err(Error::Unsupported),
    })
}

fn main() -> io::Result<()> {
    let (mut input, mut out) = (io::stdin().lock(), io::stdout().lock());
    let mut subject: Option<port::Subject> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(()); // end of input: the session is over
        }
        let request = line.strip_suffix(b"\n").unwrap_or(&line);
        if request.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            continue; // a blank line is not a request and gets no answer
        }
        match respond(request, &mut subject) {
            Ok(value) => writeln!(out, "{{\"ok\":{value}}}")?,
            Err(error) => writeln!(out, "{{\"err\":\"{error:?}\"}}")?,
        }
        out.flush()?;
    }
}
