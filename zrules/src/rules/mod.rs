//! The house rules: one module per rule, one registry table
//! (`registry.rs`), and the contexts the rules ask questions of
//! (`context.rs`).
//!
//! Each rule module declares a [`RuleDef`] with the [`rule!`] macro: the
//! doc comment on the definition is the rule's documentation (`zrules
//! explain` prints it, rustdoc renders it), the `checks` table lists its
//! check slugs with their default severities, and up to three functions run
//! it at the level of one zone, one host or the whole fleet. [`REGISTRY`]
//! lists them all, so `zrules rules`, `zrules explain`, policy validation
//! and the checks themselves read one table and cannot drift apart.

/// Declares a rule: the doc comment becomes both rustdoc and [`RuleDef::doc`].
macro_rules! rule {
    ($(#[doc = $doc:literal])* pub(crate) const $name:ident = RuleDef { $($field:ident : $val:expr),* $(,)? };) => {
        $(#[doc = $doc])*
        pub(crate) const $name: $crate::rules::RuleDef = $crate::rules::RuleDef {
            doc: concat!($($doc, "\n"),*),
            $($field: $val),*
        };
    };
}

mod context;
mod registry;

mod extra;
mod z01_small_server;
mod z02_minimal_gz;
mod z03_no_shares;
mod z04_exclusive_vnic;
mod z05_vnic_names;
mod z06_mac;
mod z07_nodename;
mod z08_zonepath;
mod z09_zonepath_dataset;
mod z10_delegated_data;
mod z11_local_homes;

pub use z11_local_homes::autofs_dependency_group;

pub(crate) use context::implied;
pub use context::{FleetCx, Globs, HostCx, PolicyGlobs, Primary, ZoneCx, primary_address};
pub(crate) use registry::check;
pub(crate) use registry::run;
pub use registry::{CheckInfo, REGISTRY, RuleDef, Sink, default_severity, lookup, rule_summary};
