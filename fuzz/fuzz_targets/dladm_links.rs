//! `dladm show-link -p -o link,class,over` rows.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = zrules::facts::dladm::parse_links(text);
});
