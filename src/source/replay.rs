//! `gush replay [FILE|-]`: the lines of a file or of stdin, sent again,
//! cycled with `--loop`, so real logs can be replayed at a chosen rate
//! (as syslog-ng's `loggen --read-file` does).
//!
//! Reading stays bounded whatever the input's size: one buffer of a chunk's
//! size holds what was read and not yet copied out. Whole lines are copied
//! from it into the chunk in runs, found with `memchr`; a partial line at
//! its end moves to the front and waits for the rest. A line is a record:
//! it ends in `\n`, and a last line without one gets one.

use std::fs::File;
use std::io::{self, Read, Seek};
use std::os::fd::AsFd;
use std::path::Path;

use anyhow::{Context, Result, anyhow};

use super::{Filled, RecordShape, Source};

pub struct Replay {
    input: File,
    /// The file's path, or `stdin`, for messages.
    name: String,
    looping: bool,
    buffer: Box<[u8]>,
    /// `buffer[start..end]` was read and not yet copied out.
    start: usize,
    end: usize,
    at_eof: bool,
    /// Lines copied out in this pass over the input, for messages and to
    /// tell an empty file (which must not loop forever).
    line_number: u64,
    error: Option<anyhow::Error>,
}

impl Replay {
    /// Opens `path` (`-` is stdin). `longest_line` is the most bytes a line
    /// may take with its newline: a chunk's size, since a record must fit in
    /// one chunk.
    /// `first` lines are skipped, for a shard that starts past the first.
    pub fn open(path: &Path, looping: bool, longest_line: usize, first: u64) -> Result<Replay> {
        let (input, name) = if path == Path::new("-") {
            // A duplicate of fd 0, read directly: std's `Stdin` would add
            // its own buffer and a lock.
            let fd = io::stdin()
                .as_fd()
                .try_clone_to_owned()
                .context("cannot read stdin")?;
            (File::from(fd), "stdin".to_string())
        } else {
            let name = path.display().to_string();
            let input = File::open(path).with_context(|| format!("cannot open {name}"))?;
            if input.metadata().is_ok_and(|meta| meta.is_dir()) {
                return Err(anyhow!("cannot replay {name}: it is a directory"));
            }
            (input, name)
        };
        let mut replay = Replay {
            input,
            name,
            looping,
            buffer: vec![0; longest_line.max(1)].into_boxed_slice(),
            start: 0,
            end: 0,
            at_eof: false,
            line_number: 0,
            error: None,
        };
        replay.skip(first, longest_line)?;
        Ok(replay)
    }

    /// Reads past `lines` lines through a bounded scratch buffer.
    fn skip(&mut self, mut lines: u64, longest_line: usize) -> Result<()> {
        let mut scratch = vec![0; longest_line.max(1)];
        while lines > 0 {
            let filled = self.fill(&mut scratch, lines);
            if let Some(error) = self.take_error() {
                return Err(error);
            }
            if filled.records == 0 {
                break;
            }
            lines -= filled.records;
        }
        Ok(())
    }

