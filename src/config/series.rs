//! The series half of the checked configuration: `-o` with `{k}` and the
//! flag that says where each file ends (`--file-size`, `--file-records`,
//! `--files`), weighed against the amount, the source and the flags a
//! series cannot take. Part of `config.rs`, kept apart as `disk.rs` is.
//!
//! The name template is parsed here, once: `{k}` is the file's number,
//! `{k:04}` the same zero-padded to 4 digits. A template without a split
//! flag, or a split flag without a template, is refused rather than
//! guessed at: one file per what, or which file's number, cannot be known.

use std::path::{Path, PathBuf};

use super::{SourceSpec, refuse_given, usage};
use crate::cli::CommonArgs;
use crate::language::escape::Format;
use crate::pipeline::Limits;
use crate::sink::disk::sync::SyncPolicy;
use crate::sink::series::{Names, RecordEnds, SeriesPlan, Split};
use crate::source::framing::Framing;

/// The widest `{k:0N}` taken: u64's digits.
const MAX_WIDTH: usize = 20;

/// What the series flags ask for, checked; `None` for one file.
/// `stream_has_header` is whether the run's stream starts with a header
/// row (`source::header_row`); `remote` whether `-o` is a socket or URL.
pub(super) fn series(
    common: &CommonArgs,
    source: &SourceSpec,
    framing: Framing,
    limits: &Limits,
    stream_has_header: bool,
    remote: bool,
) -> Result<Option<SeriesPlan>, clap::Error> {
    let args = &common.series;
    let flag = [
        ("--file-size", args.file_size.is_some()),
        ("--file-records", args.file_records.is_some()),
        ("--files", args.files.is_some()),
    ]
    .into_iter()
    .find(|(_, given)| *given)
    .map(|(flag, _)| flag);
    let shown = common.output.display().to_string();
    let template = match (common.output.to_str(), remote, flag) {
        (Some(path), false, _) if path.contains("{k") => path,
        (_, _, None) => return Ok(None),
        (_, true, Some(flag)) => {
            return Err(usage(format!(
                "{flag} splits the output into numbered files, and -o {shown} is a socket or web endpoint: write to a path with {{k}}, as in -o out/part-{{k:04}}.csv"
            )));
        }
        (_, false, Some(flag)) => {
            return Err(usage(format!(
                "{flag} splits the output into numbered files, and -o {shown} has no {{k}}: put it in the file name, as in -o out/part-{{k:04}}.csv"
            )));
        }
    };
    let Some(flag) = flag else {
        return Err(usage(format!(
            "-o {shown} names a series of files ({{k}}): say where each file ends with --file-size SIZE, --file-records N or --files N"
        )));
    };
    let mut names = names(template)?;
    names.shard = common.shard.map(|shard| shard.index);
    refuse_alongside(common, flag)?;
    let split = split(common, source, limits, flag)?;
    let header = match (source, framing) {
        (
            SourceSpec::Records {
                schema,
                format: format @ (Format::Csv | Format::Tsv),
                header: true,
            },
            Framing::None,
        ) => Some(crate::source::record::header_row(schema, *format)),
        _ => None,
    };
    let ends = match (source, framing) {
        (_, Framing::OctetCounted) => RecordEnds::Frames,
        (
            SourceSpec::Records {
                format: Format::Csv,
                ..
            },
            _,
        ) => RecordEnds::CsvRows,
        (SourceSpec::Lines { template }, _) => RecordEnds::Lines {
            per_record: 1 + template.literal_newlines(),
        },
        _ => RecordEnds::Lines { per_record: 1 },
    };
    Ok(Some(SeriesPlan {
        names,
        split,
        ends,
        stream_has_header: stream_has_header && header.is_some(),
        header,
        parquet: None,
    }))
}

