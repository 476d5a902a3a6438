//! The fields of the template language and the hot loop that writes them.
//!
//! A field is parsed once into a [`Field`] with its arguments checked, then
//! written per record straight into the chunk through [`Out`]: no `String`,
//! no `format!`, no allocation per record or field. Randomness comes from
//! a [`RecordRng`] keyed by (seed, record index), which is what makes record
//! `i` the same bytes whatever chunking, destination or shard produced it.

use super::clock::{Civil, TS_FORMATS, TimeSource, TsFormat};
use super::seeded::mix;
use super::words;

/// A bounded writer over the free part of a chunk. Every `put` returns
/// `None` when the bytes do not fit, which abandons the record being
/// written: records are never torn.
pub struct Out<'a> {
    buf: &'a mut [u8],
    pub len: usize,
}

impl<'a> Out<'a> {
    pub fn new(buf: &'a mut [u8]) -> Out<'a> {
        Out { buf, len: 0 }
    }

    #[inline]
    pub fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.len + bytes.len();
        copy_short(self.buf.get_mut(self.len..end)?, bytes);
        self.len = end;
        Some(())
    }

    #[inline]
    pub fn byte(&mut self, byte: u8) -> Option<()> {
        *self.buf.get_mut(self.len)? = byte;
        self.len += 1;
        Some(())
    }

    /// Reserves `n` bytes and returns them to be filled in place.
    #[inline]
    pub fn reserve(&mut self, n: usize) -> Option<&mut [u8]> {
        let start = self.len;
        let slot = self.buf.get_mut(start..start + n)?;
        self.len += n;
        Some(slot)
    }

    pub fn bytes_mut(&mut self) -> &mut [u8] {
        self.buf
    }
}

/// Copies `src` into `dst` (of equal length). Most field text is a word or
/// a few digits; for those, two overlapping word-sized moves beat a call
/// into `memcpy`, which the profile showed as a sixth of record time.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    match n {
        8..=16 => {
            let head: [u8; 8] = src[..8].try_into().expect("n >= 8");
            let tail: [u8; 8] = src[n - 8..].try_into().expect("n >= 8");
            dst[..8].copy_from_slice(&head);
            dst[n - 8..].copy_from_slice(&tail);
        }
        4..=7 => {
            let head: [u8; 4] = src[..4].try_into().expect("n >= 4");
            let tail: [u8; 4] = src[n - 4..].try_into().expect("n >= 4");
            dst[..4].copy_from_slice(&head);
            dst[n - 4..].copy_from_slice(&tail);
        }
        0..=3 => {
            for (to, from) in dst.iter_mut().zip(src) {
                *to = *from;
            }
        }
        _ => dst.copy_from_slice(src),
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014), keyed per record: the state
/// starts from a mix of the seed and the record index, and each draw steps
/// it by the golden gamma. Fast, counter-based, and independent of what
/// came before, which sharding needs.
#[derive(Debug, Clone)]
pub struct RecordRng(u64);

const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

impl RecordRng {
    pub fn for_record(seed: u64, index: u64) -> RecordRng {
        // A different offset from the byte stream's block keys, so records
        // and `gush bytes` with one seed do not share randomness.
        RecordRng(mix(seed ^ mix(index ^ 0x5851_f42d_4c95_7f2d)))
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        mix(self.0)
    }

    /// A number in `0..n` by Lemire's multiply-shift; its bias (under
    /// n/2^64) is far below anything test data could show.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    #[inline]
    pub fn pick<'w>(&mut self, list: &[&'w str]) -> &'w [u8] {
        list[self.below(list.len() as u64) as usize].as_bytes()
    }
}

/// The one person a record is about, so `{first}`, `{last}`, `{name}`,
/// `{email}` and `{username}` in one record agree with each other.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    first: &'static [u8],
    last: &'static [u8],
}

