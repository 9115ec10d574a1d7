//! A whole capture directory through the loader and the fleet checks.
//!
//! The input is a sequence of files, each `PATH\n` then its content, files
//! separated by NUL bytes (`uname-v\n11.4\n\0zoneadm-list-cp\n0:global:…`),
//! so the fuzzer can combine every capture file the layout knows.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use zrules::check::{CaptureInput, CheckInput};
use zrules::policy::Policy;
use zrules::render::{Format, RenderOptions, render_to};

fuzz_target!(|text: &str| {
    let mut files = BTreeMap::new();
    for chunk in text.split('\0') {
        let (path, content) = chunk.split_once('\n').unwrap_or((chunk, ""));
        files.insert(path.to_owned(), content.to_owned());
    }
    let input = CheckInput {
        configs: vec![],
        captures: vec![CaptureInput::new("fuzz", files)],
        problems: vec![],
    };
    let outcome = zrules::check::run(&input, &Policy::default());
    // Render the report too: some findings format their texts only when
    // read (those that quote a row of the capture, e.g. Z11 home-path).
    let opts = RenderOptions {
        color: false,
        statistics: false,
        tool_version: "fuzz",
    };
    for format in [Format::Full, Format::Json] {
        render_to(
            &outcome.report,
            &outcome.sources,
            format,
            &opts,
            &mut std::io::sink(),
        )
        .expect("rendering to a sink cannot fail");
    }
});
