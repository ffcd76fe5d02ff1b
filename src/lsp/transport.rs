//! Content-Length framed JSON-RPC over stdin/stdout, built on `lsp_server::Message`.
//!
//! `lsp_server::Connection::stdio` ends its reader thread on the first malformed payload and
//! allocates whatever a `Content-Length` header claims; a linter server must outlive a bad
//! client message. This reader resynchronises after a bad header, discards oversized bodies
//! without buffering them, and hands unparsable payloads to the server loop, which answers
//! them with a JSON-RPC error and goes on.

use lsp_server::Message;
use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

/// Bodies larger than this are skipped (the document limit for checking is much lower).
pub const MAX_BODY: usize = 64 * 1024 * 1024;
/// A header line longer than this is garbage.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// What the reader passes to the server loop.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame that was not a JSON-RPC message. `id` is the request id when one could be read.
    Malformed {
        id: Option<serde_json::Value>,
        error: String,
        /// The payload was not JSON at all (JSON-RPC "Parse error" rather than "Invalid Request").
        parse_error: bool,
    },
}

/// What the server loop writes.
#[derive(Debug)]
pub enum Outgoing {
    Message(Message),
    /// A pre-serialised JSON-RPC message (for error responses whose id is `null`).
    Raw(serde_json::Value),
}

pub struct Transport {
    pub incoming: Receiver<Incoming>,
    pub outgoing: Sender<Outgoing>,
    writer: JoinHandle<()>,
}

impl Transport {
    /// Reader and writer threads on stdin/stdout. The reader thread is left blocked on stdin
    /// at exit (the process ends with the server loop); the writer is joined by [`finish`].
    pub fn stdio() -> Transport {
        let (in_tx, in_rx) = sync_channel::<Incoming>(64);
        let (out_tx, out_rx) = channel::<Outgoing>();
        std::thread::Builder::new()
            .name("lsp-reader".into())
            .spawn(move || read_loop(&mut io::stdin().lock(), &in_tx))
            .expect("spawn the reader thread");
        let writer = std::thread::Builder::new()
            .name("lsp-writer".into())
            .spawn(move || write_loop(&mut io::stdout().lock(), out_rx))
            .expect("spawn the writer thread");
        Transport {
            incoming: in_rx,
            outgoing: out_tx,
            writer,
        }
    }

    /// Flush what is queued and stop the writer.
    pub fn finish(self) {
        drop(self.outgoing);
        let _ = self.writer.join();
    }
}

fn read_loop(input: &mut impl BufRead, tx: &SyncSender<Incoming>) {
    loop {
        let item = match read_frame(input) {
            Ok(Frame::Eof) => return,
            Ok(Frame::Body(body)) => parse(&body),
            Ok(Frame::Bad(why)) => {
                eprintln!("ticketlint lsp: skipped malformed input: {why}");
                continue;
            }
            Err(e) => {
                eprintln!("ticketlint lsp: reading stdin: {e}");
                return;
            }
        };
        if tx.send(item).is_err() {
            return;
        }
    }
}

fn parse(body: &[u8]) -> Incoming {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Incoming::Malformed {
                id: None,
                error: format!("invalid JSON: {e}"),
                parse_error: true,
            };
        }
    };
    let id = value.get("id").filter(|id| id.is_string() || id.is_number()).cloned();
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        Err(e) => Incoming::Malformed {
            id,
            error: format!("not a JSON-RPC message: {e}"),
            parse_error: false,
        },
    }
}

#[derive(Debug, PartialEq)]
enum Frame {
    Body(Vec<u8>),
    /// Bad framing; the bytes read so far are dropped and reading goes on.
    Bad(String),
    Eof,
}

fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<usize> = None;
    let mut headers = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = input.by_ref().take(MAX_HEADER_LINE).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(if headers == 0 {
                Frame::Eof
            } else {
                Frame::Bad("end of input inside headers".into())
            });
        }
        if line.last() != Some(&b'\n') && n as u64 == MAX_HEADER_LINE {
            return Ok(Frame::Bad("header line too long".into()));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if headers == 0 {
                continue; // stray blank line between messages
            }
            break;
        }
        headers += 1;
        let Some((name, value)) = text.split_once(':') else {
            return Ok(Frame::Bad(format!("not a header: {:?}", truncate(text))));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            match value.trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => return Ok(Frame::Bad(format!("bad Content-Length: {:?}", truncate(value)))),
            }
        }
    }
    let Some(length) = length else {
        return Ok(Frame::Bad("no Content-Length header".into()));
    };
    if length > MAX_BODY {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        return Ok(Frame::Bad(format!(
            "message of {length} bytes is over the {MAX_BODY}-byte limit"
        )));
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => Ok(Frame::Body(body)),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(Frame::Eof),
        Err(e) => Err(e),
    }
}

fn truncate(s: &str) -> &str {
    match s.char_indices().nth(80) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn write_loop(out: &mut impl Write, rx: Receiver<Outgoing>) {
    for item in rx {
        let result = match item {
            Outgoing::Message(m) => m.write(out),
            Outgoing::Raw(mut v) => {
                v["jsonrpc"] = "2.0".into();
                let text = v.to_string();
                write!(out, "Content-Length: {}\r\n\r\n{text}", text.len()).and_then(|_| out.flush())
            }
        };
        if let Err(e) = result {
            eprintln!("ticketlint lsp: writing stdout: {e}");
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Frame> {
        let mut r = io::BufReader::new(input.as_bytes());
        let mut out = Vec::new();
        loop {
            match read_frame(&mut r).unwrap() {
                Frame::Eof => return out,
                f => out.push(f),
            }
        }
    }

    #[test]
    fn resynchronises_after_garbage() {
        let ok = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let input = format!(
            "garbage line\r\nContent-Length: 3\r\n\r\n{{x}}Content-Length: {}\r\ncontent-type: x\r\n\r\n{ok}",
            ok.len()
        );
        let got = frames(&input);
        assert!(matches!(got[0], Frame::Bad(_)), "{got:?}");
        assert_eq!(got[1], Frame::Body(b"{x}".to_vec()));
        assert_eq!(got[2], Frame::Body(ok.as_bytes().to_vec()));
        assert!(matches!(parse(b"{x}"), Incoming::Malformed { parse_error: true, .. }));
        assert!(matches!(parse(ok.as_bytes()), Incoming::Message(_)));
    }

    #[test]
    fn oversized_body_is_skipped_without_buffering() {
        let input = format!("Content-Length: {}\r\n\r\n", MAX_BODY + 1);
        let mut r = io::BufReader::new(input.as_bytes());
        assert!(matches!(read_frame(&mut r).unwrap(), Frame::Bad(_)));
    }

    #[test]
    fn request_with_bad_shape_keeps_its_id() {
        match parse(br#"{"jsonrpc":"2.0","id":7,"method":3}"#) {
            Incoming::Malformed { id, parse_error, .. } => {
                assert_eq!(id, Some(serde_json::json!(7)));
                assert!(!parse_error);
            }
            other => panic!("{other:?}"),
        }
    }
}