impl Person {
    fn from_key(key: u64) -> Person {
        let bits = mix(key ^ 0x2545_f491_4f6c_dd1d);
        let first = words::FIRST[((bits & 0xffff_ffff) % words::FIRST.len() as u64) as usize];
        let last = words::LAST[((bits >> 32) % words::LAST.len() as u64) as usize];
        Person {
            first: first.as_bytes(),
            last: last.as_bytes(),
        }
    }
}

/// What one record is being written with.
pub struct Ctx<'a> {
    /// The value of `{n}`.
    pub n: u64,
    pub person: Person,
    pub rng: RecordRng,
    /// This record's timestamp, nanoseconds since the epoch.
    pub ts_ns: i64,
    /// The calendar cache, kept across records.
    pub civil: &'a mut Civil,
}

/// The run of records a source writes: which index comes next, and what
/// each record's counter, randomness and timestamp are.
#[derive(Debug, Clone)]
pub struct Sequence {
    seed: u64,
    /// `{n}` of record index 0 (`--start`).
    start: u64,
    /// Index of the next record; a shard starts past zero.
    pub index: u64,
    time: TimeSource,
    live_ns: i64,
    civil: Civil,
}

impl Sequence {
    pub fn new(seed: u64, start: u64, first_index: u64, time: TimeSource) -> Sequence {
        Sequence {
            seed,
            start,
            index: first_index,
            time,
            live_ns: 0,
            civil: Civil::default(),
        }
    }

    /// Call once per chunk: a live clock is read here, not per record.
    pub fn begin_chunk(&mut self) {
        if self.time == TimeSource::Live {
            self.live_ns = TimeSource::live_now();
        }
    }

    /// The value of `{n}` for the record at `index`.
    pub fn n(&self) -> u64 {
        self.start.wrapping_add(self.index)
    }

    /// The context for the record at `index`.
    #[inline]
    pub fn ctx(&mut self) -> Ctx<'_> {
        let ts_ns = match self.time {
            TimeSource::Simulated { start_ns, step_ns } => {
                start_ns.wrapping_add((self.index as i64).wrapping_mul(step_ns))
            }
            TimeSource::Live => self.live_ns,
        };
        let rng = RecordRng::for_record(self.seed, self.index);
        Ctx {
            n: self.n(),
            person: Person::from_key(rng.0),
            rng,
            ts_ns,
            civil: &mut self.civil,
        }
    }
}

/// Weighted options of `{choice:…}` (and the built-in weighted lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    options: Vec<Box<[u8]>>,
    /// Running totals of the weights, for a binary search.
    cumulative: Vec<u64>,
}

impl Choice {
    /// Fails if the weights add up past what a draw can cover.
    fn new(weighted: &[(&str, u64)]) -> Result<Choice, String> {
        let mut total: u64 = 0;
        let mut options = Vec::with_capacity(weighted.len());
        let mut cumulative = Vec::with_capacity(weighted.len());
        for &(text, weight) in weighted {
            total = total
                .checked_add(weight)
                .ok_or_else(|| format!("the weights add up past {}; use smaller ones", u64::MAX))?;
            options.push(text.as_bytes().into());
            cumulative.push(total);
        }
        Ok(Choice {
            options,
            cumulative,
        })
    }

    /// One of the built-in weighted lists, whose weights are small.
    fn builtin(weighted: &[(&str, u64)]) -> Choice {
        Choice::new(weighted).expect("built-in weights are small")
    }

    #[inline]
    fn pick(&self, rng: &mut RecordRng) -> &[u8] {
        let total = *self.cumulative.last().expect("at least one option");
        let ticket = rng.below(total);
        let at = self.cumulative.partition_point(|&c| c <= ticket);
        &self.options[at]
    }

    fn is_clean(&self) -> bool {
        self.options.iter().all(|o| is_clean(o))
    }
}

