//! Presets: named templates and schemas for the data people most often
//! need. A preset is nothing but text in the template language, so
//! `gush presets --show NAME` prints it for the user to copy and edit.

use super::Source;
use super::lines::Lines;
use super::record::Records;
use crate::language::clock::TimeSource;
use crate::language::escape::Format;
use crate::language::kind::Kind;
use crate::language::schema::Schema;
use crate::language::sequence::Sequence;
use crate::language::template::Template;

/// 2026-01-01T00:00:00Z, the simulated clock's default start.
const SAMPLE_TIME_NS: i64 = 1_767_225_600_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// A line template, for `gush lines`.
    Template(&'static str),
    /// A schema and its usual format, for `gush records`.
    Schema(&'static str, Format),
}

#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub name: &'static str,
    pub about: &'static str,
    pub body: Body,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        name: "apache-common",
        about: "Apache common log format",
        body: Body::Template(
            r#"{ipv4} - {username} [{ts:clf}] "{http_method} {path} HTTP/1.1" {http_status} {int:200..50000}"#,
        ),
    },
    Preset {
        name: "apache-combined",
        about: "Apache combined log format (common plus referrer and user agent)",
        body: Body::Template(
            r#"{ipv4} - {username} [{ts:clf}] "{http_method} {path} HTTP/1.1" {http_status} {int:200..50000} "{url}" "{user_agent}""#,
        ),
    },
    Preset {
        name: "apache-error",
        about: "Apache 2.4 error log",
        body: Body::Template(
            "[{ts:ctime}] [{choice:core*4|proxy|ssl|authz_core}:{choice:error*3|warn*5|notice*2|info}] [pid {int:1000..65000}] [client {ipv4}:{int:1024..65535}] {sentence}",
        ),
    },
    Preset {
        name: "nginx",
        about: "nginx's default `combined` access log",
        body: Body::Template(
            r#"{ipv4} - - [{ts:clf}] "{http_method} {path} HTTP/1.1" {http_status} {int:0..50000} "{url}" "{user_agent}""#,
        ),
    },
    Preset {
        name: "syslog-rfc3164",
        about: "BSD syslog (RFC 3164)",
        body: Body::Template(
            "<{int:0..191}>{ts:rfc3164} {host} {app}[{int:100..65000}]: {sentence}",
        ),
    },
    Preset {
        name: "syslog-rfc5424",
        about: "syslog (RFC 5424)",
        body: Body::Template(
            "<{int:0..191}>1 {ts:rfc3339ms} {host} {app} {int:100..65000} ID{int:1..99} - {sentence}",
        ),
    },
    Preset {
        name: "json-log",
        about: "structured application log, one JSON object per line",
        body: Body::Schema(
            "ts={ts:rfc3339ms}, level={level}, host={host}, app={app}, msg={sentence}, request_id={uuid}, latency_ms={int:1..2000}",
            Format::Jsonl,
        ),
    },
    Preset {
        name: "users",
        about: "a people table",
        body: Body::Schema(
            "id={n}, first_name={first}, last_name={last}, email={email}, username={username}, age={int:18..90}, active={bool}, created_at={ts}",
            Format::Csv,
        ),
    },
    Preset {
        name: "orders",
        about: "an orders table",
        body: Body::Schema(
            "order_id={n}, customer_id={int:1..100000}, sku={alnum:8}, quantity={int:1..10}, amount={float:1..1000:2}, currency={choice:USD*6|EUR*3|GBP}, status={choice:paid*6|shipped*3|refunded}, ordered_at={ts}",
            Format::Csv,
        ),
    },
    Preset {
        name: "lineitem",
        about: "a TPC-H lineitem-shaped table (its columns and spreads, not its exact values)",
        // TPC-H's columns with spreads like its generator's (keys, 1-50
        // pieces, discount 0-10 %, tax 0-8 %, ship dates 1992-1998, commit
        // and receipt dates around the ship date, its ship modes and
        // instructions), and what real order lines have that TPC-H's
        // uniform draws do not: a few parts sell far more than others
        // (Zipf) and prices skew right (lognormal, mean near TPC-H's
        // 38 000). No nulls, so it loads into TPC-H's own DDL.
        body: Body::Schema(
            "orderkey={int:1..6000000}, partkey={zipf:200000:0.8}, suppkey={int:1..10000}, linenumber={int:1..7}, quantity={int:1..50}, extendedprice={lognormal:10.3:0.75:2}, discount={float:0..0.1:2}, tax={float:0..0.08:2}, returnflag={choice:N*2|R|A}, linestatus={choice:O|F}, shipdate={date:1992-01-02..1998-12-01}, commitdate={date:@shipdate+-30..60}, receiptdate={date:@shipdate+1..30}, shipinstruct={choice:DELIVER IN PERSON|COLLECT COD|NONE|TAKE BACK RETURN}, shipmode={choice:REG AIR|AIR|RAIL|SHIP|TRUCK|MAIL|FOB}, comment={words:4}",
            Format::Csv,
        ),
    },
];

