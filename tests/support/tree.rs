//! Copying a directory tree (a capture of the example fleet) into a
//! scratch directory, for the CLI tests of the crates that include this
//! file with `#[path]`.

use std::fs;
use std::path::Path;

/// Copies `from` and everything under it into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("readable") {
        let path = entry.expect("entry").path();
        let dest = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &dest);
        } else {
            fs::copy(&path, &dest).expect("copy");
        }
    }
}