/// A parsed field, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// `{n}`, `{n:08}`: the record counter, zero-padded to a width.
    Counter {
        width: usize,
    },
    /// `{int:LO..HI}`, both ends included.
    Int {
        lo: i64,
        span: u64,
    },
    /// `{float:LO..HI:DIGITS}`: drawn as an integer count of 10^-DIGITS, so
    /// it is exact and needs no float formatting.
    Float {
        lo: i64,
        span: u64,
        digits: u32,
    },
    Bool,
    Hex {
        len: usize,
    },
    Alnum {
        len: usize,
    },
    /// Printable ASCII, quotes and backslashes included: the encoders
    /// escape them.
    Ascii {
        len: usize,
    },
    Choice(Choice),
    Uuid,
    Word,
    Words {
        count: usize,
    },
    Sentence,
    First,
    Last,
    Name,
    Email,
    Username,
    Ipv4,
    Ipv6,
    Mac,
    Domain,
    Url,
    Path,
    UserAgent,
    HttpMethod(Choice),
    HttpStatus(Choice),
    Level(Choice),
    Host,
    App,
    Ts(TsFormat),
}

/// Every field name, for `--help`, error hints and `gush presets`.
pub const FIELD_NAMES: &[&str] = &[
    "n",
    "int",
    "float",
    "bool",
    "hex",
    "alnum",
    "ascii",
    "choice",
    "uuid",
    "word",
    "words",
    "sentence",
    "first",
    "last",
    "name",
    "email",
    "username",
    "ipv4",
    "ipv6",
    "mac",
    "domain",
    "url",
    "path",
    "user_agent",
    "http_method",
    "http_status",
    "level",
    "host",
    "app",
    "ts",
];

const HTTP_METHODS: &[(&str, u64)] = &[
    ("GET", 70),
    ("POST", 15),
    ("PUT", 5),
    ("DELETE", 3),
    ("HEAD", 4),
    ("PATCH", 2),
    ("OPTIONS", 1),
];
const HTTP_STATUSES: &[(&str, u64)] = &[
    ("200", 78),
    ("201", 3),
    ("204", 2),
    ("301", 2),
    ("302", 3),
    ("304", 4),
    ("400", 1),
    ("401", 1),
    ("403", 1),
    ("404", 3),
    ("500", 1),
    ("502", 1),
];
const LEVELS: &[(&str, u64)] = &[("INFO", 70), ("DEBUG", 15), ("WARN", 10), ("ERROR", 5)];

/// Longest `LEN` a string field may ask for: a typo guard, far above any
/// real column.
const MAX_LEN: usize = 4096;

fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("`{text}` is not {what}"))
}

fn length(name: &str, args: Option<&str>) -> Result<usize, String> {
    let args = args.ok_or_else(|| format!("`{{{name}}}` needs a length, as in `{{{name}:16}}`"))?;
    let len: usize = number(args, "a length")?;
    if len == 0 || len > MAX_LEN {
        return Err(format!("length {len} is out of range: use 1 to {MAX_LEN}"));
    }
    Ok(len)
}

/// `LO..HI` as integers, both ends included.
fn range(args: &str) -> Result<(i64, i64), String> {
    let (lo, hi) = args
        .split_once("..")
        .ok_or_else(|| format!("`{args}` is not a range; write LO..HI, as in 1..100"))?;
    let (lo, hi): (i64, i64) = (number(lo, "a whole number")?, number(hi, "a whole number")?);
    if lo > hi {
        return Err(format!(
            "the range {lo}..{hi} is empty: LO must not exceed HI"
        ));
    }
    Ok((lo, hi))
}

fn span(lo: i64, hi: i64) -> Result<u64, String> {
    u64::try_from(i128::from(hi) - i128::from(lo) + 1)
        .map_err(|_| format!("the range {lo}..{hi} is too wide"))
}

