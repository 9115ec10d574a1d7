//! The house rules: one module per rule, one registry table.
