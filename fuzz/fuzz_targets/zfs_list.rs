//! `zfs list -H -o name,mountpoint,mounted` rows.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = zrules::facts::zfs::parse_list(text);
});
