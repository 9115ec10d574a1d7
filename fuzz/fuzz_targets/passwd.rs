//! `/etc/passwd` entries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = zrules::facts::passwd::parse(text);
});
