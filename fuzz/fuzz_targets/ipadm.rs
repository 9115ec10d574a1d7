//! `ipadm show-addr -p -o addrobj,type,state,addr` rows.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = zrules::facts::ipadm::parse(text);
});
