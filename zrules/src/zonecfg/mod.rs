//! The zonecfg command language (`zonecfg -z ZONE export`, command files).
