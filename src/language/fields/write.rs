//! The hot loop: writing one field of one record into the chunk.

use super::dates::write_date;
use super::{Field, FromColumn};
use crate::language::out::Out;
use crate::language::sequence::{Ctx, RecordRng};
use crate::language::words;

const HEX: &[u8; 16] = b"0123456789abcdef";

impl Field {
    /// Writes this field for the record in `ctx`.
    #[inline]
    pub fn write(&self, ctx: &mut Ctx, out: &mut Out) -> Option<()> {
        let rng = &mut ctx.rng;
        match self {
            Field::Counter { width } => {
                ctx.value = ctx.n as i64;
                let mut digits = itoa::Buffer::new();
                let text = digits.format(ctx.n).as_bytes();
                for _ in text.len()..*width {
                    out.byte(b'0')?;
                }
                out.put(text)
            }
            Field::Int { lo, span, from } => {
                // lo + offset is at most HI, an i64: two's complement
                // wrapping lands exactly there.
                let value = (*lo as u64).wrapping_add(rng.below(*span)) as i64;
                let value = value.wrapping_add(base(&ctx.slots.values, *from));
                ctx.value = value;
                out.put(itoa::Buffer::new().format(value).as_bytes())
            }
            Field::Float {
                lo,
                span,
                digits,
                from,
            } => {
                let value = lo.wrapping_add(rng.below(*span) as i64);
                let value = value.wrapping_add(base(&ctx.slots.values, *from));
                ctx.value = value;
                write_scaled(value, *digits, out)
            }
            Field::Dist(dist) => {
                let value = dist.draw_scaled(rng);
                ctx.value = value;
                write_scaled(value, dist.digits, out)
            }
            Field::Zipf(zipf) => {
                let value = zipf.draw(rng);
                ctx.value = value as i64;
                out.put(itoa::Buffer::new().format(value).as_bytes())
            }
            Field::Date { lo, span, from } => {
                let days = lo.wrapping_add(rng.below(*span) as i64);
                let days = days.wrapping_add(base(&ctx.slots.values, *from));
                ctx.value = days;
                write_date(days, out)
            }
            Field::TsRange {
                lo,
                span,
                format,
                from,
            } => {
                let ns = lo.wrapping_add(rng.below(*span) as i64);
                let ns = ns.wrapping_add(base(&ctx.slots.values, *from));
                ctx.value = ns;
                let mut scratch = [0; 40];
                out.put(ctx.civil.format(ns, *format, &mut scratch))
            }
            Field::Bool => out.put(if rng.next_u64() >> 63 == 1 {
                b"true"
            } else {
                b"false"
            }),
            Field::Hex { len } => {
                for pair in out.reserve(*len)?.chunks_mut(16) {
                    let mut bits = rng.next_u64();
                    for digit in pair {
                        *digit = HEX[(bits & 15) as usize];
                        bits >>= 4;
                    }
                }
                Some(())
            }
            Field::Alnum { len } => {
                const ALNUM: &[u8; 62] =
                    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
                fill_from(out.reserve(*len)?, rng, |bits| {
                    ALNUM[((bits * 62) >> 16) as usize]
                })
            }
            Field::Ascii { len } => fill_from(out.reserve(*len)?, rng, |bits| {
                b' ' + ((bits * 95) >> 16) as u8
            }),
            Field::Choice(choice)
            | Field::HttpMethod(choice)
            | Field::HttpStatus(choice)
            | Field::Level(choice) => out.put(choice.pick(rng)),
            Field::Uuid => write_uuid(rng, out),
            Field::Word => out.put(rng.pick(words::WORDS)),
            Field::Words { count } => {
                for i in 0..*count {
                    if i > 0 {
                        out.byte(b' ')?;
                    }
                    out.put(rng.pick(words::WORDS))?;
                }
                Some(())
            }
            Field::Sentence => {
                let count = 6 + rng.below(9) as usize;
                let first = out.len;
                for i in 0..count {
                    if i > 0 {
                        out.byte(b' ')?;
                    }
                    out.put(rng.pick(words::WORDS))?;
                }
                out.bytes_mut()[first].make_ascii_uppercase();
                out.byte(b'.')
            }
            Field::First => out.put(ctx.person.first),
            Field::Last => out.put(ctx.person.last),
            Field::Name => {
                out.put(ctx.person.first)?;
                out.byte(b' ')?;
                out.put(ctx.person.last)
            }
            Field::Email => {
                let start = out.len;
                out.put(ctx.person.first)?;
                out.byte(b'.')?;
                out.put(ctx.person.last)?;
                let end = out.len;
                out.bytes_mut()[start..end].make_ascii_lowercase();
                if rng.next_u64() & 1 == 1 {
                    out.put(itoa::Buffer::new().format(rng.below(100)).as_bytes())?;
                }
                out.byte(b'@')?;
                write_domain(rng, out)
            }
            Field::Username => {
                let start = out.len;
                out.put(ctx.person.first)?;
                out.put(&ctx.person.last[..1])?;
                let end = out.len;
                out.bytes_mut()[start..end].make_ascii_lowercase();
                out.put(itoa::Buffer::new().format(rng.below(1000)).as_bytes())
            }
            Field::Ipv4 => {
                let bits = rng.next_u64();
                let mut digits = itoa::Buffer::new();
                out.put(digits.format(1 + (bits & 0xff) % 223).as_bytes())?;
                for shift in [8, 16, 24] {
                    out.byte(b'.')?;
                    out.put(digits.format((bits >> shift) & 0xff).as_bytes())?;
                }
                Some(())
            }
            Field::Ipv6 => {
                let bits = [rng.next_u64(), rng.next_u64()];
                for group in 0..8 {
                    if group > 0 {
                        out.byte(b':')?;
                    }
                    let word = (bits[group / 4] >> (16 * (group % 4))) & 0xffff;
                    write_hex_trimmed(word, out)?;
                }
                Some(())
            }
            Field::Mac => {
                let bits = rng.next_u64();
                for octet in 0..6 {
                    if octet > 0 {
                        out.byte(b':')?;
                    }
                    let byte = (bits >> (8 * octet)) & 0xff;
                    out.put(&[HEX[(byte >> 4) as usize], HEX[(byte & 15) as usize]])?;
                }
                Some(())
            }
            Field::Domain => write_domain(rng, out),
            Field::Url => {
                out.put(b"https://")?;
                write_domain(rng, out)?;
                write_path(rng, out)
            }
            Field::Path => write_path(rng, out),
            Field::UserAgent => out.put(rng.pick(words::USER_AGENTS)),
            Field::Host => {
                out.put(rng.pick(words::HOSTS))?;
                out.byte(b'-')?;
                let number = rng.below(100) as u8;
                out.put(&[b'0' + number / 10, b'0' + number % 10])
            }
            Field::App => out.put(rng.pick(words::APPS)),
            Field::Ts(format) => {
                ctx.value = ctx.ts_ns;
                let mut scratch = [0; 40];
                out.put(ctx.civil.format(ctx.ts_ns, *format, &mut scratch))
            }
        }
    }
}

