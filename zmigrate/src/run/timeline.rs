//! A move's report as one picture: when each step ran, which streams ran
//! side by side, how the pre-copy rounds shrank, and where the downtime
//! went.
//!
//! The report's numbers (`--report FILE`) say all of this, but a person
//! reading a move afterwards wants to see at a glance why the zone was
//! down for as long as it was. [`svg`] draws the timeline as a
//! self-contained SVG (no scripts, no fonts or images fetched, so it opens
//! the same from a mail attachment or a ticket): a time axis in seconds
//! since the move started, one lane per phase (pre-flight, prepare,
//! pre-copy, switch, finish), one bar per step from its start for its
//! duration, one row per dataset stream (the streams of a round run in
//! parallel), each round's bytes and rate over its bars, the downtime
//! window shaded across every lane and drawn again, zoomed, split into
//! shutdown, final transfer, attach, boot and the rest. Failed steps are
//! hatched in red. A note that names a step (`KEY: ...`, as the runner
//! writes them) is a numbered marker on that step; every note is listed
//! under the picture, since notes carry no time of their own. [`html`]
//! wraps the picture in a small page with the same figures as tables.
//!
//! Both are pure: the report in, text out. Every name in the report comes
//! from a host (zone, dataset, VNIC and host names, error text) and is
//! escaped; characters XML cannot carry at all are replaced.

use std::fmt::Write as _;

use crate::migrate::converge::Switch;
use crate::migrate::journal::Outcome;
use crate::migrate::plan::Phase;

use super::runner::{Report, StepFigure};
use super::watch::human_bytes;

/// The picture's width; its height follows from the number of rows.
const WIDTH: f64 = 1000.0;
/// Left edge of the time axis (phase and dataset labels sit left of it).
const X0: f64 = 210.0;
/// Right edge of the time axis.
const X1: f64 = WIDTH - 24.0;
/// One row of bars.
const ROW: f64 = 18.0;
const BAR: f64 = 12.0;
/// One row of round labels.
const LABEL_ROW: f64 = 16.0;
/// A bar is never drawn narrower than this (a step of a millisecond in a
/// move of an hour stays visible).
const MIN_BAR: f64 = 1.5;
/// The estimated advance of one character at 11 px in a sans-serif face
/// (a little wide, so text estimated to fit does fit).
const CHAR: f64 = 6.3;

const PHASES: [Phase; 5] = [
    Phase::Preflight,
    Phase::Prepare,
    Phase::PreCopy,
    Phase::Switch,
    Phase::Finish,
];

/// The colour of text on a bar of the phase.
fn phase_ink(phase: &str) -> &'static str {
    match phase {
        "prepare" | "pre-flight" => "#111",
        _ => "#fff",
    }
}

/// Colours of the phases (Okabe–Ito, told apart with colour blindness).
fn phase_colour(phase: &str) -> &'static str {
    match phase {
        "pre-flight" => "#7f7f7f",
        "prepare" => "#56b4e9",
        "pre-copy" => "#0072b2",
        "switch" => "#d55e00",
        "finish" => "#009e73",
        _ => "#a6761d",
    }
}

const FAILED: &str = "#c00000";
const DOWN: &str = "#d55e00";
const NOTE: &str = "#e69f00";

/// Text for XML and HTML, in element content and in quoted attributes.
/// Control characters that XML 1.0 cannot carry even escaped become U+FFFD.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The estimated width of a text at 11 px.
fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * CHAR
}

/// `s` cut to `px` wide with an ellipsis at the end.
fn fit_end(s: &str, px: f64) -> String {
    let max = (px / CHAR).floor().max(1.0) as usize;
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// `s` cut to `px` wide with an ellipsis at the start (a dataset's last
/// components tell it apart).
fn fit_start(s: &str, px: f64) -> String {
    let max = (px / CHAR).floor().max(1.0) as usize;
    let n = s.chars().count();
    if n <= max {
        return s.to_owned();
    }
    let mut t = String::from("…");
    t.extend(s.chars().skip(n - max.saturating_sub(1)));
    t
}

/// A number of seconds from a report: never negative, never NaN.
fn secs(v: f64) -> f64 {
    if v.is_finite() { v.max(0.0) } else { 0.0 }
}

fn rate(bytes: u64, seconds: f64) -> Option<String> {
    (seconds > 0.0 && bytes > 0)
        .then(|| format!("{}/s", human_bytes((bytes as f64 / seconds) as u64)))
}

/// The interval between ticks: 1, 2 or 5 times a power of ten, about
/// `n` ticks over `span`.
fn tick_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(1e-6);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    format!("{v:.decimals$}")
}

/// Where a time falls on the axis.
#[derive(Clone, Copy, Debug)]
struct Scale {
    /// The last second shown.
    end: f64,
}

impl Scale {
    fn of(report: &Report) -> Scale {
        let last = report
            .steps
            .iter()
            .map(|f| secs(f.started) + secs(f.seconds))
            .fold(secs(report.total_seconds), f64::max);
        Scale {
            end: if last > 0.0 { last } else { 1.0 },
        }
    }

    fn x(self, t: f64) -> f64 {
        X0 + secs(t) * (X1 - X0) / self.end
    }

    /// A bar's left edge and width.
    fn bar(self, started: f64, seconds: f64) -> (f64, f64) {
        let x = self.x(started);
        let w = (self.x(secs(started) + secs(seconds)) - x).max(MIN_BAR);
        (x, w)
    }
}

/// What a step key says: `PHASE[/ROUND]/REST`.
#[derive(Clone, Debug, PartialEq)]
struct Key<'a> {
    phase: &'a str,
    round: Option<usize>,
    rest: &'a str,
}

fn parse_key(key: &str) -> Key<'_> {
    let (phase, after) = key.split_once('/').unwrap_or((key, ""));
    let (round, rest) = match after.split_once('/') {
        Some((n, rest)) if n.parse::<usize>().is_ok() => (n.parse().ok(), rest),
        _ => (None, after),
    };
    Key { phase, round, rest }
}

/// The dataset a step streams, if it is a stream.
fn stream_of(rest: &str) -> Option<&str> {
    rest.strip_prefix("send/")
}

/// One row of bars in a lane.
#[derive(Debug, Default)]
struct Row {
    /// The dataset of a stream row; `None` for the phase's own steps.
    dataset: Option<String>,
    /// Indices into the report's steps, in time order.
    steps: Vec<usize>,
}

/// One lane: a phase's steps, its rounds' labels.
#[derive(Debug)]
struct Lane {
    phase: String,
    rows: Vec<Row>,
    labels: Vec<RoundLabel>,
}

fn overlaps(steps: &[StepFigure], row: &[usize], i: usize) -> bool {
    let (a0, a1) = (
        secs(steps[i].started),
        secs(steps[i].started) + secs(steps[i].seconds),
    );
    row.iter().any(|&j| {
        let (b0, b1) = (
            secs(steps[j].started),
            secs(steps[j].started) + secs(steps[j].seconds),
        );
        a0 < b1 - 1e-9 && b0 < a1 - 1e-9
    })
}

/// The lanes: phases in the order a move runs them (then any other
/// prefix, in order of appearance); in each, the phase's own steps in the
/// first rows and one row per dataset stream after them. Steps of a row
/// never overlap in time: a step that would goes to a row of its own.
fn lanes(report: &Report, scale: Scale) -> Vec<Lane> {
    let steps = &report.steps;
    let mut order: Vec<usize> = (0..steps.len()).collect();
    order.sort_by(|&a, &b| {
        secs(steps[a].started)
            .total_cmp(&secs(steps[b].started))
            .then(a.cmp(&b))
    });
    let mut names: Vec<String> = PHASES.iter().map(|p| p.as_str().to_owned()).collect();
    for &i in &order {
        let p = parse_key(&steps[i].key).phase;
        if !names.iter().any(|n| n == p) {
            names.push(p.to_owned());
        }
    }
    let mut out = Vec::new();
    for name in names {
        let mine: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| parse_key(&steps[i].key).phase == name)
            .collect();
        if mine.is_empty() {
            continue;
        }
        // Tracks: the phase's own steps, then each dataset in the order its
        // first stream started.
        let mut tracks: Vec<(Option<String>, Vec<usize>)> = vec![(None, Vec::new())];
        for &i in &mine {
            let ds = stream_of(parse_key(&steps[i].key).rest).map(str::to_owned);
            match tracks.iter_mut().find(|(d, _)| *d == ds) {
                Some((_, v)) => v.push(i),
                None => tracks.push((ds, vec![i])),
            }
        }
        let mut rows: Vec<Row> = Vec::new();
        for (ds, members) in tracks {
            let first = rows.len();
            rows.push(Row {
                dataset: ds.clone(),
                steps: Vec::new(),
            });
            for i in members {
                let slot = (first..rows.len()).find(|&r| !overlaps(steps, &rows[r].steps, i));
                match slot {
                    Some(r) => rows[r].steps.push(i),
                    None => rows.push(Row {
                        dataset: ds.clone(),
                        steps: vec![i],
                    }),
                }
            }
        }
        let labels = place_labels(round_labels(report, &name), scale);
        out.push(Lane {
            phase: name,
            rows,
            labels,
        });
    }
    out
}

