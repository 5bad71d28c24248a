//! `faultline check HISTORY --model MODEL --stream`: the streaming linearizability
//! check (`faultline_check::stream`), for histories too long to hold. A JSON Lines
//! history is read one line at a time and checked as it is read, so memory follows
//! the history's concurrency, not its length; other formats are read whole, then
//! streamed. Same exit codes as `check` (0, 1, 2, 3 on bad input naming the file and
//! line). No `--html`: the page draws the whole history.

use crate::check_cmd::{format_of, located, model_of, CheckArgs};
use faultline_check::import::{jsonl, parse, Format};
use faultline_check::{HistoryError, HistoryModel, StreamLimits, StreamReport};
use serde_json::json;
use std::io::{BufRead, BufReader, Read};
use std::time::Instant;

/// Checks the history as a stream; the exit code.
pub fn run(args: &CheckArgs) -> anyhow::Result<i32> {
    if args.html.is_some() {
        let message = "--html draws the whole history, which --stream does not keep; drop one";
        return Ok(crate::check_cmd::refuse(args, message));
    }
    let started = Instant::now();
    match streamed(args) {
        Ok((report, format)) => {
            let wall_ns = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
            print_report(&report, format, wall_ns, args.json)?;
            Ok(report.verdict.exit_code())
        }
        Err(message) => Ok(crate::check_cmd::refuse(args, &message)),
    }
}

/// Where the history comes from, read a line at a time.
type Lines = BufReader<Box<dyn Read>>;

/// Reads and checks the history, or says what was wrong with the input.
fn streamed(args: &CheckArgs) -> Result<(StreamReport, Format), String> {
    let (name, mut lines) = open(&args.history)?;
    let mut reader = LineReader::default();
    let first = reader.next_non_blank(&name, &mut lines)?;
    let format = format_of(args, first.as_deref().unwrap_or(""))?;
    let model = model_of(args, format)?.boxed();
    let limits = StreamLimits {
        steps_max: args.budget,
        ..StreamLimits::default()
    };
    let located = |e: HistoryError| located(&name, format, e);
    let report = if format == Format::Jsonl {
        stream_lines(
            model.as_ref(),
            limits,
            first,
            (&name, &mut reader, &mut lines),
        )
        .map_err(located)?
    } else {
        let mut text = first.unwrap_or_default();
        text.push('\n');
        lines
            .read_to_string(&mut text)
            .map_err(|e| format!("{name}: cannot read: {e}"))?;
        let history = parse(&text, format).map_err(located)?;
        model.check_stream(&history, limits).map_err(located)?
    };
    if report.operations == 0 {
        return Err(format!("{name}: no operations found"));
    }
    if let Some(rejected) = &report.rejected {
        return Err(located(HistoryError {
            line: rejected.op.line,
            message: rejected.why.clone(),
        }));
    }
    Ok((report, format))
}

/// Streams JSON Lines: `first` (the first non-blank line, already read), then the rest.
fn stream_lines(
    model: &dyn HistoryModel,
    limits: StreamLimits,
    first: Option<String>,
    (name, reader, lines): (&str, &mut LineReader, &mut Lines),
) -> Result<StreamReport, HistoryError> {
    let mut stream = model.stream(limits);
    let mut next = first;
    while let Some(text) = next {
        if let Some(event) = jsonl::parse_line(&text, reader.line)? {
            event.feed(stream.as_mut(), reader.line)?;
        }
        next = reader.next_line(lines).map_err(|message| HistoryError {
            line: reader.line + 1,
            message: format!("{name}: {message}"),
        })?;
    }
    Ok(stream.finish())
}

/// The history file (or stdin, for `-`) and the name messages call it.
fn open(path: &std::path::Path) -> Result<(String, Lines), String> {
    if path.as_os_str() == "-" {
        let stdin: Box<dyn Read> = Box::new(std::io::stdin());
        return Ok(("stdin".to_string(), BufReader::new(stdin)));
    }
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let file: Box<dyn Read> = Box::new(file);
    Ok((name, BufReader::new(file)))
}

/// Reads lines as UTF-8 text, counting them; a leading byte-order mark is skipped.
#[derive(Default)]
struct LineReader {
    /// The number of the line last read (1-based).
    line: usize,
    bytes: Vec<u8>,
}

impl LineReader {
    /// The next line without its line ending, or `None` at the end.
    fn next_line(&mut self, lines: &mut Lines) -> Result<Option<String>, String> {
        self.bytes.clear();
        let read = lines
            .read_until(b'\n', &mut self.bytes)
            .map_err(|e| format!("cannot read: {e}"))?;
        if read == 0 {
            return Ok(None);
        }
        self.line += 1;
        let text = std::str::from_utf8(&self.bytes).map_err(|e| {
            format!(
                "column {}: not valid UTF-8; a history must be UTF-8 text",
                String::from_utf8_lossy(&self.bytes[..e.valid_up_to()])
                    .chars()
                    .count()
                    + 1
            )
        })?;
        let text = text.trim_end_matches(['\n', '\r']);
        let text = if self.line == 1 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        Ok(Some(text.to_string()))
    }

    /// The first line that is not blank, or `None` for an empty input.
    fn next_non_blank(&mut self, name: &str, lines: &mut Lines) -> Result<Option<String>, String> {
        loop {
            let next = self
                .next_line(lines)
                .map_err(|message| format!("{name}:{}: {message}", self.line + 1))?;
            match next {
                Some(text) if text.trim().is_empty() => continue,
                other => return Ok(other),
            }
        }
    }
}

fn print_report(
    report: &StreamReport,
    format: Format,
    wall_ns: u64,
    as_json: bool,
) -> anyhow::Result<()> {
    if as_json {
        let mut object = serde_json::to_value(report)?;
        object["format"] = json!(format.name());
        object["stream"] = json!(true);
        object["wall_ns"] = json!(wall_ns);
        crate::output::emit(&format!("{object}\n"));
    } else {
        crate::output::emit(&format!(
            "{report}read and checked in {:.2} ms ({} format, as a stream)\n",
            wall_ns as f64 / 1e6,
            format.name()
        ));
    }
    Ok(())
}
