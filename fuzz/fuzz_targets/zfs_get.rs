//! `zfs get -H -o name,property,value,source sharenfs,sharesmb` rows.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = zrules::facts::zfs::parse_get(text);
});