/// `gush presets`: every preset with its subcommand and one sample line;
/// with `show`, that preset's text alone, ready to copy.
pub fn listing(show: Option<&str>) -> Result<String, String> {
    if let Some(name) = show {
        return Ok(format!("{}\n", find(name)?.text()));
    }
    let mut out = String::new();
    for preset in PRESETS {
        out += &format!(
            "{:<16} gush {} --preset {}   # {}\n",
            preset.name,
            preset.command(),
            preset.name,
            preset.about
        );
        out += &format!("  {}\n", preset.sample());
        if let Some(typed) = preset.typed_columns() {
            out += &format!("  {typed}\n");
        }
    }
    out += "\nShow one with `gush presets --show NAME`.\n";
    Ok(out)
}

/// The preset called `name`, or a message naming the ones there are.
pub fn find(name: &str) -> Result<&'static Preset, String> {
    PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        format!("unknown preset `{name}`; presets: {}", names.join(", "))
    })
}

impl Preset {
    pub fn text(&self) -> &'static str {
        match self.body {
            Body::Template(text) | Body::Schema(text, _) => text,
        }
    }

    /// One record of the preset, seeded so the listing is stable.
    pub fn sample(&self) -> String {
        let sequence = Sequence::new(
            1,
            0,
            0,
            TimeSource::Simulated {
                start_ns: SAMPLE_TIME_NS,
                step_ns: 0,
            },
        );
        let mut source: Box<dyn Source> = match self.body {
            Body::Template(text) => Box::new(Lines::new(
                Template::parse(text).expect("presets parse"),
                sequence,
            )),
            Body::Schema(text, format) => Box::new(Records::new(
                Schema::parse(text).expect("presets parse"),
                format,
                false,
                sequence,
            )),
        };
        let mut buf = vec![0u8; 64 * 1024];
        let filled = source.fill(&mut buf, 1);
        String::from_utf8_lossy(&buf[..filled.bytes])
            .trim_end()
            .to_string()
    }

    /// For a schema: which columns `--format parquet` stores typed rather
    /// than as strings (`Kind`), as one line of the listing.
    pub fn typed_columns(&self) -> Option<String> {
        let Body::Schema(text, _) = self.body else {
            return None;
        };
        let schema = Schema::parse(text).expect("presets parse");
        let typed: Vec<&str> = schema
            .columns
            .iter()
            .filter(|c| Kind::of(&c.template).is_typed())
            .map(|c| c.name.as_str())
            .collect();
        Some(format!(
            "parquet-ready: {} of {} columns typed ({}); --describe shows the schema",
            typed.len(),
            schema.columns.len(),
            typed.join(", ")
        ))
    }

    /// The subcommand that takes this preset.
    pub fn command(&self) -> &'static str {
        match self.body {
            Body::Template(_) => "lines",
            Body::Schema(..) => "records",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses() {
        for preset in PRESETS {
            match preset.body {
                Body::Template(text) => drop(Template::parse(text).unwrap()),
                Body::Schema(text, _) => drop(Schema::parse(text).unwrap()),
            }
        }
    }
}
