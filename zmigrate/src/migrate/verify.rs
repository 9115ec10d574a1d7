//! Whether the target holds what the source had: the checks after the
//! switch, as pure comparisons of what both hosts printed.
//!
//! * Every dataset of the final snapshot has the same GUID on both sides
//!   (a received snapshot keeps the sender's GUID: `docs/solaris-commands.md`,
//!   "GUIDs"), read from `zfs list -H -o name,guid -t snapshot -r ROOT`.
//! * The target's configuration is the one the plan sent: both exports are
//!   read by zrules' parser and written back, so only real differences
//!   count (not quoting or order of printing).

use std::collections::BTreeMap;

use zrules::shell::Command;

/// `zfs list -H -o name,guid -t snapshot -r ROOT`: every snapshot under a
/// tree with its GUID.
pub fn guid_command(root: &str) -> Command {
    Command::new(
        "zfs",
        [
            "list",
            "-H",
            "-o",
            "name,guid",
            "-t",
            "snapshot",
            "-r",
            root,
        ],
    )
}

/// `DATASET@SNAP` → GUID for the snapshots named `snap`, from
/// [`guid_command`]'s output.
pub fn guids_of(output: &str, snap: &str) -> BTreeMap<String, String> {
    let suffix = format!("@{snap}");
    output
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(name, _)| name.ends_with(&suffix))
        .map(|(name, guid)| (name.to_owned(), guid.trim().to_owned()))
        .collect()
}

/// The differences between the source's and the target's GUIDs of one
/// snapshot, one line each; empty when they match (and there is at least
/// one).
pub fn compare_guids(
    source: &BTreeMap<String, String>,
    target: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut diffs = Vec::new();
    if source.is_empty() {
        diffs.push("the source lists no dataset with the final snapshot".to_owned());
    }
    for (name, guid) in source {
        match target.get(name) {
            None => diffs.push(format!("{name} is missing on the target")),
            Some(g) if g != guid => diffs.push(format!(
                "{name} has GUID {guid} on the source and {g} on the target"
            )),
            Some(_) => {}
        }
    }
    for name in target.keys().filter(|n| !source.contains_key(*n)) {
        diffs.push(format!("{name} exists only on the target"));
    }
    diffs
}

/// The differences between the configuration sent and the one the target
/// exports, line by line after both went through zrules' parser.
pub fn compare_configs(sent: &str, exported: &str) -> Vec<String> {
    let norm = |t: &str| match zrules::zonecfg::parse(t) {
        Ok(c) => Ok(c.export()),
        Err(e) => Err(e.to_string()),
    };
    match (norm(sent), norm(exported)) {
        (Ok(a), Ok(b)) if a == b => Vec::new(),
        (Ok(a), Ok(b)) => {
            let la: Vec<&str> = a.lines().collect();
            let lb: Vec<&str> = b.lines().collect();
            let mut d: Vec<String> = la
                .iter()
                .filter(|l| !lb.contains(l))
                .map(|l| format!("sent but not on the target: {l}"))
                .collect();
            d.extend(
                lb.iter()
                    .filter(|l| !la.contains(l))
                    .map(|l| format!("on the target but not sent: {l}")),
            );
            if d.is_empty() {
                d.push("the same lines in another order".to_owned());
            }
            d
        }
        (_, Err(e)) => vec![format!("the target's export does not parse: {e}")],
        (Err(e), _) => vec![format!("the configuration sent does not parse: {e}")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_match_or_each_difference_is_named() {
        let src = "pool1/www@s2\t111\npool1/www/pool1@s2\t222\npool1/www@s1\t999\n";
        let a = guids_of(src, "s2");
        assert_eq!(a.len(), 2);
        assert!(compare_guids(&a, &a).is_empty());
        let b = guids_of("pool1/www@s2\t111\npool1/www/pool1@s2\t223\n", "s2");
        assert_eq!(
            compare_guids(&a, &b),
            ["pool1/www/pool1@s2 has GUID 222 on the source and 223 on the target"]
        );
        let c = guids_of("pool1/www@s2\t111\n", "s2");
        assert_eq!(
            compare_guids(&a, &c),
            ["pool1/www/pool1@s2 is missing on the target"]
        );
        assert!(!compare_guids(&BTreeMap::new(), &BTreeMap::new()).is_empty());
    }

    #[test]
    fn configs_compare_after_the_parser() {
        let sent = "create -b\nset zonepath=/zones/www\nset bootargs=\"-m verbose\"\n";
        // Solaris 11.1 prints bootargs bare: the same configuration.
        let exported = "create -b\nset zonepath=/zones/www\nset bootargs=-m verbose\n";
        assert!(compare_configs(sent, exported).is_empty());
        let other = "create -b\nset zonepath=/zones/web\nset bootargs=\"-m verbose\"\n";
        assert_eq!(
            compare_configs(sent, other),
            [
                "sent but not on the target: set zonepath=/zones/www",
                "on the target but not sent: set zonepath=/zones/web"
            ]
        );
    }
}
