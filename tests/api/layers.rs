//! The layers of `src/` only point down (docs/architecture.md): a module may use the
//! modules below its own, never one beside or above it. This test reads every source file
//! and names each `crate::` use that breaks the rule, with its file and line.

use std::path::{Path, PathBuf};

/// Each top-level module and its floor, bottom first. A module uses only lower floors.
const FLOORS: &[(&str, u8)] = &[
    ("domain", 0),
    ("error", 1),
    ("auth", 2),
    ("db", 2),
    ("policy", 2),
    ("config", 3),
    ("storage", 3),
    ("store", 3),
    ("http", 4),
    ("memory", 4),
    ("metrics", 4),
    ("api", 5),
    ("app", 6),
    ("operator", 6),
    ("seed", 6),
];

fn floor(module: &str) -> Option<u8> {
    FLOORS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(_, floor)| *floor)
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Every `crate::<module>` on the code lines of `text` (comments and the unit tests at
/// the end of a file may name anything), with its line number.
fn crate_uses(text: &str) -> Vec<(usize, String)> {
    let mut uses = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                uses.push((index + 1, name));
            }
            rest = after;
        }
    }
    uses
}

#[test]
fn modules_use_only_the_layers_below_their_own() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut upward = Vec::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_string_lossy().trim_end_matches(".rs").to_owned();
        if module == "main" || module == "lib" {
            continue;
        }
        let own = floor(&module).unwrap_or_else(|| {
            panic!("src/{module}: a new top-level module needs a floor in FLOORS")
        });
        for (line, used) in crate_uses(&std::fs::read_to_string(&file).unwrap()) {
            if used == module {
                continue;
            }
            match floor(&used) {
                Some(theirs) if theirs < own => {}
                _ => upward.push(format!(
                    "src/{}:{line}: {module} (floor {own}) uses {used} (floor {})",
                    relative.display(),
                    floor(&used).map_or("unknown".to_owned(), |f| f.to_string())
                )),
            }
        }
    }
    assert!(
        upward.is_empty(),
        "uses that do not point down:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_check_sees_an_upward_use() {
    let uses = crate_uses(
        "use crate::domain::x;\n// crate::api in a comment\nfn f() { crate::api::g(); }\n#[cfg(test)]\nuse crate::app;",
    );
    assert_eq!(uses, vec![(1, "domain".to_owned()), (3, "api".to_owned())]);
}

/// Small modules with one job: a file past this many lines is a sign it has two.
const MAX_FILE_LINES: usize = 600;

#[test]
fn no_source_file_is_over_600_lines() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let long: Vec<String> = rust_files(&src)
        .into_iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(&path).ok()?.lines().count();
            (lines > MAX_FILE_LINES).then(|| format!("{}: {lines} lines", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these files:\n{}", long.join("\n"));
}