/// The rounds of a phase: the span of their steps and what they sent.
fn round_labels(report: &Report, phase: &str) -> Vec<(f64, f64, String)> {
    let mut out = Vec::new();
    for r in &report.rounds {
        let spans: Vec<(f64, f64)> = report
            .steps
            .iter()
            .filter(|f| {
                let k = parse_key(&f.key);
                k.phase == phase && k.round == Some(r.round)
            })
            .map(|f| (secs(f.started), secs(f.started) + secs(f.seconds)))
            .collect();
        if spans.is_empty() {
            continue;
        }
        let from = spans.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
        let to = spans.iter().map(|s| s.1).fold(0.0, f64::max);
        // The final round's rate is not in the report (it is sent while the
        // zone is down, and counted as the downtime's final transfer).
        let per_second = if r.bytes_per_second.is_finite() && r.bytes_per_second > 0.0 {
            Some(format!("{}/s", human_bytes(r.bytes_per_second as u64)))
        } else {
            rate(r.bytes, secs(r.seconds))
        };
        let mut text = format!(
            "{} {}: {}",
            if r.final_round {
                "final round"
            } else {
                "round"
            },
            r.round,
            human_bytes(r.bytes)
        );
        if let Some(p) = per_second {
            let _ = write!(text, " at {p}");
        }
        out.push((from, to, text));
    }
    out
}

/// Where a label centred over `from..to` is drawn: its left edge, clamped
/// into the axis.
fn label_left(scale: Scale, from: f64, to: f64, text: &str) -> f64 {
    let w = text_width(text);
    let mid = (scale.x(from) + scale.x(to)) / 2.0;
    (mid - w / 2.0).clamp(X0, (X1 - w).max(X0))
}

/// A round's label, placed over the bracket that spans its steps.
#[derive(Debug)]
struct RoundLabel {
    /// The bracket, in pixels.
    from: f64,
    to: f64,
    /// Where the leader from the label meets the bracket.
    mid: f64,
    /// Where the leader runs up to the label (left of `mid` when brackets
    /// a few pixels wide follow one another, so leaders stay apart).
    anchor: f64,
    /// The text's left edge (as estimated).
    left: f64,
    /// Where the text is drawn from, and its `text-anchor`.
    at: (f64, &'static str),
    /// 0 is the row nearest the bars.
    row: usize,
    text: String,
}

impl RoundLabel {
    fn right(&self) -> f64 {
        self.left + text_width(&self.text)
    }

    /// Whether `x` falls on the text (with a little air).
    fn covers(&self, x: f64) -> bool {
        self.left - 4.0 <= x && x <= self.right() + 4.0
    }
}

/// The air between two leaders.
const LEADER_GAP: f64 = 12.0;
/// The strip over the brackets where leaders fan out.
const FAN: f64 = 6.0;

/// Places the rounds' labels. Every bracket sits on one line just over the
/// bars (rounds follow one another, so brackets never overlap); a label
/// that fits over its bracket is centred on it, a longer one ends at its
/// leader, which runs down from the label to the bracket's middle. Leaders
/// of brackets closer than [`LEADER_GAP`] fan out to the left, the last
/// round's staying put. Each label takes the lowest row where its text
/// clears the other labels of that row, no leader from a label above
/// crosses it, and its own leader crosses no label below it.
fn place_labels(spans: Vec<(f64, f64, String)>, scale: Scale) -> Vec<RoundLabel> {
    let brackets: Vec<(f64, f64, f64, String)> = spans
        .into_iter()
        .map(|(from, to, text)| {
            let a = scale.x(from);
            let b = scale.x(to).max(a + 1.0);
            (a, b, (a + b) / 2.0, text)
        })
        .collect();
    let mut anchors: Vec<f64> = brackets.iter().map(|b| b.2).collect();
    for k in (0..anchors.len().saturating_sub(1)).rev() {
        anchors[k] = anchors[k].min(anchors[k + 1] - LEADER_GAP).max(X0);
    }
    let mut placed: Vec<RoundLabel> = Vec::new();
    for ((a, b, mid, text), anchor) in brackets.into_iter().zip(anchors) {
        let w = text_width(&text);
        let (want, at) = if w <= b - a && anchor == mid {
            (mid - w / 2.0, (mid, "middle"))
        } else {
            (anchor - w, (anchor, "end"))
        };
        let left = want.clamp(X0, (X1 - w).max(X0));
        // Drawn from the point it is tied to, so that it meets its leader
        // whatever the face's real widths; from its left edge when it had
        // to be moved into the picture.
        let at = if left == want { at } else { (left, "start") };
        let mut l = RoundLabel {
            from: a,
            to: b,
            mid,
            anchor,
            left,
            at,
            row: 0,
            text,
        };
        let fits = |l: &RoundLabel, r: usize| {
            placed.iter().all(|p| {
                if r == p.row {
                    l.right() + 8.0 <= p.left || p.right() + 8.0 <= l.left
                } else if r < p.row {
                    !l.covers(p.anchor)
                } else {
                    !p.covers(l.anchor)
                }
            })
        };
        let top = placed.iter().map(|p| p.row + 1).max().unwrap_or(0);
        l.row = (0..=top).find(|&r| fits(&l, r)).unwrap_or(top);
        placed.push(l);
    }
    placed
}

/// The height of a lane's round labels and brackets.
fn label_area(lane: &Lane) -> f64 {
    match lane.labels.iter().map(|l| l.row + 1).max() {
        Some(rows) => rows as f64 * LABEL_ROW + FAN + 6.0,
        None => 0.0,
    }
}

/// The downtime window on the axis: from the start of `switch/shutdown`
/// to the end of `switch/boot`, which also sees the zone running (as the
/// runner measures it; reports of the first release ended it with a
/// separate `switch/wait-running`).
fn downtime_window(report: &Report) -> Option<(f64, f64)> {
    report.downtime.as_ref()?;
    let find = |k: &str| report.steps.iter().find(|f| f.key == k && f.ok);
    let start = find("switch/shutdown")?;
    let end = find("switch/wait-running").or_else(|| find("switch/boot"))?;
    let (a, b) = (secs(start.started), secs(end.started) + secs(end.seconds));
    (b >= a).then_some((a, b))
}

/// Which step each note names (`KEY: ...`, the longest key that fits),
/// by the note's number (from 1).
fn note_steps(report: &Report) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (n, text) in report.notes.iter().enumerate() {
        let hit = report
            .steps
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.key.is_empty() && text.contains(&format!("{}:", f.key)))
            .max_by_key(|(_, f)| f.key.len());
        if let Some((i, _)) = hit {
            out.push((n + 1, i));
        }
    }
    out
}

fn outcome_word(o: &Outcome) -> (&'static str, &'static str) {
    match o {
        Outcome::Moved => ("MOVED", "#1a7f37"),
        Outcome::RolledBack { .. } => ("ROLLED BACK", "#b35900"),
        Outcome::Stopped { .. } => ("STOPPED", FAILED),
    }
}

fn switch_text(s: &Switch) -> String {
    match s {
        Switch::SmallEnough { predicted_bytes } => format!(
            "next increment predicted at {}, small enough",
            human_bytes(*predicted_bytes)
        ),
        Switch::FastEnough { predicted_seconds } => {
            format!("next increment predicted to take {predicted_seconds:.1} s, fast enough")
        }
        Switch::RoundLimit => "round limit reached".to_owned(),
        Switch::Stalled => "increments stopped shrinking".to_owned(),
    }
}

fn title_text(r: &Report) -> String {
    format!(
        "zone {}: {} → {}: {}",
        r.zone,
        r.source,
        r.target,
        outcome_word(&r.outcome).0
    )
}

fn subtitle_text(r: &Report) -> String {
    let mut s = format!(
        "move {} · {} path · {:.1} s in all",
        r.id,
        r.path,
        secs(r.total_seconds)
    );
    if let Some(d) = &r.downtime {
        let _ = write!(s, " · down {:.2} s", secs(d.total));
    }
    if let Some(w) = &r.switch_reason {
        let _ = write!(s, " · switched: {}", switch_text(w));
    }
    s
}

fn outcome_detail(o: &Outcome) -> Option<String> {
    match o {
        Outcome::Moved => None,
        Outcome::RolledBack { reason } => Some(format!("reason: {reason}")),
        Outcome::Stopped { reason, recovery } => {
            Some(format!("reason: {reason} · to recover, run: {recovery}"))
        }
    }
}

/// The parts of the downtime, in the order they happen.
fn downtime_parts(d: &super::runner::Downtime) -> [(&'static str, f64, &'static str); 5] {
    [
        ("shutdown", secs(d.shutdown_wait), "#e69f00"),
        ("final transfer", secs(d.final_transfer), "#0072b2"),
        ("attach", secs(d.attach), "#cc79a7"),
        ("boot", secs(d.boot), "#009e73"),
        ("other", secs(d.other), "#bbbbbb"),
    ]
}

