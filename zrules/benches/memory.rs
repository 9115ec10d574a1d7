//! Peak memory of `zrules check` against the size of its largest input.
//!
//! Goal (issue 7): peak resident memory at most 4× the largest input file
//! plus a constant, whatever the file's shape. Before the first fix, 16 MiB
//! of blank lines took 2.5–3 GB (one syntax item of ~80 bytes per blank
//! line, plus an 8-byte line index entry) and 200 MB of `add net` blocks
//! 12.3 GB.
//!
//! Figures (2026-12-02, the project's 2-core machine, 32 MiB inputs, peak
//! over a tiny-file baseline). A first round, measured by sampling
//! `VmHWM`: blank lines 3.7× → 1.8×, comment lines 3.3× → 1.3×, one long
//! line 4.5× → 2.0×, garbage capture rows 3.3× → 1.3×, `add net` blocks
//! 12.5× → 9.4×, a list of rctl complex values 20.7× → 9.2×, `passwd` rows
//! 23.6× → 13.8× (each text held once, moved into the run's `Sources` and
//! read into a buffer of the file's size; spans of two `u32`s; the model
//! consuming the syntax it is built from; findings filtered and sorted in
//! place; the concise report written as it is rendered). A second round,
//! measured exactly as below, before → after: `add net` blocks 9.2× → 6.4×
//! (302 → 214 MiB), rctl values 9.2× → 6.8× (304 → 226 MiB), `passwd` rows
//! 13.8× → 11.5× (450 → 376 MiB); the sparse shapes unchanged (blank lines
//! 1.7×, comment lines 1.3×, one long line 2.0×, garbage rows 1.3×). It
//! made names and values of the model and of `passwd` rows 16-byte inline
//! strings (`Text`, no allocation up to 15 bytes), a resource's properties
//! and children boxed slices of exact size, the syntax value 32 bytes like
//! the model's (a long list is converted in place), and a finding 128
//! bytes instead of 144, its message and help boxed to their length.
//!
//! A third round, for the finding-heavy `passwd rows (capture)` shape
//! (one home-path finding per row), measured as below, before → after:
//! 11.5× → 6.6× (376 → 220 MiB); the other shapes unchanged (`add net`
//! blocks 208–214 MiB between runs, rctl values 226 MiB, the sparse shapes
//! as before). A finding went from 128 to 56 bytes: its message, help, zone
//! and host share one allocation of their exact length, read through
//! accessors, its related places sit behind one pointer, its place is
//! stored without an `Option`'s tag (376 → 306 MiB at 96 bytes, 254 at 64,
//! 246 at 56). Parsed rows are reserved at the first row that parses, for
//! the non-blank lines left, instead of growing by doubling (306 → 278
//! MiB; later that day this became `grow.rs`'s growth by the text's
//! density, which the model uses too: the same 211 MiB at the end of the
//! round, without a second pass over the text). Findings are collected in
//! chunks and moved into one vector of the
//! findings kept after the facts are freed, so the vector of findings is
//! never copied while it grows, and a run whose findings are already in
//! order (rules report rows in file order) skips the sort's index vector
//! (246 → 220 MiB).
//!
//! The same round, for dense zonecfg content, measured on the system
//! allocator (which the binaries use since: see below), before → after,
//! with mimalloc's figure for the new code in brackets: `add net` blocks
//! 6.2× → 3.4× (208 → 113 MiB) [5.3×], rctl values 6.8× → 3.9× (226 →
//! 128 MiB), blank lines 1.7× → 1.2×, comment and garbage rows 1.3× →
//! 1.0×, one long line 2.0× → 1.0×, `passwd` rows with the findings work
//! above 6.5× (211 MiB). The model copies no name or value: each is a
//! 12-byte reference into the source, shared with the run's `Sources`; a
//! resource is a 32-byte row (was a 72-byte `Resource` with a boxed slice
//! of 72-byte properties), its properties a run of one table of 48-byte
//! rows; a complex value keeps the parser's 20-byte pairs (was three
//! 56-byte model pairs copied from 40-byte syntax pairs); vectors filled
//! from the text grow by its density (`grow.rs`); Z05 and Z06 walk a
//! zone's nets twice instead of collecting them.
//!
//! A fourth round met the goal for the `passwd` shape: 6.5× → 3.3× (211 →
//! 108 MiB). A finding of a check that may fire once per row (Z11
//! home-path and home-dataset) holds two spans of the row it quotes, and
//! one formatter shared by the check's findings makes its message and help
//! when read (`diagnostic::Quoting`); before, each 56-byte finding had about
//! 116 bytes of formatted text beside it. `passwd` rows became spans into
//! the capture's text (44 bytes a row, was 72). The shape is measured in
//! every output format too: `full`, `json`, `sarif` and `github` had built
//! their whole report before writing it (549, 640, 954 and 242 MiB), and
//! now write it as they render it, like `concise` (108–109 MiB each).
//!
//! mimalloc (version 3), which the binaries used until this round, returns
//! freed pages to the system about a second after they are freed (its
//! `purge_delay`) and commits memory in large steps: with
//! `MIMALLOC_PURGE_DELAY=0` in the environment the `passwd` shape peaked
//! at 316 MiB instead of 369 MiB before the third round (217 instead of
//! 220 after its findings work), `add net` blocks at 202 instead of 209;
//! with `MIMALLOC_ALLOW_THP=0` as well, an 8 MiB `add net` file at 46
//! instead of 70 MiB, about what the system allocator takes (42 MiB).
//! Setting those options from the binary takes an `unsafe` call into
//! mimalloc, which this workspace forbids; the system allocator needs
//! none, and since the model stopped allocating per name and value it
//! runs the checks in fewer instructions than mimalloc did before
//! (`throughput.rs`).
//!
//! Each shape is written to a scratch directory and checked by the release
//! binary as a child process. Its peak RSS is the kernel's own count,
//! `ru_maxrss` of `getrusage(RUSAGE_CHILDREN)` read by a go-between process
//! (this bench run again) that started it and waited for it, so it is exact
//! rather than sampled. The figure printed beside it is the ratio to the
//! input's size; the largest of a few runs on a tiny file gives the
//! constant. No assertion: this is a measurement, run with
//! `cargo bench -p zrules --bench memory` (set `ZRULES_MEM_MIB` to change
//! the input size, 32 MiB by default).

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};