/// Parses the name template: exactly one `{k}` or `{k:0N}`, in the file
/// name (not a directory of the path).
fn names(template: &str) -> Result<Names, clap::Error> {
    let bad = |why: &str| {
        usage(format!(
            "-o {template}: {why}; write {{k}} for the file's number, or {{k:04}} for it zero-padded to 4 digits, once, in the file name"
        ))
    };
    let start = template.find("{k").expect("checked by the caller");
    let close = template[start..]
        .find('}')
        .map(|at| start + at)
        .ok_or_else(|| bad("`{k` is not closed"))?;
    let width = match &template[start + 2..close] {
        "" => 0,
        spec => spec
            .strip_prefix(":0")
            .and_then(|digits| digits.parse::<usize>().ok())
            .filter(|width| (1..=MAX_WIDTH).contains(width))
            .ok_or_else(|| {
                bad(&format!(
                    "`{}` is not a file number",
                    &template[start..=close]
                ))
            })?,
    };
    let (head, tail) = (&template[..start], &template[close + 1..]);
    if tail.contains("{k") {
        return Err(bad("{k} is there more than once"));
    }
    if tail.contains('/') {
        return Err(bad("{k} is in a directory's name"));
    }
    let (dir, file_head) = match head.rfind('/') {
        Some(slash) => (&head[..=slash], &head[slash + 1..]),
        None => ("", head),
    };
    Ok(Names {
        template: template.to_string(),
        dir: match dir {
            "" => PathBuf::from("."),
            dir => Path::new(dir).to_path_buf(),
        },
        head: head.to_string(),
        tail: tail.to_string(),
        file_head: file_head.to_string(),
        width,
        shard: None,
    })
}

/// Where each file ends, from the one split flag given.
fn split(
    common: &CommonArgs,
    source: &SourceSpec,
    limits: &Limits,
    flag: &str,
) -> Result<Split, clap::Error> {
    if let SourceSpec::Bytes { .. } = source {
        return Err(usage(format!(
            "{flag} splits records into files, and gush bytes has none: write one file, or split gush lines or gush records"
        )));
    }
    let args = &common.series;
    let zero = |value: u64| {
        (value == 0).then(|| usage(format!("{flag} 0 would make empty files: give 1 or more")))
    };
    if let Some(size) = args.file_size {
        return zero(size).map_or(Ok(Split::Bytes(size)), Err);
    }
    if let Some(each) = args.file_records {
        return zero(each).map_or(Ok(Split::Records(each)), Err);
    }
    let files = args.files.unwrap_or(1);
    if let Some(err) = zero(files) {
        return Err(err);
    }
    match (limits.records, limits.bytes) {
        (Some(total), _) if total < files => Err(usage(format!(
            "--files {files} splits {total} records: give at least {files} records (-n) or ask for fewer files"
        ))),
        (Some(total), _) => Ok(Split::EvenRecords { files, total }),
        (None, Some(total)) => Ok(Split::EvenBytes { files, total }),
        (None, None) => Err(usage(format!(
            "--files {files} divides --count or --size into {files} files: give one of them, or split a timed run with --file-size or --file-records"
        ))),
    }
}

/// The flags a series cannot take: it writes plain files one after the
/// other, from their start.
fn refuse_alongside(common: &CommonArgs, flag: &str) -> Result<(), clap::Error> {
    let disk = &common.disk;
    let given = [
        ("--append", common.append),
        ("--verify", common.verify.verify),
        ("--verify-only", common.verify.verify_only),
        ("--jobs", disk.jobs > 1),
        ("--sync", disk.sync != SyncPolicy::None),
        ("--dsync", disk.dsync),
        ("--direct", disk.direct),
        ("--engine", disk.engine.is_some()),
        ("--preallocate", disk.preallocate.is_some()),
        // An S3 series uploads each object's parts --queue-depth at once.
        (
            "--queue-depth",
            disk.queue_depth > 1 && !super::s3::is_s3(&common.output),
        ),
        ("--pattern", disk.pattern.is_some()),
        ("--ack-log", disk.ack_log.is_some()),
        ("--until-steady", disk.until_steady.is_some()),
    ];
    refuse_given(&given, |given| {
        format!(
            "{given} is not for a series of files ({flag} with -o {}): leave {given} out, or write one file",
            common.output.display()
        )
    })
}