/// `LO..HI:DIGITS` with decimal bounds, scaled to integers of 10^-DIGITS.
fn float_range(args: &str) -> Result<Field, String> {
    let (bounds, digits) = match args.rsplit_once(':') {
        Some((bounds, digits)) => (bounds, number::<u32>(digits, "a number of digits")?),
        None => (args, 2),
    };
    if digits > 9 {
        return Err(format!("{digits} digits is too many: use 0 to 9"));
    }
    let (lo, hi) = bounds.split_once("..").ok_or_else(|| {
        format!("`{bounds}` is not a range; write LO..HI:DIGITS, as in 0..1000:2")
    })?;
    let scale = 10f64.powi(digits as i32);
    let scaled = |text: &str| -> Result<i64, String> {
        let value: f64 = number(text, "a number")?;
        let value = (value * scale).round();
        if !value.is_finite() || value.abs() > 9e15 {
            return Err(format!("`{text}` is out of range"));
        }
        Ok(value as i64)
    };
    let (lo, hi) = (scaled(lo)?, scaled(hi)?);
    if lo > hi {
        return Err(format!(
            "the range `{bounds}` is empty: LO must not exceed HI"
        ));
    }
    Ok(Field::Float {
        lo,
        span: span(lo, hi)?,
        digits,
    })
}

fn choice(args: &str) -> Result<Choice, String> {
    let mut weighted = Vec::new();
    for option in args.split('|') {
        let (text, weight) = match option.rsplit_once('*') {
            Some((text, weight)) if weight.trim().parse::<u64>().is_ok() => {
                (text, number(weight, "a weight")?)
            }
            _ => (option, 1),
        };
        if weight == 0 {
            return Err(format!(
                "option `{text}` has weight 0; leave it out instead"
            ));
        }
        weighted.push((text, weight));
    }
    Choice::new(&weighted)
}

impl Field {
    /// Checks a field's name and arguments: `{name}` or `{name:args}`.
    pub fn parse(name: &str, args: Option<&str>) -> Result<Field, String> {
        let no_args = |field: Field| match args {
            None => Ok(field),
            Some(args) => Err(format!("`{{{name}}}` takes no arguments, found `{args}`")),
        };
        match name {
            "n" => match args {
                None => Ok(Field::Counter { width: 0 }),
                Some(width) => {
                    let width: usize = number(width, "a width such as 08")?;
                    if width > 20 {
                        return Err(format!(
                            "width {width} is too wide: a counter has at most 20 digits"
                        ));
                    }
                    Ok(Field::Counter { width })
                }
            },
            "int" => {
                let (lo, hi) = range(args.unwrap_or("0..4294967295"))?;
                Ok(Field::Int {
                    lo,
                    span: span(lo, hi)?,
                })
            }
            "float" => float_range(args.unwrap_or("0..1:2")),
            "bool" => no_args(Field::Bool),
            "hex" => Ok(Field::Hex {
                len: length(name, args)?,
            }),
            "alnum" => Ok(Field::Alnum {
                len: length(name, args)?,
            }),
            "ascii" => Ok(Field::Ascii {
                len: length(name, args)?,
            }),
            "choice" => match args {
                Some(args) if !args.is_empty() => Ok(Field::Choice(choice(args)?)),
                _ => Err(
                    "`{choice}` needs options, as in `{choice:GET*8|POST*2|DELETE}`".to_string(),
                ),
            },
            "uuid" => no_args(Field::Uuid),
            "word" => no_args(Field::Word),
            "words" => {
                let count: usize = number(args.unwrap_or("3"), "a word count")?;
                if count == 0 || count > 1000 {
                    return Err(format!("{count} words is out of range: use 1 to 1000"));
                }
                Ok(Field::Words { count })
            }
            "sentence" => no_args(Field::Sentence),
            "first" => no_args(Field::First),
            "last" => no_args(Field::Last),
            "name" => no_args(Field::Name),
            "email" => no_args(Field::Email),
            "username" => no_args(Field::Username),
            "ipv4" => no_args(Field::Ipv4),
            "ipv6" => no_args(Field::Ipv6),
            "mac" => no_args(Field::Mac),
            "domain" => no_args(Field::Domain),
            "url" => no_args(Field::Url),
            "path" => no_args(Field::Path),
            "user_agent" => no_args(Field::UserAgent),
            "http_method" => no_args(Field::HttpMethod(Choice::builtin(HTTP_METHODS))),
            "http_status" => no_args(Field::HttpStatus(Choice::builtin(HTTP_STATUSES))),
            "level" => no_args(Field::Level(Choice::builtin(LEVELS))),
            "host" => no_args(Field::Host),
            "app" => no_args(Field::App),
            "ts" => {
                let format = args.unwrap_or("rfc3339");
                TS_FORMATS
                    .iter()
                    .find(|(known, _)| *known == format)
                    .map(|&(_, format)| Field::Ts(format))
                    .ok_or_else(|| {
                        let known: Vec<&str> = TS_FORMATS.iter().map(|(n, _)| *n).collect();
                        format!(
                            "unknown time format `{format}`; known: {}",
                            known.join(", ")
                        )
                    })
            }
            "" => Err(format!(
                "empty field; known fields: {}",
                FIELD_NAMES.join(", ")
            )),
            _ => Err(unknown(name)),
        }
    }

