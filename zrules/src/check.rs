//! One run of the checks: configs, captures and policy in, a [`crate::Report`] out.
