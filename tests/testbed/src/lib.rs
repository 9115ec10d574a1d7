//! Test support for the simulated global zones (see tests/testbed/README.md).
