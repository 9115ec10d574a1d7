//! Helpers shared by the integration tests: reading a capture directory
//! back, and the findings of a JSON report as comparable tuples.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every file under `dir`, by relative `/`-separated path, as bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("list dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                let key: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(key.join("/"), fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The same paths with the same bytes (failures name the path, not bytes).
pub fn assert_same_files(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in want {
        assert!(
            got[path] == *bytes,
            "{path} differs:\n{}",
            String::from_utf8_lossy(&got[path])
        );
    }
}

/// The same, as text (for `zrules::check`).
pub fn read_texts(dir: &Path) -> BTreeMap<String, String> {
    read_tree(dir)
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect()
}

/// `CODE check host zone` of each diagnostic of a `--format json` report,
/// sorted (zone and host `-` when null).
pub fn findings(json: &serde_json::Value) -> Vec<String> {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_owned();
    let mut out: Vec<String> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {} {} {}",
                s(&d["code"]),
                s(&d["check"]),
                s(&d["host"]),
                s(&d["zone"])
            )
        })
        .collect();
    out.sort();
    out
}

pub fn parse_json(stdout: &[u8]) -> serde_json::Value {
    serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(stdout)))
}
pub mod zone;
