
use builtin;
use str;

set edit:completion:arg-completer[gush] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'gush'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'gush'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand lines 'Write lines made from a template, `Line {n}` by default'
            cand records 'Write records with named columns as CSV, TSV or JSON Lines'
            cand bytes 'Write raw bytes: zeros, pseudo-random bytes or a repeated pattern'
            cand presets 'List the presets with a sample line each, or show one to copy'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gush;lines'= {
            cand --preset 'A named template (see `gush presets`), such as apache-combined'
            cand --start 'The first value of `{n}`'
            cand --clock 'Where `{ts}` comes from: `sim` stamps record i with start-time + i × step; `live` reads the wall clock. Default: sim with --seed, live without'
            cand --start-time 'The simulated clock''s first timestamp (RFC 3339)'
            cand --step 'The simulated clock''s step per record'
            cand -n 'Stop after N lines (lines only)'
            cand --count 'Stop after N lines (lines only)'
            cand -s 'Stop at SIZE bytes; `lines` stops at the last whole line that fits'
            cand --size 'Stop at SIZE bytes; `lines` stops at the last whole line that fits'
            cand -t 'Stop generating after DUR, then write out what was generated'
            cand --duration 'Stop generating after DUR, then write out what was generated'
            cand --seed 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report'
            cand --shard 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output'
            cand -r 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --rate 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --burst 'The most a paced generator may catch up after a stall, in the rate''s unit (lines or bytes). Default: a tenth of a second''s worth'
            cand -o 'Where to write: `-` is stdout, anything else a file path'
            cand --output 'Where to write: `-` is stdout, anything else a file path'
            cand --sink-delay 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure'
            cand --sink-rate 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay'
            cand --chunk 'Size of each buffer handed from the generator to the writer'
            cand --hwm 'High-water mark: the most bytes that may wait between generator and writer. Past it the generator pauses'
            cand --lwm 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty'
            cand --stats 'Print a summary on stderr at the end: `human` (the default) or `json`, one object'
            cand --stats-file 'Also write the JSON summary to PATH (replaced if it exists)'
            cand --interval 'Print one report line every DUR on stderr (JSON with --stats=json)'
            cand --timeline 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains'
            cand -f 'Overwrite an existing file; also needed to write to a block device'
            cand --force 'Overwrite an existing file; also needed to write to a block device'
            cand -a 'Add to the end of an existing file instead of refusing to touch it'
            cand --append 'Add to the end of an existing file instead of refusing to touch it'
            cand -q 'Print nothing on stderr but errors, not even the summary'
            cand --quiet 'Print nothing on stderr but errors, not even the summary'
            cand --progress 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second'
            cand --no-progress 'Never show live progress'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gush;records'= {
            cand --schema 'Columns as `name=template, …`; commas inside braces do not split, and `\,` is a literal comma'
            cand --preset 'A named schema (see `gush presets`): users, orders, json-log'
            cand --format 'The encoding; default csv, or the preset''s'
            cand --start 'The first value of `{n}`'
            cand --clock 'Where `{ts}` comes from: `sim` stamps record i with start-time + i × step; `live` reads the wall clock. Default: sim with --seed, live without'
            cand --start-time 'The simulated clock''s first timestamp (RFC 3339)'
            cand --step 'The simulated clock''s step per record'
            cand -n 'Stop after N lines (lines only)'
            cand --count 'Stop after N lines (lines only)'
            cand -s 'Stop at SIZE bytes; `lines` stops at the last whole line that fits'
            cand --size 'Stop at SIZE bytes; `lines` stops at the last whole line that fits'
            cand -t 'Stop generating after DUR, then write out what was generated'
            cand --duration 'Stop generating after DUR, then write out what was generated'
            cand --seed 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report'
            cand --shard 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output'
            cand -r 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --rate 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --burst 'The most a paced generator may catch up after a stall, in the rate''s unit (lines or bytes). Default: a tenth of a second''s worth'
            cand -o 'Where to write: `-` is stdout, anything else a file path'
            cand --output 'Where to write: `-` is stdout, anything else a file path'
            cand --sink-delay 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure'
            cand --sink-rate 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay'
            cand --chunk 'Size of each buffer handed from the generator to the writer'
            cand --hwm 'High-water mark: the most bytes that may wait between generator and writer. Past it the generator pauses'
            cand --lwm 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty'
            cand --stats 'Print a summary on stderr at the end: `human` (the default) or `json`, one object'
            cand --stats-file 'Also write the JSON summary to PATH (replaced if it exists)'
            cand --interval 'Print one report line every DUR on stderr (JSON with --stats=json)'
            cand --timeline 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains'
            cand --no-header 'Leave out the CSV/TSV header row'
            cand -f 'Overwrite an existing file; also needed to write to a block device'
            cand --force 'Overwrite an existing file; also needed to write to a block device'
            cand -a 'Add to the end of an existing file instead of refusing to touch it'
            cand --append 'Add to the end of an existing file instead of refusing to touch it'
            cand -q 'Print nothing on stderr but errors, not even the summary'
            cand --quiet 'Print nothing on stderr but errors, not even the summary'
            cand --progress 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second'
            cand --no-progress 'Never show live progress'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gush;bytes'= {
            cand --fill 'What the bytes are: `zero`, `random` (seeded, see --seed) or a hex pattern repeated end to end, such as `deadbeef`'
            cand -n 'Stop after N lines (lines only)'
            cand --count 'Stop after N lines (lines only)'
            cand -s 'Stop at SIZE bytes; `lines` stops at the last whole line that fits'
            cand --size 'Stop at SIZE bytes; `lines` stops at the last whole line that fits'
            cand -t 'Stop generating after DUR, then write out what was generated'
            cand --duration 'Stop generating after DUR, then write out what was generated'
            cand --seed 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report'
            cand --shard 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output'
            cand -r 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --rate 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --burst 'The most a paced generator may catch up after a stall, in the rate''s unit (lines or bytes). Default: a tenth of a second''s worth'
            cand -o 'Where to write: `-` is stdout, anything else a file path'
            cand --output 'Where to write: `-` is stdout, anything else a file path'
            cand --sink-delay 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure'
            cand --sink-rate 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay'
            cand --chunk 'Size of each buffer handed from the generator to the writer'
            cand --hwm 'High-water mark: the most bytes that may wait between generator and writer. Past it the generator pauses'
            cand --lwm 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty'
            cand --stats 'Print a summary on stderr at the end: `human` (the default) or `json`, one object'
            cand --stats-file 'Also write the JSON summary to PATH (replaced if it exists)'
            cand --interval 'Print one report line every DUR on stderr (JSON with --stats=json)'
            cand --timeline 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains'
            cand -f 'Overwrite an existing file; also needed to write to a block device'
            cand --force 'Overwrite an existing file; also needed to write to a block device'
            cand -a 'Add to the end of an existing file instead of refusing to touch it'
            cand --append 'Add to the end of an existing file instead of refusing to touch it'
            cand -q 'Print nothing on stderr but errors, not even the summary'
            cand --quiet 'Print nothing on stderr but errors, not even the summary'
            cand --progress 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second'
            cand --no-progress 'Never show live progress'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gush;presets'= {
            cand --show 'Print the template or schema of preset NAME, to copy and edit'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gush;help'= {
            cand lines 'Write lines made from a template, `Line {n}` by default'
            cand records 'Write records with named columns as CSV, TSV or JSON Lines'
            cand bytes 'Write raw bytes: zeros, pseudo-random bytes or a repeated pattern'
            cand presets 'List the presets with a sample line each, or show one to copy'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gush;help;lines'= {
        }
        &'gush;help;records'= {
        }
        &'gush;help;bytes'= {
        }
        &'gush;help;presets'= {
        }
        &'gush;help;help'= {
        }
    ]
    $completions[$command]
}
