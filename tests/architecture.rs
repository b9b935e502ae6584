//! The import rule of docs/architecture.md, checked on the source: data flows one way, so no module
//! of the library names a module of a later stage. A back-edge fails this test with the file and line
//! that made it.

use std::path::{Path, PathBuf};

/// The library's top-level modules in pipeline order. A module may use the ones before it, never the
/// ones after it. Keep in step with docs/architecture.md.
const STAGES: &[&str] = &[
    "fixtures", "observe", "rules", "crawl", "browser", "sweep", "store", "detect", "classify",
    "results", "assess", "report", "scan",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `src/assess/leak.rs` → `assess`, `src/results.rs` → `results`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every `crate::<module>` named in code (comments and doc links are not imports), with its line.
fn named_modules(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push((n + 1, name));
            rest = after;
        }
    }
    out
}

#[test]
fn no_module_imports_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let rank = |m: &str| STAGES.iter().position(|s| *s == m);
    let mut back_edges = Vec::new();
    let mut unknown = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        // The binary (main.rs and its command-line grammar, cli.rs) sits on top of every stage.
        if module == "lib" || module == "main" || module == "cli" {
            continue;
        }
        let Some(own) = rank(&module) else {
            unknown.push(module);
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (line, name) in named_modules(&text) {
            match rank(&name) {
                Some(other) if other > own => back_edges.push(format!(
                    "{}:{line}: {module} uses {name}, a later stage",
                    file.strip_prefix(&src).unwrap().display()
                )),
                // Functions of the crate root (now_rfc3339) and the module itself are fine.
                _ => {}
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "modules missing from the stage order (add them to STAGES and docs/architecture.md): {unknown:?}"
    );
    assert!(
        back_edges.is_empty(),
        "imports against the flow of data:\n{}",
        back_edges.join("\n")
    );
}

#[test]
fn the_checker_sees_a_back_edge() {
    // The checker itself must not be blind: a path to a later stage in code is found, in a comment not.
    let found = named_modules("use crate::report::Report; // crate::scan is fine here");
    assert_eq!(found, vec![(1, "report".to_string())]);
}

#[test]
fn no_source_file_is_over_600_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > 600).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these by job, a module per job (docs/architecture.md): {long:?}"
    );
}

#[test]
fn no_function_is_allowed_too_many_arguments() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let allowed: Vec<String> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .contains(&["too_many", "arguments"].join("_"))
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        allowed.is_empty(),
        "group the arguments into a type instead: {allowed:?}"
    );
}
