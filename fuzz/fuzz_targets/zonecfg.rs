//! A zonecfg command file through the whole pipeline a user runs: the
//! lossless syntax tree (which must print the input back byte for byte),
//! the typed model, and every house rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zrules::check::{CheckInput, ConfigInput};
use zrules::policy::Policy;

fuzz_target!(|text: &str| {
    if let Ok(doc) = zrules::zonecfg::syntax::parse(text) {
        assert_eq!(doc.to_string(), text, "the syntax tree is lossless");
    }
    let input = CheckInput {
        configs: vec![ConfigInput {
            zone: Some("fuzz".into()),
            name: "fuzz.zonecfg".into(),
            text: text.to_owned(),
        }],
        captures: vec![],
        problems: vec![],
    };
    let _ = zrules::check::run(&input, &Policy::default());
});