/// The earlier column's value a derived field adds to, in the field's
/// unit; 0 for a field of its own.
#[inline(always)]
fn base(values: &[i64; crate::language::sequence::SLOTS], from: Option<FromColumn>) -> i64 {
    match from {
        Some(from) => values[from.slot as usize].wrapping_mul(from.scale),
        None => 0,
    }
}

/// Fills `slot` with bytes made from 16 random bits each.
#[inline]
fn fill_from(slot: &mut [u8], rng: &mut RecordRng, byte: impl Fn(u64) -> u8) -> Option<()> {
    for quad in slot.chunks_mut(4) {
        let mut bits = rng.next_u64();
        for out in quad {
            *out = byte(bits & 0xffff);
            bits >>= 16;
        }
    }
    Some(())
}

/// `value` × 10^-digits, as decimal text: the digits of |value| formatted
/// once, with the point put in and zeros ahead of a value under 1 (two
/// `itoa` calls and a division by 10^digits cost a float column half again
/// as much).
pub(super) fn write_scaled(value: i64, digits: u32, out: &mut Out) -> Option<()> {
    if value < 0 {
        out.byte(b'-')?;
    }
    let mut text = itoa::Buffer::new();
    let text = text.format(value.unsigned_abs()).as_bytes();
    let digits = digits as usize;
    if digits == 0 {
        return out.put(text);
    }
    if text.len() > digits {
        let (whole, fraction) = text.split_at(text.len() - digits);
        out.put(whole)?;
        out.byte(b'.')?;
        out.put(fraction)
    } else {
        out.put(b"0.")?;
        for _ in text.len()..digits {
            out.byte(b'0')?;
        }
        out.put(text)
    }
}

/// A version 4 UUID (RFC 9562 §5.4) from the seeded stream.
fn write_uuid(rng: &mut RecordRng, out: &mut Out) -> Option<()> {
    let high = (rng.next_u64() & !0xf000) | 0x4000; // version 4
    let low = (rng.next_u64() & !(0b11 << 62)) | (0b10 << 62); // variant 10
    let slot = out.reserve(36)?;
    let mut at = 0;
    for (i, nibble) in (0..32).map(|i| {
        let word = if i < 16 { high } else { low };
        (i, (word >> (60 - 4 * (i % 16))) & 15)
    }) {
        if matches!(i, 8 | 12 | 16 | 20) {
            slot[at] = b'-';
            at += 1;
        }
        slot[at] = HEX[nibble as usize];
        at += 1;
    }
    Some(())
}

fn write_hex_trimmed(word: u64, out: &mut Out) -> Option<()> {
    let digits = (64 - word.leading_zeros()).div_ceil(4).max(1);
    for i in (0..digits).rev() {
        out.byte(HEX[((word >> (4 * i)) & 15) as usize])?;
    }
    Some(())
}

fn write_domain(rng: &mut RecordRng, out: &mut Out) -> Option<()> {
    out.put(rng.pick(words::WORDS))?;
    out.put(rng.pick(words::WORDS))?;
    out.byte(b'.')?;
    out.put(rng.pick(words::TLDS))
}

fn write_path(rng: &mut RecordRng, out: &mut Out) -> Option<()> {
    out.byte(b'/')?;
    out.put(rng.pick(words::WORDS))?;
    out.byte(b'/')?;
    out.put(rng.pick(words::WORDS))?;
    if rng.below(4) == 0 {
        out.put(b"?id=")?;
        out.put(itoa::Buffer::new().format(rng.below(100_000)).as_bytes())?;
    }
    Some(())
}
