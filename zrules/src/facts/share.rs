//! `share` without arguments: the shares currently published.
