//! The house rules: one module per rule, one registry table.

use crate::diagnostic::Code;

/// One-line summary of a rule, for listings and SARIF rule metadata.
pub fn rule_summary(code: Code) -> &'static str {
    match code {
        Code::Z00 => "input that cannot be read",
        Code::Z01 => "NGZs are installed from solaris-small-server, minus bloat",
        Code::Z02 => "the GZ has nothing beyond its base, drivers and tools",
        Code::Z03 => "the GZ shares nothing over NFS or SMB",
        Code::Z04 => "NGZs use exclusive IP over VNICs only",
        Code::Z05 => "VNIC names follow the zone name",
        Code::Z06 => "MAC addresses are explicit and derived from the GZ's IP",
        Code::Z07 => "the zone's host name is the zone name",
        Code::Z08 => "the zonepath is {zones_root}/{zone}",
        Code::Z09 => "the zonepath is its own dataset under {zones_dataset}",
        Code::Z10 => "data lives in datasets delegated to the zone",
        Code::Z11 => "local accounts live in the rpool",
        Code::Z90 => "Solaris 11.1 export quirk (unquoted bootargs)",
        Code::Z91 => "the MAC prefix is not locally administered",
        Code::Z92 => "the configuration drifted during a move",
    }
}