/// Writes a text element; `text` is escaped here.
fn text(out: &mut String, x: f64, y: f64, attrs: &str, text: &str) {
    let _ = writeln!(
        out,
        r#"<text x="{x:.2}" y="{y:.2}"{}{attrs}>{}</text>"#,
        if attrs.is_empty() { "" } else { " " },
        esc(text)
    );
}

/// The tick marks and labels of an axis from `0` to `end` seconds drawn
/// from `left` to `right` at height `y`.
fn axis(out: &mut String, left: f64, right: f64, end: f64, y: f64, n: f64) {
    let step = tick_step(end, n);
    let _ = writeln!(
        out,
        r##"<line x1="{left:.2}" y1="{y:.2}" x2="{right:.2}" y2="{y:.2}" stroke="#555"/>"##
    );
    let mut i = 0.0;
    while i * step <= end + step * 1e-9 {
        let v = i * step;
        let x = left + v * (right - left) / end;
        let _ = writeln!(
            out,
            r##"<line x1="{x:.2}" y1="{y:.2}" x2="{x:.2}" y2="{:.2}" stroke="#555"/>"##,
            y + 4.0
        );
        text(
            out,
            x,
            y + 15.0,
            r#"text-anchor="middle" class="tick""#,
            &tick_label(v, step),
        );
        i += 1.0;
    }
}

/// The timeline of a move as a self-contained SVG document (no XML
/// declaration, so it can be embedded in HTML as it is).
pub fn svg(report: &Report) -> String {
    draw(report, true)
}