    /// Reads more after the unread part, moving it to the front first.
    /// False at the end of the input or on an error (kept for `take_error`).
    fn read_more(&mut self) -> bool {
        if self.start > 0 {
            self.buffer.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buffer.len() {
            self.error = Some(anyhow!(
                "line {} of {} is longer than --chunk ({} bytes with its newline); raise --chunk",
                self.line_number + 1,
                self.name,
                self.buffer.len()
            ));
            return false;
        }
        loop {
            match self.input.read(&mut self.buffer[self.end..]) {
                Ok(0) => {
                    self.at_eof = true;
                    return false;
                }
                Ok(n) => {
                    self.end += n;
                    return true;
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => {
                    self.error = Some(anyhow!(err).context(format!("cannot read {}", self.name)));
                    return false;
                }
            }
        }
    }

    /// Starts the file over for `--loop`. False (and an error) if it cannot.
    fn rewind(&mut self) -> bool {
        match self.input.rewind() {
            Ok(()) => {
                self.at_eof = false;
                self.line_number = 0;
                true
            }
            Err(err) => {
                self.error =
                    Some(anyhow!(err).context(format!("cannot rewind {} for --loop", self.name)));
                false
            }
        }
    }
}

impl Source for Replay {
    fn fill(&mut self, out: &mut [u8], max_records: u64) -> Filled {
        let mut filled = Filled::default();
        while filled.records < max_records && self.error.is_none() {
            let unread = &self.buffer[self.start..self.end];
            let window = &unread[..unread.len().min(out.len() - filled.bytes)];
            // The end of the last whole line that fits, within the records
            // still allowed.
            let mut lines = 0;
            let mut cut = 0;
            for newline in memchr::memchr_iter(b'\n', window) {
                lines += 1;
                cut = newline + 1;
                if filled.records + lines == max_records {
                    break;
                }
            }
            if lines > 0 {
                out[filled.bytes..filled.bytes + cut].copy_from_slice(&window[..cut]);
                filled.bytes += cut;
                filled.records += lines;
                self.start += cut;
                self.line_number += lines;
                continue;
            }
            if window.len() < unread.len() || memchr::memchr(b'\n', unread).is_some() {
                break; // The next line is there but does not fit in `out`.
            }
            if !self.at_eof && self.read_more() {
                continue;
            }
            if self.error.is_some() {
                break;
            }
            let len = self.end - self.start;
            if len > 0 {
                // The last line has no newline: it gets one, if it fits.
                let Some(room) = out.get_mut(filled.bytes..filled.bytes + len + 1) else {
                    break;
                };
                room[..len].copy_from_slice(&self.buffer[self.start..self.end]);
                room[len] = b'\n';
                filled.bytes += len + 1;
                filled.records += 1;
                self.start = self.end;
                self.line_number += 1;
                continue;
            }
            // An empty file would loop forever without giving a line.
            if !self.looping || self.line_number == 0 || !self.rewind() {
                break;
            }
        }
        filled
    }

    fn record_shape(&self) -> RecordShape {
        RecordShape::Lines { per_record: 1 }
    }

    fn record_noun(&self) -> &'static str {
        "lines"
    }

    fn take_error(&mut self) -> Option<anyhow::Error> {
        self.error.take()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn replay(content: &[u8], looping: bool, longest: usize) -> (Replay, tempfile::NamedTempFile) {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(content).unwrap();
        let source = Replay::open(file.path(), looping, longest, 0).unwrap();
        (source, file)
    }

    fn drain(source: &mut Replay, out_len: usize, max: u64) -> Vec<u8> {
        let mut all = Vec::new();
        let mut out = vec![0; out_len];
        let mut left = max;
        while left > 0 {
            let filled = source.fill(&mut out, left);
            if filled.bytes == 0 {
                break;
            }
            left -= filled.records;
            all.extend_from_slice(&out[..filled.bytes]);
        }
        all
    }

    #[test]
    fn gives_the_file_back_in_whole_lines() {
        let text = b"alpha\nbeta\n\ngamma delta\n";
        let (mut source, _file) = replay(text, false, 12);
        assert_eq!(drain(&mut source, 12, u64::MAX), text);
        assert!(source.take_error().is_none());
    }

    #[test]
    fn ends_a_last_line_and_loops() {
        let (mut source, _file) = replay(b"a\nb", true, 8);
        assert_eq!(drain(&mut source, 5, 5), b"a\nb\na\nb\na\n");
    }

    #[test]
    fn an_empty_file_ends_even_when_looping() {
        let (mut source, _file) = replay(b"", true, 8);
        assert_eq!(drain(&mut source, 8, u64::MAX), b"");
    }

    #[test]
    fn a_line_longer_than_a_chunk_is_an_error_naming_it() {
        let (mut source, _file) = replay(b"ok\nthis is too long\n", false, 8);
        assert_eq!(drain(&mut source, 8, u64::MAX), b"ok\n");
        let err = source.take_error().unwrap().to_string();
        assert!(err.starts_with("line 2 of "), "{err}");
    }
}
