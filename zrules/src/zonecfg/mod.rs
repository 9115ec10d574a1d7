//! The zonecfg command language (`zonecfg -z ZONE export`, command files).
//!
//! Two layers: [`syntax`] is the lossless tree (every byte kept, spans on
//! every node), [`model`] the typed configuration a rule asks questions of
//! (zonepath, ip-type, net and dataset resources…). Unknown resources and
//! properties are kept in the model, never dropped, so a config from a newer
//! release still round-trips and still gets checked for what is known.

pub mod model;
pub mod syntax;
pub mod template;

pub use model::{Create, IntoSource, PropValue, Property, Quirk, Resource, ZoneConfig, parse};
pub use syntax::{Document, SyntaxError};
pub use template::{Release, parse_resolved};