/// The zrules binary built by this `cargo bench`.
const BIN: &str = env!("CARGO_BIN_EXE_zrules");

/// `text` repeated until it fills `size` bytes (whole repetitions).
fn fill(head: &str, unit: &str, tail: &str, size: usize) -> String {
    let mut s = String::with_capacity(size + unit.len());
    s.push_str(head);
    while s.len() + unit.len() + tail.len() <= size {
        s.push_str(unit);
    }
    s.push_str(tail);
    s
}

/// The shapes measured: name, capture slot (`None`: a zone config file),
/// content.
fn shapes(size: usize) -> Vec<(&'static str, Option<&'static str>, String)> {
    let head = "create -b\nset zonepath=/zones/big\n";
    let mut nets = String::with_capacity(size);
    nets.push_str(head);
    let mut i = 0u64;
    while nets.len() < size {
        let _ = write!(nets, "add net\nset physical=big{i}\nend\n");
        i += 1;
    }
    let mut passwd = String::with_capacity(size);
    while passwd.len() < size {
        let _ = writeln!(
            passwd,
            "u{i}:x:{}:10::/home/u{i}:/usr/bin/bash",
            100 + i % 50_000
        );
        i += 1;
    }
    vec![
        ("blank lines", None, fill(head, "\n", "", size)),
        ("add net blocks", None, nets),
        (
            "one long line",
            None,
            fill(&format!("{head}set bootargs=\""), "x", "\"\n", size),
        ),
        (
            "long list of complex values",
            None,
            fill(
                &format!("{head}add rctl\nset name=zone.cpu-shares\nset value=["),
                "(priv=privileged,limit=10,action=none),",
                "(priv=privileged,limit=10,action=none)]\nend\n",
                size,
            ),
        ),
        ("comment lines", None, fill(head, "# a comment\n", "", size)),
        ("passwd rows (capture)", Some("passwd"), passwd),
        (
            "garbage rows (capture)",
            Some("zoneadm-list-cp"),
            fill("", "not a zone\n", "", size),
        ),
    ]
}