/// The picture; `standalone`: with its own title and list of notes (the
/// page has them as HTML).
fn draw(report: &Report, standalone: bool) -> String {
    let scale = Scale::of(report);
    let lanes = lanes(report, scale);
    let window = downtime_window(report);
    let notes = note_steps(report);
    let mut body = String::new();

    // Title, what the move was, why it ended as it did.
    let mut y = 0.0;
    if standalone {
        y = header(&mut body, report);
    }

    // The downtime's label, over the band.
    if let (Some((a, b)), Some(d)) = (window, &report.downtime) {
        y += 16.0;
        let label = format!("downtime {:.2} s", secs(d.total));
        let left = label_left(scale, a, b, &label);
        let _ = writeln!(
            body,
            r#"<text x="{left:.2}" y="{y:.2}" class="down">{}</text>"#,
            esc(&label)
        );
        y += 4.0;
    } else {
        y += 6.0;
    }

    let lanes_top = y;
    let mut lane_body = String::new();
    let mut grid = String::new();
    let mut backgrounds = String::new();
    for (n, lane) in lanes.iter().enumerate() {
        let top = y;
        y += 4.0;
        let colour = phase_colour(&lane.phase);
        // Round labels, leaders and brackets over the rounds' steps.
        let area = label_area(lane);
        let base = y + area - 3.0;
        for l in &lane.labels {
            let baseline = base - FAN - 4.0 - l.row as f64 * LABEL_ROW;
            // Brackets of rounds that follow one another would join into
            // one line: each stops a little short of its ends.
            let inset = if l.to - l.from > 6.0 {
                (l.from + 1.5, l.to - 1.5)
            } else {
                (l.from, l.to)
            };
            let _ = writeln!(
                lane_body,
                r##"<path class="bracket" d="M{:.2},{:.2} V{base:.2} H{:.2} V{:.2} M{:.2},{base:.2} L{:.2},{:.2} V{:.2}" fill="none" stroke="#333" stroke-width="1"/>"##,
                inset.0,
                base + 4.0,
                inset.1,
                base + 4.0,
                l.mid,
                l.anchor,
                base - FAN,
                baseline + 2.0
            );
            text(
                &mut lane_body,
                l.at.0,
                baseline,
                &format!(r#"class="round" text-anchor="{}""#, l.at.1),
                &l.text,
            );
        }
        y += area;
        let label_y = y + ROW / 2.0 + 4.0;
        text(
            &mut lane_body,
            12.0,
            label_y,
            r#"class="phase""#,
            &lane.phase,
        );
        for (r, row) in lane.rows.iter().enumerate() {
            // How far right this row is taken, by bars and their names.
            let mut used = X0;
            let row_top = y + r as f64 * ROW;
            let bar_y = row_top + (ROW - BAR) / 2.0;
            if let Some(ds) = &row.dataset {
                let room = if r == 0 {
                    X0 - 20.0 - text_width(&lane.phase) - 12.0
                } else {
                    X0 - 20.0
                };
                let _ = writeln!(
                    lane_body,
                    r#"<text x="{:.2}" y="{:.2}" text-anchor="end" class="ds">{}<title>{}</title></text>"#,
                    X0 - 8.0,
                    bar_y + BAR - 2.0,
                    esc(&fit_start(ds, room)),
                    esc(ds)
                );
            }
            for (pos, &i) in row.steps.iter().enumerate() {
                let f = &report.steps[i];
                let (x, w) = scale.bar(f.started, f.seconds);
                let k = parse_key(&f.key);
                let mut tip = format!(
                    "{}: from {:.2} s for {:.2} s",
                    f.key,
                    secs(f.started),
                    secs(f.seconds)
                );
                if let Some(b) = f.bytes {
                    let _ = write!(tip, ", {}", human_bytes(b));
                    if let Some(r) = rate(b, secs(f.seconds)) {
                        let _ = write!(tip, " at {r}");
                    }
                }
                if !f.ok {
                    tip.push_str(", FAILED");
                }
                // Steps one after another in a row alternate in shade, so
                // that two bars that touch still read as two.
                let _ = writeln!(
                    lane_body,
                    r#"<rect class="step{}" x="{x:.2}" y="{bar_y:.2}" width="{w:.2}" height="{BAR:.2}" fill="{colour}"{}{}><title>{}</title></rect>"#,
                    if f.ok { "" } else { " failed" },
                    if pos % 2 == 1 {
                        r#" fill-opacity="0.7""#
                    } else {
                        ""
                    },
                    if f.ok {
                        String::new()
                    } else {
                        format!(r#" stroke="{FAILED}" stroke-width="2""#)
                    },
                    esc(&tip)
                );
                if !f.ok {
                    let _ = writeln!(
                        lane_body,
                        r#"<rect x="{x:.2}" y="{bar_y:.2}" width="{w:.2}" height="{BAR:.2}" fill="url(#tl-hatch)"/>"#
                    );
                }
                // The bar's name: inside when it fits, else after it when
                // the row is free until the next bar, else only in the
                // tooltip.
                let mut name = match stream_of(k.rest) {
                    Some(_) => f.bytes.map(human_bytes).unwrap_or_default(),
                    None => k.rest.to_owned(),
                };
                if !f.ok {
                    name = if name.is_empty() {
                        "failed".to_owned()
                    } else {
                        format!("{name} failed")
                    };
                }
                let before = used;
                used = used.max(x + w);
                if name.is_empty() {
                    continue;
                }
                let tw = text_width(&name);
                let next = row
                    .steps
                    .get(pos + 1)
                    .map_or(X1 + 20.0, |&j| scale.x(report.steps[j].started));
                let ty = bar_y + BAR - 2.5;
                let ink = if f.ok {
                    String::new()
                } else {
                    format!(r#" fill="{FAILED}" font-weight="bold""#)
                };
                if tw + 6.0 <= w {
                    let ink = if f.ok {
                        format!(r#" fill="{}""#, phase_ink(&lane.phase))
                    } else {
                        ink
                    };
                    text(
                        &mut lane_body,
                        x + 3.0,
                        ty,
                        &format!(r#"class="in"{ink}"#),
                        &name,
                    );
                } else if x + w + 3.0 + tw + 3.0 <= next {
                    used = used.max(x + w + 3.0 + tw);
                    text(
                        &mut lane_body,
                        x + w + 3.0,
                        ty,
                        &format!(r#"class="out"{ink}"#),
                        &name,
                    );
                } else if before + 3.0 + tw + 3.0 <= x {
                    text(
                        &mut lane_body,
                        x - 3.0,
                        ty,
                        &format!(r#"class="out" text-anchor="end"{ink}"#),
                        &name,
                    );
                }
            }
        }
        y += lane.rows.len() as f64 * ROW + 4.0;
        if n % 2 == 0 {
            let _ = writeln!(
                backgrounds,
                r##"<rect x="0" y="{top:.2}" width="{WIDTH}" height="{:.2}" fill="#f4f5f7"/>"##,
                y - top
            );
        }
        // The phase's colour, as a stripe at the lane's left edge.
        let _ = writeln!(
            backgrounds,
            r#"<rect x="0" y="{top:.2}" width="5" height="{:.2}" fill="{colour}"/>"#,
            y - top
        );
    }
    let axis_y = y + 2.0;

    // Grid lines at the ticks, behind everything.
    let step = tick_step(scale.end, 10.0);
    let mut i = 1.0;
    while i * step <= scale.end + step * 1e-9 {
        let x = scale.x(i * step);
        let _ = writeln!(
            grid,
            r##"<line x1="{x:.2}" y1="{lanes_top:.2}" x2="{x:.2}" y2="{axis_y:.2}" stroke="#dadde3" stroke-width="1"/>"##
        );
        i += 1.0;
    }
    body.push_str(&backgrounds);
    body.push_str(&grid);
    // The downtime window across all lanes, under the bars.
    if let Some((a, b)) = window {
        let (xa, xb) = (scale.x(a), scale.x(b));
        let _ = writeln!(
            body,
            r#"<rect class="downtime" x="{xa:.2}" y="{lanes_top:.2}" width="{:.2}" height="{:.2}" fill="{DOWN}" fill-opacity="0.14" stroke="{DOWN}" stroke-dasharray="3,2"><title>downtime: from {a:.2} s to {b:.2} s</title></rect>"#,
            xb - xa,
            axis_y - lanes_top
        );
    }
    body.push_str(&lane_body);
    axis(&mut body, X0, X1, scale.end, axis_y, 10.0);
    text(
        &mut body,
        X0 - 18.0,
        axis_y + 15.0,
        r#"text-anchor="end" class="tick""#,
        "seconds since start",
    );
    y = axis_y + 30.0;

    // Markers for notes that name a step, over the step's end.
    for &(n, i) in &notes {
        let f = &report.steps[i];
        let Some(r_top) = row_top(&lanes, i, lanes_top) else {
            continue;
        };
        let (x, w) = scale.bar(f.started, f.seconds);
        let cx = x + w;
        let cy = r_top + (ROW - BAR) / 2.0;
        let _ = writeln!(
            body,
            r##"<g class="note-marker"><title>note {n}: {}</title><circle cx="{cx:.2}" cy="{cy:.2}" r="6" fill="{NOTE}" stroke="#fff"/><text x="{cx:.2}" y="{:.2}" text-anchor="middle" class="mark">{n}</text></g>"##,
            esc(&report.notes[n - 1]),
            cy + 3.0
        );
    }

    // The downtime window again, zoomed, split into its parts.
    if let Some(d) = &report.downtime {
        let zy = y + 26.0;
        if let Some((a, b)) = window {
            let (xa, xb) = (scale.x(a), scale.x(b));
            let _ = writeln!(
                body,
                r#"<path d="M{xa:.2},{axis_y:.2} L{X0:.2},{zy:.2} H{X1:.2} L{xb:.2},{axis_y:.2} Z" fill="{DOWN}" fill-opacity="0.06" stroke="{DOWN}" stroke-opacity="0.5" stroke-dasharray="3,2"/>"#
            );
        }
        text(&mut body, 12.0, zy + 14.0, r#"class="phase""#, "downtime");
        text(
            &mut body,
            12.0,
            zy + 30.0,
            r#"class="sub""#,
            &format!("{:.2} s, {} sent", secs(d.total), human_bytes(d.bytes)),
        );
        let parts = downtime_parts(d);
        let sum: f64 = parts.iter().map(|p| p.1).sum();
        let span = secs(d.total).max(sum).max(1e-9);
        let mut x = X0;
        for (name, v, c) in parts {
            let w = v * (X1 - X0) / span;
            if w <= 0.0 {
                continue;
            }
            let _ = writeln!(
                body,
                r##"<rect class="part" x="{x:.2}" y="{zy:.2}" width="{w:.2}" height="20" fill="{c}" stroke="#fff"><title>{name}: {v:.2} s</title></rect>"##
            );
            let long = format!("{name} {v:.2} s");
            let short = format!("{v:.1}");
            let label = if text_width(&long) + 8.0 <= w {
                Some(long)
            } else if text_width(&short) + 6.0 <= w {
                Some(short)
            } else {
                None
            };
            if let Some(l) = label {
                text(
                    &mut body,
                    x + w / 2.0,
                    zy + 14.0,
                    r##"text-anchor="middle" class="in" fill="#fff""##,
                    &l,
                );
            }
            x += w;
        }
        axis(&mut body, X0, X1, span, zy + 22.0, 10.0);
        // The legend of the parts, every one named with its figure.
        let mut lx = X0;
        let ly = zy + 56.0;
        for (name, v, c) in parts {
            let mut t = format!("{name} {v:.2} s");
            if name == "final transfer" && d.bytes > 0 {
                let _ = write!(t, " ({})", human_bytes(d.bytes));
            }
            let _ = writeln!(
                body,
                r#"<rect x="{lx:.2}" y="{:.2}" width="10" height="10" fill="{c}"/>"#,
                ly - 9.0
            );
            text(&mut body, lx + 14.0, ly, r#"class="sub""#, &t);
            lx += 14.0 + text_width(&t) + 14.0;
        }
        y = ly + 16.0;
    }

    // A key to what is not plain from the picture, when it is in it.
    let mut kx = 12.0;
    let key_y = y + 10.0;
    if report.steps.iter().any(|f| !f.ok) {
        let _ = writeln!(
            body,
            r#"<rect x="{kx:.2}" y="{:.2}" width="22" height="10" fill="{}" stroke="{FAILED}" stroke-width="2"/><rect x="{kx:.2}" y="{:.2}" width="22" height="10" fill="url(#tl-hatch)"/>"#,
            key_y - 9.0,
            phase_colour("prepare"),
            key_y - 9.0
        );
        let t = "failed step";
        text(&mut body, kx + 28.0, key_y, r#"class="sub""#, t);
        kx += 28.0 + text_width(t) + 24.0;
    }
    if window.is_some() {
        let _ = writeln!(
            body,
            r#"<rect x="{kx:.2}" y="{:.2}" width="22" height="10" fill="{DOWN}" fill-opacity="0.14" stroke="{DOWN}" stroke-dasharray="3,2"/>"#,
            key_y - 9.0
        );
        let t = "downtime: from the shutdown until the zone runs on the target";
        text(&mut body, kx + 28.0, key_y, r#"class="sub""#, t);
        kx += 28.0 + text_width(t) + 24.0;
    }
    if !notes.is_empty() {
        let _ = writeln!(
            body,
            r##"<circle cx="{:.2}" cy="{:.2}" r="6" fill="{NOTE}" stroke="#fff"/>"##,
            kx + 6.0,
            key_y - 4.0
        );
        text(
            &mut body,
            kx + 6.0,
            key_y - 1.0,
            r#"text-anchor="middle" class="mark""#,
            "1",
        );
        let t = "a note about the step (listed below)";
        text(&mut body, kx + 18.0, key_y, r#"class="sub""#, t);
        kx += 18.0;
    }
    if kx > 12.0 {
        y = key_y;
    }

    // Notes: they carry no time, so they are listed.
    if standalone && !report.notes.is_empty() {
        y += 24.0;
        text(&mut body, 12.0, y, r#"class="phase""#, "notes");
        for (n, note) in report.notes.iter().enumerate() {
            y += 16.0;
            let line = format!("{}. {note}", n + 1);
            let _ = writeln!(
                body,
                r#"<text x="12" y="{y:.2}" class="note">{}<title>{}</title></text>"#,
                esc(&fit_end(&line, WIDTH - 24.0)),
                esc(note)
            );
        }
    }
    let height = (y + 14.0).ceil();

    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" fill="#333" font-family="DejaVu Sans, Verdana, Helvetica, Arial, sans-serif" font-size="11">"##
    );
    let _ = writeln!(out, "<title>{}</title>", esc(&title_text(report)));
    let _ = writeln!(out, "<desc>{}</desc>", esc(&subtitle_text(report)));
    let _ = writeln!(
        out,
        r##"<defs><pattern id="tl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff" fill-opacity="0.35"/><line x1="0" y1="0" x2="0" y2="6" stroke="{FAILED}" stroke-width="3"/></pattern></defs>"##
    );
    let _ = writeln!(
        out,
        r#"<style>.title{{font-size:17px;font-weight:bold;fill:#222}}.sub{{font-size:11px}}.phase{{font-size:12px;font-weight:bold;fill:#222}}.ds{{font-size:10.5px;fill:#555}}.round{{font-size:11px;fill:#222;paint-order:stroke;stroke:#f4f5f7;stroke-width:3px;stroke-linejoin:round}}.down{{font-size:11px;font-weight:bold;fill:{DOWN}}}.tick{{font-size:10px;fill:#555}}.in,.out{{font-size:10px}}.mark{{font-size:8px;font-weight:bold;fill:#fff}}.note{{font-size:11px;fill:#333}}</style>"#
    );
    let _ = writeln!(
        out,
        r##"<rect width="{WIDTH}" height="{height}" fill="#fff"/>"##
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

/// The picture's own title: the move, its outcome, why it ended so.
/// Returns where it ends.
fn header(body: &mut String, report: &Report) -> f64 {
    let (word, colour) = outcome_word(&report.outcome);
    let head = format!(
        "zone {}: {} → {}",
        report.zone, report.source, report.target
    );
    // The title is 17 px and bold: its characters are about 1.7 times as
    // wide as the 11 px ones `text_width` estimates.
    let room = (WIDTH - 24.0) / 1.7 - text_width(word) - text_width(": ");
    let _ = writeln!(
        *body,
        r#"<text x="12" y="26" class="title">{}: <tspan fill="{colour}">{}</tspan><title>{}</title></text>"#,
        esc(&fit_end(&head, room)),
        word,
        esc(&title_text(report))
    );
    let sub = subtitle_text(report);
    let _ = writeln!(
        *body,
        r#"<text x="12" y="46" class="sub">{}<title>{}</title></text>"#,
        esc(&fit_end(&sub, WIDTH - 24.0)),
        esc(&sub)
    );
    let mut y = 54.0;
    if let Some(detail) = outcome_detail(&report.outcome) {
        y += 14.0;
        let _ = writeln!(
            *body,
            r#"<text x="12" y="{y:.2}" class="sub" fill="{colour}">{}<title>{}</title></text>"#,
            esc(&fit_end(&detail, WIDTH - 24.0)),
            esc(&detail)
        );
        y += 6.0;
    }
    y
}

/// The top of the row that holds step `i` (the lanes are laid out from
/// `lanes_top` down, as [`svg`] draws them).
fn row_top(lanes: &[Lane], i: usize, lanes_top: f64) -> Option<f64> {
    let mut y = lanes_top;
    for lane in lanes {
        y += 4.0 + label_area(lane);
        for (r, row) in lane.rows.iter().enumerate() {
            if row.steps.contains(&i) {
                return Some(y + r as f64 * ROW);
            }
        }
        y += lane.rows.len() as f64 * ROW + 4.0;
    }
    None
}

/// A small self-contained page: the picture, then its figures as tables
/// (the downtime's parts, the rounds, the notes, every step). Well-formed
/// XML as well as HTML, no scripts, nothing fetched.
pub fn html(report: &Report) -> String {
    let (word, colour) = outcome_word(&report.outcome);
    let mut s = String::new();
    let _ = writeln!(s, "<!DOCTYPE html>");
    let _ = writeln!(s, r#"<html lang="en"><head><meta charset="utf-8"/>"#);
    // Nothing but the page's own styles may load or run, should a name
    // ever slip past the escaping.
    let _ = writeln!(
        s,
        r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/>"#
    );
    let _ = writeln!(
        s,
        r#"<meta name="viewport" content="width=device-width, initial-scale=1"/>"#
    );
    let _ = writeln!(s, "<title>{}</title>", esc(&title_text(report)));
    let _ = writeln!(
        s,
        "<style>body{{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5em auto;max-width:1040px;padding:0 1em;color:#222}}\
         h1{{font-size:1.4em;margin:.2em 0}}h2{{font-size:1.1em;margin:1.4em 0 .4em}}\
         svg{{max-width:100%;height:auto;border:1px solid #e3e5e8}}\
         table{{border-collapse:collapse}}th,td{{padding:2px 10px 2px 0;text-align:left;border-bottom:1px solid #e3e5e8;vertical-align:top}}\
         td.n,th.n{{text-align:right;font-variant-numeric:tabular-nums}}tr.failed td{{color:{FAILED};font-weight:bold}}\
         code{{font-size:.95em}}.outcome{{color:{colour}}}.detail{{color:{colour}}}</style>"
    );
    let _ = writeln!(s, "</head><body>");
    let _ = writeln!(
        s,
        r#"<h1>zone <code>{}</code>: {} → {}: <span class="outcome">{word}</span></h1>"#,
        esc(&report.zone),
        esc(&report.source),
        esc(&report.target)
    );
    let _ = writeln!(s, "<p>{}</p>", esc(&subtitle_text(report)));
    if let Some(d) = outcome_detail(&report.outcome) {
        let _ = writeln!(s, r#"<p class="detail">{}</p>"#, esc(&d));
    }
    s.push_str(&draw(report, false));
    if let Some(d) = &report.downtime {
        let _ = writeln!(s, "<h2>Downtime: {:.2} s</h2>", secs(d.total));
        let _ = writeln!(s, "<table><tbody>");
        for (name, v, _) in downtime_parts(d) {
            let _ = writeln!(s, r#"<tr><td>{name}</td><td class="n">{v:.2} s</td></tr>"#);
        }
        let _ = writeln!(
            s,
            r#"<tr><td>bytes sent while down</td><td class="n">{}</td></tr>"#,
            esc(&human_bytes(d.bytes))
        );
        let _ = writeln!(s, "</tbody></table>");
    }
    if !report.rounds.is_empty() {
        let _ = writeln!(s, "<h2>Rounds</h2>");
        let _ = writeln!(
            s,
            r#"<table><thead><tr><th>round</th><th class="n">bytes</th><th class="n">seconds</th><th class="n">rate</th><th></th></tr></thead><tbody>"#
        );
        for r in &report.rounds {
            let per = if r.bytes_per_second.is_finite() && r.bytes_per_second > 0.0 {
                format!("{}/s", human_bytes(r.bytes_per_second as u64))
            } else {
                rate(r.bytes, secs(r.seconds)).unwrap_or_default()
            };
            let _ = writeln!(
                s,
                r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{:.2}</td><td class="n">{}</td><td>{}</td></tr>"#,
                r.round,
                esc(&human_bytes(r.bytes)),
                secs(r.seconds),
                esc(&per),
                if r.final_round {
                    "final, zone down"
                } else {
                    ""
                }
            );
        }
        let _ = writeln!(s, "</tbody></table>");
    }
    let lists: [(&str, &Vec<String>); 3] = [
        ("Notes", &report.notes),
        ("Differences found by verification", &report.differences),
        ("zrules findings on the target", &report.findings),
    ];
    for (h, items) in lists {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(s, "<h2>{h}</h2><ol>");
        for it in items {
            let _ = writeln!(s, "<li>{}</li>", esc(it));
        }
        let _ = writeln!(s, "</ol>");
    }
    let _ = writeln!(s, "<h2>Steps</h2>");
    let _ = writeln!(
        s,
        r#"<table><thead><tr><th>step</th><th class="n">from (s)</th><th class="n">seconds</th><th class="n">bytes</th><th>ok</th></tr></thead><tbody>"#
    );
    for f in &report.steps {
        let _ = writeln!(
            s,
            r#"<tr{}><td><code>{}</code></td><td class="n">{:.2}</td><td class="n">{:.2}</td><td class="n">{}</td><td>{}</td></tr>"#,
            if f.ok { "" } else { r#" class="failed""# },
            esc(&f.key),
            secs(f.started),
            secs(f.seconds),
            f.bytes
                .map(human_bytes)
                .map(|b| esc(&b))
                .unwrap_or_default(),
            if f.ok { "yes" } else { "FAILED" }
        );
    }
    let _ = writeln!(s, "</tbody></table>");
    let _ = writeln!(s, "<p>journal: <code>{}</code></p>", esc(&report.journal));
    let _ = writeln!(s, "</body></html>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::runner::{Downtime, RoundFigure};

    const MIB: u64 = 1 << 20;

    fn step(key: &str, started: f64, seconds: f64, bytes: Option<u64>) -> StepFigure {
        StepFigure {
            key: key.to_owned(),
            started,
            seconds,
            bytes,
            ok: true,
        }
    }

    fn round(k: usize, bytes: u64, seconds: f64, final_round: bool) -> RoundFigure {
        RoundFigure {
            round: k,
            bytes,
            seconds,
            bytes_per_second: if final_round {
                0.0
            } else {
                bytes as f64 / seconds
            },
            final_round,
        }
    }

    /// A move as the runner reports one: zone `www` with its root and one
    /// data dataset, three pre-copy rounds at about 110 MiB/s, a retried
    /// receive, the switch after round 2.
    pub(super) fn example() -> Report {
        let root = "rpool/zones/www";
        let data = "pool1/www";
        let mut steps = vec![
            step("pre-flight/attach-dry-run", 0.00, 1.42, None),
            step("prepare/zonecfg", 1.45, 0.61, None),
            step("prepare/vnic/www0", 2.07, 0.38, None),
            step("prepare/vnic/www1", 2.46, 0.35, None),
            step("pre-copy/0/snapshot", 2.84, 0.21, None),
        ];
        steps.push(step(
            &format!("pre-copy/0/send/{root}"),
            3.40,
            21.30,
            Some(2253 * MIB),
        ));
        steps.push(step(
            &format!("pre-copy/0/send/{data}"),
            3.40,
            58.10,
            Some(6553 * MIB),
        ));
        steps.push(step("pre-copy/1/snapshot", 61.55, 0.18, None));
        steps.push(step(
            &format!("pre-copy/1/send/{root}"),
            61.75,
            1.20,
            Some(96 * MIB),
        ));
        steps.push(step(
            &format!("pre-copy/1/send/{data}"),
            61.75,
            4.05,
            Some(314 * MIB),
        ));
        steps.push(step("pre-copy/2/snapshot", 65.85, 0.16, None));
        steps.push(step(
            &format!("pre-copy/2/send/{root}"),
            66.03,
            0.35,
            Some(5 * MIB),
        ));
        steps.push(step(
            &format!("pre-copy/2/send/{data}"),
            66.03,
            0.62,
            Some(17 * MIB),
        ));
        steps.push(step("switch/shutdown", 66.70, 6.20, None));
        steps.push(step("switch/3/snapshot", 72.92, 0.31, None));
        steps.push(step(
            &format!("switch/3/send/{root}"),
            73.25,
            0.48,
            Some(MIB),
        ));
        steps.push(step(
            &format!("switch/3/send/{data}"),
            73.25,
            0.91,
            Some(2 * MIB),
        ));
        steps.push(step("switch/attach", 74.18, 3.40, None));
        steps.push(step("switch/boot", 77.60, 5.72, None));
        steps.push(step("finish/source-autoboot", 83.35, 0.42, None));
        Report {
            id: "20261201T093512-4242".to_owned(),
            zone: "www".to_owned(),
            source: "gz-a".to_owned(),
            target: "gz-b".to_owned(),
            path: "direct".to_owned(),
            outcome: Outcome::Moved,
            rounds: vec![
                round(0, 8806 * MIB, 61.27, false),
                round(1, 410 * MIB, 4.25, false),
                round(2, 22 * MIB, 0.80, false),
                round(3, 3 * MIB, 0.93, true),
            ],
            switch_reason: Some(Switch::SmallEnough {
                predicted_bytes: 3 * MIB,
            }),
            downtime: Some(Downtime {
                total: 16.62,
                shutdown_wait: 6.51,
                final_transfer: 0.91,
                attach: 3.40,
                boot: 5.70,
                other: 0.10,
                bytes: 3 * MIB,
            }),
            steps,
            total_seconds: 83.80,
            differences: Vec::new(),
            findings: Vec::new(),
            preflight_seconds: 0.0,
            notes: vec![
                format!(
                    "pre-copy/1/send/{data}: the target's copy changed since its last snapshot; \
                     received again with receive -F (the dataset is this move's own)"
                ),
                "pre-copy ends after round 2: SmallEnough { predicted_bytes: 3145728 }".to_owned(),
                "verified: 4 snapshot GUIDs equal on both hosts, configuration identical"
                    .to_owned(),
            ],
            journal: "/var/tmp/zmigrate/www/20261201T093512-4242.jsonl".to_owned(),
        }
    }

    /// A move that failed in the switch, with names a host could send to
    /// break the page.
    fn hostile() -> Report {
        let mut r = example();
        r.zone = "<script>alert(1)</script>".to_owned();
        r.source = "a&b".to_owned();
        r.target = "t\"'<x>\u{1}".to_owned();
        for f in &mut r.steps {
            f.key = f.key.replace("pool1/www", "pool1/<b>&amp;\"q'");
        }
        let attach = r
            .steps
            .iter_mut()
            .find(|f| f.key == "switch/attach")
            .expect("attach");
        attach.ok = false;
        r.steps
            .retain(|f| !matches!(f.key.as_str(), "switch/boot" | "finish/source-autoboot"));
        r.downtime = None;
        r.outcome = Outcome::RolledBack {
            reason: "switch/attach: `zoneadm -z <script> attach` ended with exit 1: &bad"
                .to_owned(),
        };
        r.notes
            .push("rolling back: switch/attach: <oops> & more".to_owned());
        r
    }

    /// A longer move: 43 VNICs, 24 datasets, five pre-copy rounds that
    /// shrink sixfold each (the last ones bunched together at the scale of
    /// the first), 199 steps; autoboot could not be turned off at the end.
    fn long_move() -> Report {
        let mut r = example();
        r.steps.clear();
        r.rounds.clear();
        let mut t = 0.0;
        let at = |r: &mut Report, key: String, secs: f64, bytes: Option<u64>, t: &mut f64| {
            r.steps.push(step(&key, *t, secs, bytes));
            *t += secs + 0.05;
        };
        at(
            &mut r,
            "pre-flight/attach-dry-run".into(),
            2.1,
            None,
            &mut t,
        );
        at(&mut r, "prepare/zonecfg".into(), 0.9, None, &mut t);
        for i in 0..43 {
            at(&mut r, format!("prepare/vnic/www{i}"), 0.4, None, &mut t);
        }
        let datasets: Vec<String> = (0..24)
            .map(|i| format!("pool{}/zones/www/data/set-{i}", i % 3 + 1))
            .collect();
        let mut mib = 40_000.0;
        for k in 0..5 {
            at(&mut r, format!("pre-copy/{k}/snapshot"), 0.3, None, &mut t);
            let mut longest: f64 = 0.0;
            for (j, d) in datasets.iter().enumerate() {
                let secs = mib * (1.0 + j as f64 * 0.1) / 24.0 / 100.0;
                longest = longest.max(secs);
                let bytes = (secs * 100.0 * MIB as f64) as u64;
                r.steps.push(step(
                    &format!("pre-copy/{k}/send/{d}"),
                    t,
                    secs,
                    Some(bytes),
                ));
            }
            r.rounds
                .push(round(k, (mib * MIB as f64) as u64, longest, false));
            t += longest + 0.05;
            mib /= 6.0;
        }
        let down = t;
        at(&mut r, "switch/shutdown".into(), 12.0, None, &mut t);
        at(&mut r, "switch/5/snapshot".into(), 0.4, None, &mut t);
        for d in &datasets {
            r.steps
                .push(step(&format!("switch/5/send/{d}"), t, 1.5, Some(MIB / 2)));
        }
        t += 1.55;
        r.rounds.push(round(5, 12 * MIB, 1.5, true));
        at(&mut r, "switch/attach".into(), 8.0, None, &mut t);
        at(&mut r, "switch/boot".into(), 11.0, None, &mut t);
        let total = t - 0.05 - down;
        at(&mut r, "finish/source-autoboot".into(), 0.5, None, &mut t);
        if let Some(last) = r.steps.last_mut() {
            last.ok = false;
        }
        r.total_seconds = t;
        r.downtime = Some(Downtime {
            total,
            shutdown_wait: 12.45,
            final_transfer: 1.5,
            attach: 8.0,
            boot: 11.05,
            other: total - 33.0,
            bytes: 12 * MIB,
        });
        r.outcome = Outcome::Stopped {
            reason: "zone www runs on gz-b, but autoboot could not be turned off on gz-a: \
                     ssh: connect to host gz-a port 22: Connection refused"
                .to_owned(),
            recovery: "ssh gz-a zonecfg -z www set autoboot=false".to_owned(),
        };
        r.notes.push(
            "finish/source-autoboot: ssh: connect to host gz-a port 22: Connection refused"
                .to_owned(),
        );
        r
    }

    fn parse(text: &str) -> roxmltree::Document<'_> {
        // The page's `<!DOCTYPE html>` is a DTD to an XML parser.
        let opt = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        roxmltree::Document::parse_with_options(text, opt)
            .unwrap_or_else(|e| panic!("not well-formed: {e}\n{text}"))
    }

    fn num(n: roxmltree::Node<'_, '_>, attr: &str) -> f64 {
        n.attribute(attr)
            .unwrap_or_else(|| panic!("no {attr}"))
            .parse()
            .unwrap_or_else(|e| panic!("{attr}: {e}"))
    }

    fn title_of<'a>(n: roxmltree::Node<'a, '_>) -> String {
        n.children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or_default()
            .to_owned()
    }

    /// What an element shows: its text, tspans included, tooltips not.
    fn shown(n: roxmltree::Node<'_, '_>) -> String {
        n.descendants()
            .filter(|t| t.is_text() && !t.parent().is_some_and(|p| p.has_tag_name("title")))
            .filter_map(|t| t.text())
            .collect()
    }

    fn class_has(n: roxmltree::Node<'_, '_>, class: &str) -> bool {
        n.attribute("class")
            .is_some_and(|c| c.split_whitespace().any(|w| w == class))
    }

    fn step_rects<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> Vec<roxmltree::Node<'a, 'i>> {
        doc.descendants()
            .filter(|n| n.has_tag_name("rect") && class_has(*n, "step"))
            .collect()
    }

    /// The bar of a step: the rect whose tooltip starts with its key.
    fn bar_of<'a, 'i>(doc: &'a roxmltree::Document<'i>, key: &str) -> roxmltree::Node<'a, 'i> {
        let found: Vec<_> = step_rects(doc)
            .into_iter()
            .filter(|n| title_of(*n).starts_with(&format!("{key}: from ")))
            .collect();
        assert_eq!(found.len(), 1, "bars of {key}");
        found[0]
    }

    /// Where the axis puts a time, computed here from the report alone.
    fn expected_x(r: &Report, t: f64) -> f64 {
        let end = r
            .steps
            .iter()
            .map(|f| f.started + f.seconds)
            .fold(r.total_seconds, f64::max);
        X0 + t * (X1 - X0) / end
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.011
    }

    #[test]
    fn the_picture_is_well_formed_and_fetches_nothing() {
        // Nothing measured at all, or figures no clock gives: still a picture.
        let mut empty = example();
        empty.steps.clear();
        empty.rounds.clear();
        empty.total_seconds = 0.0;
        let mut odd = example();
        odd.steps[0].started = f64::NAN;
        odd.steps[1].seconds = f64::INFINITY;
        odd.steps[2].seconds = -1.0;
        odd.total_seconds = f64::NAN;
        for r in [example(), hostile(), empty, odd] {
            let out = svg(&r);
            assert!(!out.contains("NaN") && !out.contains("inf"), "{out}");
            let doc = parse(&out);
            let root = doc.root_element();
            assert!(root.has_tag_name(("http://www.w3.org/2000/svg", "svg")));
            for n in doc.descendants().filter(|n| n.is_element()) {
                let tag = n.tag_name().name();
                assert!(
                    !matches!(tag, "script" | "image" | "foreignObject" | "a" | "use"),
                    "<{tag}> in the picture"
                );
                for a in n.attributes() {
                    assert!(!a.name().starts_with("on"), "event handler {}", a.name());
                    assert!(a.name() != "href", "a link: {}", a.value());
                    if a.value().contains("url(") {
                        assert!(a.value().starts_with("url(#"), "{}", a.value());
                    }
                }
            }
            let style: String = doc
                .descendants()
                .filter(|n| n.has_tag_name("style"))
                .filter_map(|n| n.text())
                .collect();
            assert!(!style.contains("@import") && !style.contains("url("));
        }
    }

    #[test]
    fn one_bar_per_step_where_and_as_long_as_it_ran() {
        let r = example();
        let out = svg(&r);
        let doc = parse(&out);
        assert_eq!(step_rects(&doc).len(), r.steps.len());
        for f in &r.steps {
            let bar = bar_of(&doc, &f.key);
            let x = expected_x(&r, f.started);
            let w = (expected_x(&r, f.started + f.seconds) - x).max(MIN_BAR);
            assert!(
                close(num(bar, "x"), x),
                "{}: x {} not {x}",
                f.key,
                num(bar, "x")
            );
            assert!(
                close(num(bar, "width"), w),
                "{}: width {} not {w}",
                f.key,
                num(bar, "width")
            );
            assert!(num(bar, "x") + num(bar, "width") <= X1 + 0.011);
        }
        // The move's last second is the axis's end.
        let last = bar_of(&doc, "finish/source-autoboot");
        assert!(num(last, "x") + num(last, "width") < X1);
        assert!(close(expected_x(&r, r.total_seconds), X1));
    }

    #[test]
    fn the_downtime_band_spans_shutdown_to_running() {
        let r = example();
        let out = svg(&r);
        let doc = parse(&out);
        let bands: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && class_has(*n, "downtime"))
            .collect();
        assert_eq!(bands.len(), 1);
        let band = bands[0];
        // switch/shutdown starts at 66.70; switch/boot ends at
        // 77.60 + 5.72.
        let (a, b) = (expected_x(&r, 66.70), expected_x(&r, 83.32));
        assert!(close(num(band, "x"), a), "band x {}", num(band, "x"));
        assert!(
            close(num(band, "width"), b - a),
            "band width {}",
            num(band, "width")
        );
        // It covers every lane: from above the first bar to below the last.
        let top = num(band, "y");
        let bottom = top + num(band, "height");
        for n in step_rects(&doc) {
            assert!(num(n, "y") >= top && num(n, "y") + num(n, "height") <= bottom);
        }
        // Its label: the total; the zoom: each part with its figure.
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(shown)
            .collect();
        assert!(texts.iter().any(|t| t == "downtime 16.62 s"), "{texts:?}");
        for part in [
            "shutdown 6.51 s",
            "final transfer 0.91 s (3.0 MiB)",
            "attach 3.40 s",
            "boot 5.70 s",
            "other 0.10 s",
        ] {
            assert!(texts.iter().any(|t| t == part), "{part} missing: {texts:?}");
        }
        let parts: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && class_has(*n, "part"))
            .collect();
        assert_eq!(parts.len(), 5);
        let width: f64 = parts.iter().map(|p| num(*p, "width")).sum();
        assert!(close(width, X1 - X0), "split spans {width}");
        // Proportional: shutdown is 6.51 of 16.62 s.
        assert!(close(num(parts[0], "width"), 6.51 / 16.62 * (X1 - X0)));
    }

    #[test]
    fn hostile_names_are_escaped() {
        let r = hostile();
        for out in [svg(&r), html(&r)] {
            let doc = parse(&out);
            assert!(
                !doc.descendants()
                    .any(|n| n.has_tag_name("script") || n.has_tag_name("b")),
                "markup from a name became an element"
            );
            assert!(!out.contains("<script>") && !out.contains("<b>") && !out.contains("<oops>"));
            assert!(!out.contains('\u{1}'));
            // The names are there, as text.
            let all: String = doc.descendants().filter_map(|n| n.text()).collect();
            assert!(all.contains("<script>alert(1)</script>"), "zone name lost");
            assert!(all.contains("a&b"));
            assert!(all.contains("pool1/<b>&amp;\"q'"), "dataset lost");
            assert!(all.contains("t\"'<x>\u{fffd}"), "target lost");
        }
    }

    #[test]
    fn long_names_are_cut_to_fit_and_whole_in_the_tooltips() {
        let mut r = example();
        r.zone = "z".repeat(300);
        r.target = "t".repeat(300);
        let long_ds = format!("pool1/{}/last", "d".repeat(200));
        for f in &mut r.steps {
            f.key = f.key.replace("pool1/www", &long_ds);
        }
        let out = svg(&r);
        let doc = parse(&out);
        for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let t = shown(n);
            let px = text_width(&t) * if class_has(n, "title") { 1.7 } else { 1.0 };
            let x = num(n, "x");
            let anchor = n.attribute("text-anchor").unwrap_or("start");
            let (a, b) = match anchor {
                "end" => (x - px, x),
                "middle" => (x - px / 2.0, x + px / 2.0),
                _ => (x, x + px),
            };
            assert!(a >= 0.0 && b <= WIDTH, "{t:?} runs from {a} to {b}");
        }
        let tips: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("title"))
            .filter_map(|n| n.text().map(str::to_owned))
            .collect();
        assert!(tips.iter().any(|t| t.contains(&r.target)));
        assert!(
            tips.iter().any(|t| t == &long_ds),
            "dataset row label tooltip"
        );
        // The end of a dataset's name is what tells it apart: it is kept.
        assert!(
            doc.descendants()
                .filter(|n| class_has(*n, "ds"))
                .any(|n| shown(n).starts_with('…') && shown(n).ends_with("dddd/last"))
        );
    }

    #[test]
    fn failed_steps_are_hatched_and_named() {
        let r = hostile();
        let out = svg(&r);
        let doc = parse(&out);
        let failed: Vec<_> = step_rects(&doc)
            .into_iter()
            .filter(|n| class_has(*n, "failed"))
            .collect();
        assert_eq!(failed.len(), 1);
        assert!(title_of(failed[0]).starts_with("switch/attach: "));
        assert!(title_of(failed[0]).ends_with("FAILED"));
        assert_eq!(failed[0].attribute("stroke"), Some(FAILED));
        let hatch = doc.descendants().filter(|n| {
            n.attribute("fill") == Some("url(#tl-hatch)")
                && n.attribute("x") == failed[0].attribute("x")
        });
        assert_eq!(hatch.count(), 1);
        // No downtime was measured: no band.
        assert!(!out.contains(r#"class="downtime""#));
        assert!(out.contains("ROLLED BACK"));
    }

    #[test]
    fn parallel_streams_run_in_rows_of_their_own() {
        let r = example();
        let doc_text = svg(&r);
        let doc = parse(&doc_text);
        let y = |k: &str| num(bar_of(&doc, k), "y");
        // The two streams of round 0 overlap in time: two rows.
        let root0 = y("pre-copy/0/send/rpool/zones/www");
        let data0 = y("pre-copy/0/send/pool1/www");
        assert!((root0 - data0).abs() >= ROW - 0.01);
        // A dataset keeps its row from round to round.
        assert!(close(y("pre-copy/2/send/pool1/www"), data0));
        assert!(close(y("pre-copy/1/send/rpool/zones/www"), root0));
        // Steps one after another share a row.
        assert!(close(y("prepare/zonecfg"), y("prepare/vnic/www1")));
        assert!(close(y("switch/shutdown"), y("switch/attach")));
        // Lanes go down in the order the phases run.
        assert!(y("pre-flight/attach-dry-run") < y("prepare/zonecfg"));
        assert!(y("prepare/zonecfg") < y("pre-copy/0/snapshot"));
        assert!(data0 < y("switch/shutdown"));
        assert!(y("switch/3/send/pool1/www") < y("finish/source-autoboot"));
        // Each dataset row is labelled with its dataset.
        let labels: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text") && class_has(*n, "ds"))
            .map(title_of)
            .collect();
        assert_eq!(
            labels,
            [
                "rpool/zones/www",
                "pool1/www",
                "rpool/zones/www",
                "pool1/www"
            ]
        );
    }

    #[test]
    fn rounds_are_labelled_with_bytes_and_rate() {
        let out = svg(&example());
        let doc = parse(&out);
        let labels: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text") && class_has(*n, "round"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(
            labels,
            [
                "round 0: 8.6 GiB at 143.7 MiB/s",
                "round 1: 410.0 MiB at 96.5 MiB/s",
                "round 2: 22.0 MiB at 27.5 MiB/s",
                "final round 3: 3.0 MiB at 3.2 MiB/s",
            ]
        );
    }

    #[test]
    fn notes_that_name_a_step_are_marked_on_it() {
        let r = example();
        assert_eq!(note_steps(&r), [(1, 9)]);
        let out = svg(&r);
        let doc = parse(&out);
        let markers: Vec<_> = doc
            .descendants()
            .filter(|n| class_has(*n, "note-marker"))
            .collect();
        assert_eq!(markers.len(), 1);
        assert!(title_of(markers[0]).starts_with("note 1: pre-copy/1/send/pool1/www: "));
        let circle = markers[0]
            .children()
            .find(|c| c.has_tag_name("circle"))
            .expect("circle");
        let bar = bar_of(&doc, "pre-copy/1/send/pool1/www");
        assert!(close(num(circle, "cx"), num(bar, "x") + num(bar, "width")));
        // Every note is listed, numbered, whether or not it is marked.
        let listed: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text") && class_has(*n, "note"))
            .map(title_of)
            .collect();
        assert_eq!(listed, r.notes);
        // The longest key wins: a note on `.../www/data` is not one on `.../www`.
        let mut r2 = r.clone();
        r2.steps
            .push(step("pre-copy/1/send/pool1/www/data", 61.75, 1.0, None));
        r2.notes = vec!["pre-copy/1/send/pool1/www/data: retried".to_owned()];
        assert_eq!(note_steps(&r2), [(1, r2.steps.len() - 1)]);
    }

    #[test]
    fn two_steps_or_two_hundred_fit() {
        let mut small = example();
        small.steps.truncate(2);
        small.rounds.clear();
        small.downtime = None;
        small.notes.clear();
        small.total_seconds = 2.06;
        let mut big = example();
        big.steps = (0..200)
            .map(|i| {
                let key = if i < 150 {
                    format!("prepare/vnic/v{i}")
                } else {
                    format!("pre-copy/0/send/pool{}/z", i - 150)
                };
                if i < 150 {
                    step(&key, i as f64 * 0.3, 0.3, None)
                } else {
                    step(&key, 45.0, 10.0 + (i - 150) as f64, Some(MIB))
                }
            })
            .collect();
        big.total_seconds = 120.0;
        let heights: Vec<f64> = [small, big]
            .iter()
            .map(|r| {
                let out = svg(r);
                let doc = parse(&out);
                let root = doc.root_element();
                assert_eq!(num(root, "width"), WIDTH);
                let h = num(root, "height");
                assert_eq!(step_rects(&doc).len(), r.steps.len());
                for n in doc.descendants().filter(|n| n.has_tag_name("rect")) {
                    if let (Some(x), Some(y)) = (n.attribute("x"), n.attribute("y")) {
                        let (x, y): (f64, f64) = (x.parse().expect("x"), y.parse().expect("y"));
                        assert!(
                            (0.0..=WIDTH).contains(&x) && (0.0..=h).contains(&y),
                            "({x},{y}) outside"
                        );
                    }
                }
                h
            })
            .collect();
        // Two steps: a small picture; the 150 sequential steps share one
        // row, the 50 parallel streams take one row each.
        assert!(heights[0] < 260.0, "{heights:?}");
        assert!(
            heights[1] > 50.0 * ROW && heights[1] < 50.0 * ROW + 400.0,
            "{heights:?}"
        );
    }

    #[test]
    fn round_labels_clear_each_other_and_the_leaders() {
        let r = long_move();
        assert_eq!(r.steps.len(), 199);
        let scale = Scale::of(&r);
        let lanes = lanes(&r, scale);
        let pre = lanes
            .iter()
            .find(|l| l.phase == "pre-copy")
            .expect("pre-copy lane");
        assert_eq!(pre.labels.len(), 5);
        // Rounds 2 to 4 are a few pixels wide and follow one another: their
        // labels cannot all sit in one row.
        assert!(pre.labels.iter().map(|l| l.row).max() >= Some(2));
        for (i, a) in pre.labels.iter().enumerate() {
            assert!(a.left >= X0 && a.right() <= X1, "{} outside", a.text);
            for b in &pre.labels[i + 1..] {
                if a.row == b.row {
                    assert!(
                        a.right() < b.left || b.right() < a.left,
                        "{} on {}",
                        a.text,
                        b.text
                    );
                }
                // A leader runs down from its label: it must not cross a
                // label in a lower row.
                let (hi, lo) = if a.row > b.row { (a, b) } else { (b, a) };
                if hi.row != lo.row {
                    assert!(
                        !lo.covers(hi.anchor),
                        "leader of {} crosses {}",
                        hi.text,
                        lo.text
                    );
                }
            }
        }
        // Leaders stay apart; each label names its round; brackets never
        // overlap.
        for w in pre.labels.windows(2) {
            assert!(w[1].anchor - w[0].anchor >= LEADER_GAP - 0.01);
        }
        for (k, l) in pre.labels.iter().enumerate() {
            assert!(l.text.starts_with(&format!("round {k}: ")));
            if let Some(next) = pre.labels.get(k + 1) {
                assert!(l.to <= next.from + 0.01);
            }
        }
        let out = svg(&r);
        let doc = parse(&out);
        assert_eq!(step_rects(&doc).len(), 199);
        assert_eq!(
            doc.descendants()
                .filter(|n| n.has_tag_name("path") && class_has(*n, "bracket"))
                .count(),
            6
        );
    }

    #[test]
    fn the_page_is_well_formed_and_carries_the_figures() {
        let r = example();
        let out = html(&r);
        assert!(out.starts_with("<!DOCTYPE html>\n"));
        let doc = parse(&out);
        assert!(doc.root_element().has_tag_name("html"));
        assert_eq!(
            doc.descendants()
                .filter(|n| n.has_tag_name(("http://www.w3.org/2000/svg", "svg")))
                .count(),
            1
        );
        assert!(!doc.descendants().any(|n| n.has_tag_name("script")
            || n.has_tag_name("link")
            || n.attribute("src").is_some()));
        let rows: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("tr")).collect();
        // Downtime parts + bytes, rounds + head, steps + head.
        assert_eq!(rows.len(), 6 + r.rounds.len() + 1 + r.steps.len() + 1);
        let items: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("li"))
            .map(|n| n.text().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(items, r.notes);
        let text: String = doc.descendants().filter_map(|n| n.text()).collect();
        assert!(text.contains("MOVED"));
        assert!(doc.descendants().any(|n| {
            n.attribute("http-equiv") == Some("Content-Security-Policy")
                && n.attribute("content")
                    .is_some_and(|c| c.starts_with("default-src 'none'"))
        }));
        assert!(text.contains(&r.journal));
    }

    #[test]
    fn keys_and_ticks() {
        assert_eq!(
            parse_key("pre-copy/0/send/pool1/www"),
            Key {
                phase: "pre-copy",
                round: Some(0),
                rest: "send/pool1/www"
            }
        );
        assert_eq!(
            parse_key("prepare/vnic/www0"),
            Key {
                phase: "prepare",
                round: None,
                rest: "vnic/www0"
            }
        );
        assert_eq!(parse_key("switch").rest, "");
        assert_eq!(tick_step(83.8, 10.0), 10.0);
        assert_eq!(tick_step(2.06, 10.0), 0.5);
        assert_eq!(tick_step(3600.0, 10.0), 500.0);
        assert_eq!(tick_label(0.5, 0.5), "0.5");
        assert_eq!(tick_label(20.0, 10.0), "20");
        assert_eq!(fit_start("rpool/zones/www/ROOT", 8.0 * CHAR), "…ww/ROOT");
        assert_eq!(fit_end("abcdef", 4.0 * CHAR), "abc…");
        assert_eq!(
            esc("<a href=\"x\">&'\u{0}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\u{fffd}"
        );
    }

    /// docs/move-timeline-example.svg is what this code draws for
    /// [`example`]. `ZMIGRATE_WRITE_EXAMPLE=1` rewrites it.
    #[test]
    fn the_docs_example_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/move-timeline-example.svg");
        let now = svg(&example());
        if std::env::var_os("ZMIGRATE_WRITE_EXAMPLE").is_some() {
            std::fs::write(&path, &now).expect("write the example");
        }
        let stored = std::fs::read_to_string(&path).expect("docs/move-timeline-example.svg");
        assert!(
            stored == now,
            "docs/move-timeline-example.svg is stale: run ZMIGRATE_WRITE_EXAMPLE=1 cargo test -p zmigrate --lib timeline"
        );
    }
}