    /// Whether JSON should carry this field, alone in a column, as a number
    /// or boolean rather than a string.
    pub fn is_json_scalar(&self) -> bool {
        matches!(
            self,
            Field::Counter { width: 0 }
                | Field::Int { .. }
                | Field::Float { .. }
                | Field::Bool
                | Field::HttpStatus(_)
                | Field::Ts(TsFormat::Unix | TsFormat::UnixMs)
        )
    }

    /// Whether the output can never hold a byte that CSV, TSV or JSON must
    /// escape; lets the encoders skip scanning it.
    pub fn is_clean(&self) -> bool {
        match self {
            Field::Ascii { .. } | Field::UserAgent => false,
            Field::Choice(choice) => choice.is_clean(),
            _ => true,
        }
    }

    /// Writes this field for the record in `ctx`.
    #[inline]
    pub fn write(&self, ctx: &mut Ctx, out: &mut Out) -> Option<()> {
        let rng = &mut ctx.rng;
        match self {
            Field::Counter { width } => {
                let mut digits = itoa::Buffer::new();
                let text = digits.format(ctx.n).as_bytes();
                for _ in text.len()..*width {
                    out.byte(b'0')?;
                }
                out.put(text)
            }
            Field::Int { lo, span } => {
                let value = i128::from(*lo) + i128::from(rng.below(*span));
                let mut digits = itoa::Buffer::new();
                // 64-bit formatting is several times cheaper than 128-bit.
                let text = match i64::try_from(value) {
                    Ok(small) => digits.format(small),
                    Err(_) => digits.format(value),
                };
                out.put(text.as_bytes())
            }
            Field::Float { lo, span, digits } => {
                write_scaled(*lo + rng.below(*span) as i64, *digits, out)
            }
            Field::Bool => out.put(if rng.next_u64() >> 63 == 1 {
                b"true"
            } else {
                b"false"
            }),
            Field::Hex { len } => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
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
                const HEX: &[u8; 16] = b"0123456789abcdef";
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
                let mut scratch = [0; 40];
                out.put(ctx.civil.format(ctx.ts_ns, *format, &mut scratch))
            }
        }
    }
}

