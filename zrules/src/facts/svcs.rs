//! `svcs -H -o fmri -d FMRI`: the services one service depends on.
