
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
            cand bytes 'Write raw bytes: zeros, pseudo-random bytes or a repeated pattern'
            cand replay 'Send the lines of a file or stdin again: real logs at a chosen rate'
            cand catch 'Receive over TCP or a Unix socket: count, discard or save, report'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gush;lines'= {
            cand --start 'The first value of `{n}`'
            cand -n 'Stop after N lines (lines only)'
            cand --count 'Stop after N lines (lines only)'
            cand -s 'Stop at SIZE bytes; `lines` stops at the last whole line that fits'
            cand --size 'Stop at SIZE bytes; `lines` stops at the last whole line that fits'
            cand -t 'Stop generating after DUR, then write out what was generated'
            cand --duration 'Stop generating after DUR, then write out what was generated'
            cand --seed 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report'
            cand -r 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --rate 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --burst 'The most a paced generator may catch up after a stall, in the rate''s unit (lines or bytes). Default: a tenth of a second''s worth'
            cand -o 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path'
            cand --output 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path'
            cand --sink-delay 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure'
            cand --sink-rate 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay'
            cand --chunk 'Size of each buffer handed from the generator to the writer'
            cand --hwm 'High-water mark: the most bytes that may wait between generator and writer. Past it the generator pauses'
            cand --lwm 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty'
            cand --stats 'Print a summary on stderr at the end: `human` (the default) or `json`, one object'
            cand --stats-file 'Also write the JSON summary to PATH (replaced if it exists)'
            cand --interval 'Print one report line every DUR on stderr (JSON with --stats=json)'
            cand --timeline 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains'
            cand --connect-timeout 'How long one attempt to connect may take [default: 5s]'
            cand --retry 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries'
            cand --send-buffer 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted'
            cand --framing '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination'
            cand -f 'Overwrite an existing file; also needed to write to a block device'
            cand --force 'Overwrite an existing file; also needed to write to a block device'
            cand -a 'Add to the end of an existing file instead of refusing to touch it'
            cand --append 'Add to the end of an existing file instead of refusing to touch it'
            cand -q 'Print nothing on stderr but errors, not even the summary'
            cand --quiet 'Print nothing on stderr but errors, not even the summary'
            cand --progress 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second'
            cand --no-progress 'Never show live progress'
            cand --reconnect 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight'
            cand --nodelay 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones'
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
            cand -r 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --rate 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --burst 'The most a paced generator may catch up after a stall, in the rate''s unit (lines or bytes). Default: a tenth of a second''s worth'
            cand -o 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path'
            cand --output 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path'
            cand --sink-delay 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure'
            cand --sink-rate 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay'
            cand --chunk 'Size of each buffer handed from the generator to the writer'
            cand --hwm 'High-water mark: the most bytes that may wait between generator and writer. Past it the generator pauses'
            cand --lwm 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty'
            cand --stats 'Print a summary on stderr at the end: `human` (the default) or `json`, one object'
            cand --stats-file 'Also write the JSON summary to PATH (replaced if it exists)'
            cand --interval 'Print one report line every DUR on stderr (JSON with --stats=json)'
            cand --timeline 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains'
            cand --connect-timeout 'How long one attempt to connect may take [default: 5s]'
            cand --retry 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries'
            cand --send-buffer 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted'
            cand --framing '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination'
            cand -f 'Overwrite an existing file; also needed to write to a block device'
            cand --force 'Overwrite an existing file; also needed to write to a block device'
            cand -a 'Add to the end of an existing file instead of refusing to touch it'
            cand --append 'Add to the end of an existing file instead of refusing to touch it'
            cand -q 'Print nothing on stderr but errors, not even the summary'
            cand --quiet 'Print nothing on stderr but errors, not even the summary'
            cand --progress 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second'
            cand --no-progress 'Never show live progress'
            cand --reconnect 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight'
            cand --nodelay 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gush;replay'= {
            cand -n 'Stop after N lines (lines only)'
            cand --count 'Stop after N lines (lines only)'
            cand -s 'Stop at SIZE bytes; `lines` stops at the last whole line that fits'
            cand --size 'Stop at SIZE bytes; `lines` stops at the last whole line that fits'
            cand -t 'Stop generating after DUR, then write out what was generated'
            cand --duration 'Stop generating after DUR, then write out what was generated'
            cand --seed 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report'
            cand -r 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --rate 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates'
            cand --burst 'The most a paced generator may catch up after a stall, in the rate''s unit (lines or bytes). Default: a tenth of a second''s worth'
            cand -o 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path'
            cand --output 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path'
            cand --sink-delay 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure'
            cand --sink-rate 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay'
            cand --chunk 'Size of each buffer handed from the generator to the writer'
            cand --hwm 'High-water mark: the most bytes that may wait between generator and writer. Past it the generator pauses'
            cand --lwm 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty'
            cand --stats 'Print a summary on stderr at the end: `human` (the default) or `json`, one object'
            cand --stats-file 'Also write the JSON summary to PATH (replaced if it exists)'
            cand --interval 'Print one report line every DUR on stderr (JSON with --stats=json)'
            cand --timeline 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains'
            cand --connect-timeout 'How long one attempt to connect may take [default: 5s]'
            cand --retry 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries'
            cand --send-buffer 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted'
            cand --framing '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination'
            cand --loop 'Start the file over at its end, until --count, --size or --duration (or Ctrl-C). Not for stdin'
            cand -f 'Overwrite an existing file; also needed to write to a block device'
            cand --force 'Overwrite an existing file; also needed to write to a block device'
            cand -a 'Add to the end of an existing file instead of refusing to touch it'
            cand --append 'Add to the end of an existing file instead of refusing to touch it'
            cand -q 'Print nothing on stderr but errors, not even the summary'
            cand --quiet 'Print nothing on stderr but errors, not even the summary'
            cand --progress 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second'
            cand --no-progress 'Never show live progress'
            cand --reconnect 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight'
            cand --nodelay 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gush;catch'= {
            cand -l 'Where to listen: `unix:PATH`, `HOST:PORT`, `[::1]:PORT`, or a bare PORT, which listens on loopback only (write out any other address, 0.0.0.0 included). Port 0 takes a free port; the address in use is printed on stderr'
            cand --listen 'Where to listen: `unix:PATH`, `HOST:PORT`, `[::1]:PORT`, or a bare PORT, which listens on loopback only (write out any other address, 0.0.0.0 included). Port 0 takes a free port; the address in use is printed on stderr'
            cand -c 'Accept N connections, then refuse more and exit when they are done'
            cand --connections 'Accept N connections, then refuse more and exit when they are done'
            cand --max-connections 'The most connections served at once; more wait to be accepted'
            cand --framing '`octet-counted` decodes `LEN SP MSG` frames (RFC 6587) and counts messages; without it, lines are counted'
            cand -o 'Save what arrives: `-` is stdout, anything else a file (an existing one needs --force or --append). Without it, it is discarded'
            cand --output 'Save what arrives: `-` is stdout, anything else a file (an existing one needs --force or --append). Without it, it is discarded'
            cand --read-delay 'Sleep DUR before each read: a slow receiver, to make senders wait'
            cand --read-rate 'Read at most RATE bytes per second on each connection (`1MiB/s`)'
            cand --stats 'Print a summary on stderr at the end: `human` (the default) or `json`, one object'
            cand --stats-file 'Also write the JSON summary to PATH (replaced if it exists)'
            cand --interval 'Print one report line every DUR on stderr (JSON with --stats=json)'
            cand -k 'Serve connections until interrupted, instead of --connections'
            cand --keep 'Serve connections until interrupted, instead of --connections'
            cand -f 'Overwrite an existing file'
            cand --force 'Overwrite an existing file'
            cand -a 'Add to the end of an existing file'
            cand --append 'Add to the end of an existing file'
            cand -q 'Print nothing on stderr but errors: not the address, not the summary'
            cand --quiet 'Print nothing on stderr but errors: not the address, not the summary'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'gush;help'= {
            cand lines 'Write lines made from a template, `Line {n}` by default'
            cand bytes 'Write raw bytes: zeros, pseudo-random bytes or a repeated pattern'
            cand replay 'Send the lines of a file or stdin again: real logs at a chosen rate'
            cand catch 'Receive over TCP or a Unix socket: count, discard or save, report'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gush;help;lines'= {
        }
        &'gush;help;bytes'= {
        }
        &'gush;help;replay'= {
        }
        &'gush;help;catch'= {
        }
        &'gush;help;help'= {
        }
    ]
    $completions[$command]
}
