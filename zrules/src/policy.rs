//! The site policy (`zrules.yaml`): parameters of the house rules, selection,
//! severity overrides and per-zone exceptions.
