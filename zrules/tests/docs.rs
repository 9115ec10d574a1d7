//! The repository's documentation stands alone: nothing in a clone points at
//! a directory outside it or at a path of the machine it was written on, and
//! every relative link in a Markdown file leads to a file of the repository.

use std::fs;
use std::path::{Path, PathBuf};

/// Paths of the development machine and of the project's collection
/// outside the repository; a clone has neither. Spelled in pieces so that
/// this file, the one that must name them, is not itself a match for a
/// plain search of the tree.
const OUTSIDE: &[&str] = &[
    concat!("..", "/shared/"),
    concat!("shared", "/spec/"),
    concat!("fixtures", "-real/"),
    concat!("/", "work/"),
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Every file of the repository's own tree (no build output, no git data).
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("list directory") {
        let entry = entry.expect("directory entry");
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == ".git" || name == "__pycache__" {
            continue;
        }
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            files(&path, out);
        } else if kind.is_file() {
            out.push(path);
        }
    }
}

fn texts() -> Vec<(PathBuf, String)> {
    let mut all = Vec::new();
    files(&repo(), &mut all);
    all.sort();
    all.into_iter()
        .filter_map(|p| {
            let text = String::from_utf8(fs::read(&p).ok()?).ok()?;
            Some((p, text))
        })
        .collect()
}

#[test]
fn nothing_points_outside_the_repository() {
    let this_file = Path::new(file!()).file_name().expect("file name");
    let mut found = Vec::new();
    for (path, text) in texts() {
        if path.file_name() == Some(this_file) {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            if let Some(p) = OUTSIDE.iter().find(|p| line.contains(*p)) {
                found.push(format!("{}:{}: {p}", path.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "paths outside a clone:\n{}",
        found.join("\n")
    );
}

#[test]
fn relative_markdown_links_lead_to_files() {
    let mut broken = Vec::new();
    for (path, text) in texts() {
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        // `[text](target)`: the target up to `)` or a blank.
        for piece in text.split("](").skip(1) {
            let target = piece.split([')', ' ', '\n']).next().unwrap_or_default();
            let file = target.split('#').next().unwrap_or_default();
            if file.is_empty() || file.contains("://") || file.starts_with("mailto:") {
                continue;
            }
            let dir = path.parent().expect("parent directory");
            if !dir.join(file).exists() {
                broken.push(format!("{}: {target}", path.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_domain_is_written_up_in_docs() {
    let readme = fs::read_to_string(repo().join("README.md")).expect("README");
    for page in [
        "docs/house-rules.md",
        "docs/move-procedure.md",
        "docs/solaris-commands.md",
    ] {
        assert!(repo().join(page).is_file(), "{page} is missing");
        assert!(
            readme.contains(&format!("]({page})")),
            "README does not link {page}"
        );
    }
}