/// The error for an unknown field, naming the nearest known ones.
fn unknown(name: &str) -> String {
    let mut near: Vec<(f64, &str)> = FIELD_NAMES
        .iter()
        .map(|known| (strsim::jaro_winkler(name, known), *known))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0));
    match &near[..] {
        [] => format!(
            "unknown field `{name}`; known fields: {}",
            FIELD_NAMES.join(", ")
        ),
        near => {
            let names: Vec<String> = near
                .iter()
                .take(3)
                .map(|(_, n)| format!("`{{{n}}}`"))
                .collect();
            format!(
                "unknown field `{name}`; did you mean {}?",
                names.join(" or ")
            )
        }
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

/// `value` × 10^-digits, as decimal text.
fn write_scaled(value: i64, digits: u32, out: &mut Out) -> Option<()> {
    if value < 0 {
        out.byte(b'-')?;
    }
    let magnitude = value.unsigned_abs();
    let scale = 10u64.pow(digits);
    out.put(itoa::Buffer::new().format(magnitude / scale).as_bytes())?;
    if digits > 0 {
        out.byte(b'.')?;
        let fraction = magnitude % scale;
        let mut text = itoa::Buffer::new();
        let text = text.format(fraction).as_bytes();
        for _ in text.len()..digits as usize {
            out.byte(b'0')?;
        }
        out.put(text)?;
    }
    Some(())
}

/// A version 4 UUID (RFC 9562 §5.4) from the seeded stream.
fn write_uuid(rng: &mut RecordRng, out: &mut Out) -> Option<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
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
    const HEX: &[u8; 16] = b"0123456789abcdef";
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

/// Whether `text` holds nothing CSV, TSV or JSON would escape.
pub fn is_clean(text: &[u8]) -> bool {
    text.iter()
        .all(|&b| b >= 0x20 && !matches!(b, b',' | b'"' | b'\\' | 0x7f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(field: &str, args: Option<&str>, index: u64) -> String {
        let field = Field::parse(field, args).unwrap();
        let mut civil = Civil::default();
        let mut ctx = Ctx {
            n: index,
            person: Person::from_key(index),
            rng: RecordRng::for_record(7, index),
            ts_ns: 0,
            civil: &mut civil,
        };
        let mut buf = [0u8; 512];
        let mut out = Out::new(&mut buf);
        field.write(&mut ctx, &mut out).unwrap();
        let len = out.len;
        String::from_utf8(buf[..len].to_vec()).unwrap()
    }

    #[test]
    fn counters_pad() {
        assert_eq!(render("n", Some("08"), 42), "00000042");
        assert_eq!(render("n", None, 42), "42");
    }

    #[test]
    fn ints_and_floats_stay_in_range() {
        for i in 0..2000 {
            let int: i64 = render("int", Some("-5..5"), i).parse().unwrap();
            assert!((-5..=5).contains(&int));
            let float = render("float", Some("-1.5..2.25:2"), i);
            let value: f64 = float.parse().unwrap();
            assert!((-1.5..=2.25).contains(&value), "{float}");
            assert_eq!(float.split('.').nth(1).map(str::len), Some(2), "{float}");
        }
    }

    #[test]
    fn uuids_have_the_v4_layout() {
        let uuid = render("uuid", None, 3);
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!("89ab".contains(&uuid[19..20]), "{uuid}");
        assert_eq!(uuid.matches('-').count(), 4);
    }

    #[test]
    fn weighted_choices_follow_their_weights() {
        let heavy = (0..10_000)
            .filter(|&i| render("choice", Some("a*9|b"), i) == "a")
            .count();
        assert!((8_700..9_300).contains(&heavy), "{heavy}");
    }

    #[test]
    fn addresses_are_well_formed() {
        let v4: Vec<u16> = render("ipv4", None, 1)
            .split('.')
            .map(|o| o.parse().unwrap())
            .collect();
        assert_eq!(v4.len(), 4);
        assert!(
            render("ipv6", None, 1)
                .parse::<std::net::Ipv6Addr>()
                .is_ok()
        );
        assert_eq!(render("mac", None, 1).len(), 17);
        assert!(render("email", None, 5).contains('@'));
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert!(
            Field::parse("int", Some("10..1"))
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            Field::parse("float", Some("0..1:x"))
                .unwrap_err()
                .contains("`x`")
        );
        assert!(Field::parse("nmae", None).unwrap_err().contains("{name}"));
        assert!(
            Field::parse("ts", Some("iso"))
                .unwrap_err()
                .contains("rfc3339")
        );
    }

    #[test]
    fn a_record_that_does_not_fit_is_refused() {
        let mut civil = Civil::default();
        let mut ctx = Ctx {
            n: 0,
            person: Person::from_key(0),
            rng: RecordRng::for_record(0, 0),
            ts_ns: 0,
            civil: &mut civil,
        };
        let mut buf = [0u8; 10];
        let mut out = Out::new(&mut buf);
        assert_eq!(
            Field::parse("uuid", None)
                .unwrap()
                .write(&mut ctx, &mut out),
            None
        );
    }
}
