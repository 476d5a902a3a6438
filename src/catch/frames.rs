//! Decoding octet-counted frames (RFC 6587 §3.4.1): `MSG-LEN SP MSG`,
//! where MSG-LEN is `NONZERO-DIGIT *DIGIT`, the message's length in bytes.
//! The grammar of MSG-LEN is `source::framing`'s, the one every reader of
//! frames uses; this file adds what a stream needs on top of it.
//!
//! The decoder counts frames and finds where they end without keeping any
//! message: a read's bytes go through a two-state machine (in a length, in
//! a body) and a body is skipped by arithmetic, so it costs nothing per
//! byte of message and holds nothing between reads but two numbers.

use std::fmt;

use crate::source::framing::{LengthByte, MAX_FRAME, length_byte};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading MSG-LEN: the value so far (0 before its first digit).
    Length(u64),
    /// Inside MSG: bytes still to skip.
    Body(u64),
}

#[derive(Debug, Clone)]
pub struct OctetCounting {
    state: State,
    /// Stream offset of the next byte, for messages.
    offset: u64,
}

/// What one read's bytes held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decoded {
    /// Frames that ended in these bytes (before a malformed one).
    pub messages: u64,
    /// Where the last of them ended, as an index into the bytes.
    pub last_end: Option<usize>,
    /// The first byte that broke the framing; nothing after it counts.
    pub malformed: Option<Malformed>,
}

/// A byte that cannot be where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// Stream offset of the byte (from 0, the connection's first byte).
    pub offset: u64,
    pub problem: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed octet-counted frame at byte {}: {}",
            self.offset, self.problem
        )
    }
}

impl std::error::Error for Malformed {}

impl Default for OctetCounting {
    fn default() -> OctetCounting {
        OctetCounting {
            state: State::Length(0),
            offset: 0,
        }
    }
}

impl OctetCounting {
    pub fn decode(&mut self, data: &[u8]) -> Decoded {
        let mut decoded = Decoded::default();
        let mut at = 0;
        while at < data.len() {
            match self.state {
                State::Body(left) => {
                    let take = left.min((data.len() - at) as u64);
                    at += take as usize;
                    if take == left {
                        decoded.messages += 1;
                        decoded.last_end = Some(at);
                        self.state = State::Length(0);
                    } else {
                        self.state = State::Body(left - take);
                    }
                }
                State::Length(value) => {
                    let byte = data[at];
                    let bad = |problem: String| Malformed {
                        offset: self.offset + at as u64,
                        problem,
                    };
                    self.state = match length_byte(value, byte) {
                        LengthByte::Digit(so_far) => State::Length(so_far),
                        LengthByte::End(length) => State::Body(length),
                        LengthByte::TooLong => {
                            decoded.malformed =
                                Some(bad(format!("a frame length over {MAX_FRAME} bytes")));
                            return decoded;
                        }
                        LengthByte::Unexpected { expected } => {
                            decoded.malformed =
                                Some(bad(format!("expected {expected}, found {}", shown(byte))));
                            return decoded;
                        }
                    };
                    at += 1;
                }
            }
        }
        self.offset += data.len() as u64;
        decoded
    }

    /// At the end of the stream: an error if it stopped inside a frame.
    pub fn finish(&self) -> Result<(), Malformed> {
        match self.state {
            State::Length(0) => Ok(()),
            _ => Err(Malformed {
                offset: self.offset,
                problem: "the connection ended inside a frame".to_string(),
            }),
        }
    }
}

/// A byte as a reader wants to see it: `'x'` if printable, else hex.
fn shown(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}'", byte as char)
    } else {
        format!("0x{byte:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_frames_across_any_cut() {
        let stream = b"5 hello11 hello world3 abc";
        for cut in 0..stream.len() {
            let mut decoder = OctetCounting::default();
            let first = decoder.decode(&stream[..cut]);
            let second = decoder.decode(&stream[cut..]);
            assert_eq!(first.messages + second.messages, 3, "cut at {cut}");
            assert!(decoder.finish().is_ok());
        }
    }

    #[test]
    fn reports_where_the_last_frame_ended() {
        let mut decoder = OctetCounting::default();
        let decoded = decoder.decode(b"2 ab3 xy");
        assert_eq!(decoded.messages, 1);
        assert_eq!(decoded.last_end, Some(4));
        assert!(decoder.finish().is_err());
    }

    #[test]
    fn a_bad_byte_is_reported_with_its_offset() {
        let mut decoder = OctetCounting::default();
        decoder.decode(b"2 ab");
        let decoded = decoder.decode(b"3 abc1x");
        assert_eq!(decoded.messages, 1);
        let err = decoded.malformed.unwrap();
        assert_eq!(err.offset, 10);
        assert_eq!(
            err.to_string(),
            "malformed octet-counted frame at byte 10: expected a digit or a space, found 'x'"
        );
        let err = OctetCounting::default().decode(b"0 ").malformed.unwrap();
        assert_eq!(err.offset, 0);
        let err = OctetCounting::default()
            .decode(b"99999999999 ")
            .malformed
            .unwrap();
        assert!(err.problem.contains("over"), "{err}");
    }
}
