//! A request head as `gush catch --http` takes it: what httparse leaves to
//! its caller, checked. One Content-Length of digits only, not both it and
//! chunked (RFC 9112 §6.3): request smuggling lives in those gaps, where a
//! proxy in front and this server could read one request as two, so each
//! is refused with 400 ([`Refused`]).

use std::fmt;

use anyhow::{Result, anyhow};

/// One request's head.
pub(super) struct Head {
    /// POST or PUT: a body to take. Anything else is answered 405.
    pub takes_body: bool,
    pub content_length: Option<u64>,
    pub chunked: bool,
    pub close: bool,
    pub sequence: Option<u64>,
    pub expect_continue: bool,
}

/// A request catch will not serve: answered with `status`, then the
/// connection is closed.
#[derive(Debug)]
pub(super) struct Refused {
    pub status: &'static str,
    pub why: String,
}

impl Refused {
    pub fn bad(why: String) -> anyhow::Error {
        anyhow!(Refused {
            status: "400 Bad Request",
            why,
        })
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (answered {})", self.why, self.status)
    }
}

impl std::error::Error for Refused {}

impl Head {
    /// Checks what httparse leaves to its caller.
    pub fn of(request: &httparse::Request) -> Result<Head> {
        let method = request.method.unwrap_or_default();
        let mut head = Head {
            takes_body: matches!(method, "POST" | "PUT"),
            content_length: None,
            chunked: false,
            // HTTP/1.0 closes after each request.
            close: request.version != Some(1),
            sequence: None,
            expect_continue: false,
        };
        for header in request.headers.iter() {
            let value = String::from_utf8_lossy(header.value);
            let name = header.name.to_ascii_lowercase();
            match name.as_str() {
                "content-length" => {
                    if head.content_length.is_some() {
                        // Even two equal ones: a proxy in front may have
                        // read either (RFC 9112 §6.3 item 5).
                        return Err(Refused::bad(
                            "more than one Content-Length (RFC 9112 §6.3)".to_string(),
                        ));
                    }
                    head.content_length = Some(digits(&value).ok_or_else(|| {
                        Refused::bad(format!("a bad Content-Length {value:?}: give digits only"))
                    })?);
                }
                "transfer-encoding" => {
                    if head.chunked || !value.trim().eq_ignore_ascii_case("chunked") {
                        return Err(Refused::bad(format!(
                            "an unsupported Transfer-Encoding {value:?}: only one chunked is taken"
                        )));
                    }
                    head.chunked = true;
                }
                "connection" => {
                    for token in value.split(',').map(str::trim) {
                        if token.eq_ignore_ascii_case("close") {
                            head.close = true;
                        } else if token.eq_ignore_ascii_case("keep-alive") {
                            head.close = false;
                        }
                    }
                }
                "expect" => head.expect_continue = value.eq_ignore_ascii_case("100-continue"),
                "x-gush-seq" => {
                    head.sequence = Some(digits(&value).ok_or_else(|| {
                        Refused::bad(format!("a bad X-Gush-Seq {value:?}: give digits only"))
                    })?);
                }
                _ => {}
            }
        }
        if head.chunked && head.content_length.is_some() {
            return Err(Refused::bad(
                "both Content-Length and chunked (RFC 9112 §6.3)".to_string(),
            ));
        }
        Ok(head)
    }
}

/// A decimal number of digits only: `str::parse` would also take `+6`.
fn digits(value: &str) -> Option<u64> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}
