//! `zoneadm list -cp` rows: never panics, hangs or balloons.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = zrules::facts::zoneadm::parse(text);
});
