//! `share` output.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = zrules::facts::share::parse(text);
});