/// Set in the environment of the bench run as the go-between (see
/// [`peak_kib`]).
const MEASURE: &str = "ZRULES_MEM_MEASURE";

/// Peak RSS in KiB of `zrules check ARGS` run in `dir`, its exit code, and
/// how long it took.
///
/// The peak is the kernel's own count (`ru_maxrss` of `getrusage(2)`), not a
/// sample: this bench runs itself as a go-between that starts zrules, waits
/// for it and prints `getrusage(RUSAGE_CHILDREN)`, whose `ru_maxrss` is the
/// largest peak among the children it has waited for, the one zrules run.
fn peak_kib(dir: &Path, args: &[&str]) -> (u64, Option<i32>, Duration) {
    let start = Instant::now();
    let out = Command::new(std::env::current_exe().expect("bench binary"))
        .env(MEASURE, "1")
        .current_dir(dir)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .expect("the go-between runs");
    let took = start.elapsed();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    let peak = words
        .next()
        .and_then(|w| w.parse().ok())
        .expect("the go-between prints the peak");
    let code = words.next().and_then(|w| w.parse().ok());
    (peak, code, took)
}

/// The go-between: runs zrules with this process's arguments and prints its
/// peak RSS (KiB on Linux) and exit code.
fn measure() {
    let status = Command::new(BIN)
        .args(std::env::args_os().skip(1))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("zrules runs");
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).expect("getrusage");
    let code = status.code().map_or("signal".to_owned(), |c| c.to_string());
    println!("{} {code}", usage.max_rss());
}

fn main() {
    if std::env::var_os(MEASURE).is_some() {
        measure();
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too,
    // with a small size so it stays quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let mib: usize = std::env::var("ZRULES_MEM_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 1 } else { 32 });
    let size = mib << 20;
    let dir = tempfile::tempdir().expect("scratch dir");
    std::fs::create_dir(dir.path().join(".git")).expect("git dir");

    std::fs::write(
        dir.path().join("tiny.zonecfg"),
        "create -b\nset zonepath=/zones/tiny\n",
    )
    .expect("write");
    // The baseline is the largest of a few runs (they differ by a few pages).
    let base = (0..3)
        .map(|_| peak_kib(dir.path(), &["check", "tiny.zonecfg"]).0)
        .max()
        .unwrap_or(0);
    println!("memory: zrules check, peak RSS against input size ({mib} MiB inputs)");
    println!(
        "  {:<30} {:>10} {:>10} {:>7} {:>9}",
        "shape", "input", "peak RSS", "ratio", "time"
    );
    println!(
        "  {:<30} {:>10} {:>7} MiB {:>7} {:>9}",
        "baseline (tiny file)",
        "-",
        base >> 10,
        "-",
        "-"
    );
    for (name, slot, text) in shapes(size) {
        let args: Vec<String> = match slot {
            None => {
                std::fs::write(dir.path().join("big.zonecfg"), &text).expect("write");
                vec!["check".into(), "big.zonecfg".into()]
            }
            Some(file) => {
                let host = dir.path().join("host");
                let _ = std::fs::remove_dir_all(&host);
                std::fs::create_dir(&host).expect("mkdir");
                std::fs::write(host.join(file), &text).expect("write");
                vec!["check".into(), "--capture".into(), "host".into()]
            }
        };
        // The finding-heavy shape again in each format that is not the
        // default: every format writes its report as it renders it.
        let formats: &[&str] = if slot.is_some() && name.starts_with("passwd") {
            &["", "full", "json", "sarif", "github"]
        } else {
            &[""]
        };
        for format in formats {
            let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
            let label = if format.is_empty() {
                name.to_owned()
            } else {
                args.extend(["--format", format]);
                format!("  … --format {format}")
            };
            let (peak, code, took) = peak_kib(dir.path(), &args);
            let input_kib = (text.len() >> 10) as u64;
            println!(
                "  {:<30} {:>6} MiB {:>6} MiB {:>6.1}× {:>7.2} s  (exit {})",
                label,
                input_kib >> 10,
                peak >> 10,
                peak.saturating_sub(base) as f64 / input_kib.max(1) as f64,
                took.as_secs_f64(),
                code.map_or("signal".to_owned(), |c| c.to_string()),
            );
        }
    }
    println!("  (ratio: (peak - baseline) / input)");
}
