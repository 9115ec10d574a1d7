//! The binary's I/O: finding configuration files, reading capture
//! directories and discovering the policy file.
//!
//! The library takes texts; this module is where texts come from. It is
//! compiled into the `zrules` binary only, never into the library.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use zrules::capture;
use zrules::check::{CaptureInput, ConfigInput};
use zrules::policy::{self, Policy};

/// Every `*.zonecfg` under the given paths (files are taken whatever their
/// extension), sorted so runs are reproducible.
pub fn config_inputs(paths: &[PathBuf], zone: Option<&str>) -> Result<Vec<ConfigInput>> {
    let mut files = Vec::new();
    for p in paths {
        let meta = fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
        if meta.is_dir() {
            collect(p, &mut files)?;
        } else {
            files.push(p.clone());
        }
    }
    files.sort();
    files.dedup();
    if zone.is_some() && files.len() != 1 {
        bail!(
            "--zone names the zone of a single file, but {} files were given",
            files.len()
        );
    }
    files
        .into_iter()
        .map(|f| {
            let text =
                fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?;
            Ok(ConfigInput {
                zone: zone.map(str::to_owned),
                name: f.display().to_string(),
                text,
            })
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "zonecfg") {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether `dir` is one capture (it holds a file of the layout's GZ part).
fn is_capture(dir: &Path) -> bool {
    capture::LAYOUT
        .iter()
        .filter(|c| c.scope == capture::Scope::Global)
        .any(|c| dir.join(c.file).is_file())
}

/// The captures under `dir`: `dir` itself when it is one, else each of its
/// subdirectories that is (so `--capture fixtures/fleet` reads a fleet).
pub fn capture_inputs(dir: &Path) -> Result<Vec<CaptureInput>> {
    if is_capture(dir) {
        return Ok(vec![read_capture(dir)?]);
    }
    let mut subdirs: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot list capture directory {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && is_capture(p))
        .collect();
    subdirs.sort();
    if subdirs.is_empty() {
        bail!(
            "{} is not a capture directory: it has none of the files of the capture layout (see `zrules layout`)",
            dir.display()
        );
    }
    subdirs.iter().map(|d| read_capture(d)).collect()
}

fn read_capture(dir: &Path) -> Result<CaptureInput> {
    let host = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string());
    let mut files = BTreeMap::new();
    read_tree(dir, dir, &mut files)?;
    Ok(CaptureInput { host, files })
}

fn read_tree(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            read_tree(root, &path, files)?;
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let key: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let key = key.join("/");
        // Only the layout's files: a capture may hold anything else
        // (`collect-errors`, a README, binary leftovers).
        if capture::classify(&key).is_none() {
            continue;
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        files.insert(key, text);
    }
    Ok(())
}

/// The policy: `--policy FILE`, else `zrules.yaml` in the current directory
/// or a parent, up to the repository root (a directory with `.git`).
pub fn load_policy(explicit: Option<&Path>) -> Result<(Policy, Option<PathBuf>)> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => policy::discover(&std::env::current_dir()?, Path::exists),
    };
    let Some(path) = path else {
        return Ok((Policy::default(), None));
    };
    let text = fs::read_to_string(&path)
        .with_context(|| format!("cannot read policy {}", path.display()))?;
    let policy = Policy::from_yaml(&text)
        .map_err(|e| anyhow::anyhow!("invalid policy {}:\n{e}", path.display()))?;
    Ok((policy, Some(path)))
}
