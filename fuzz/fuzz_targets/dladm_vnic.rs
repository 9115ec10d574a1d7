//! `dladm show-vnic -p -o link,over,macaddress,macaddrtype` rows.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = zrules::facts::dladm::parse_vnic_capture(text);
});
