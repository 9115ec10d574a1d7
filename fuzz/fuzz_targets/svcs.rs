//! `svcs -H -o fmri -d FMRI` rows, and the one-value outputs (nodename, uname -v).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = zrules::facts::svcs::parse(text);
    let _ = zrules::facts::parse_first_line(text, "a host name");
});
