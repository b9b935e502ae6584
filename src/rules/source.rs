//! Reading rule files, for every rule family alike: the folder's `*.toml` files in name order, their
//! version (a hash over names and texts), parsing with the parser's own position of a problem, and rule
//! errors as `file:line: message`. Each family (trackers, consent, medical, findings) only says what its
//! files mean.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// A problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// All problems found in a rule set.
#[derive(Debug, thiserror::Error)]
#[error("{} problem(s) in the rule files:\n{}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct RuleErrors(pub Vec<RuleError>);

/// One rule file's path and text.
#[derive(Debug, Clone)]
pub struct Source {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

impl Source {
    /// A rule file given as text (tests, rule sets built in memory).
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    /// Reads one rule file.
    pub fn read(path: &Path) -> Result<Source, RuleError> {
        std::fs::read_to_string(path)
            .map(|text| Source::new(path, text))
            .map_err(|e| RuleError {
                file: path.to_path_buf(),
                line: 0,
                message: format!("cannot read: {e}"),
            })
    }

    /// The file name without extension: a vendor slug, a consent tool id, a language code.
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The file name.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Parses the file as `T`; a problem is reported at the line the TOML parser points at.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, RuleError> {
        toml::from_str(&self.text).map_err(|e| RuleError {
            file: self.path.clone(),
            line: e.span().map(|s| self.line_at(s.start)).unwrap_or(0),
            message: e.message().trim().to_string(),
        })
    }

    /// A problem at a place the parser gave (a `toml::Spanned` value's span).
    pub fn error_at(&self, span: Range<usize>, message: String) -> RuleError {
        RuleError {
            file: self.path.clone(),
            line: self.line_at(span.start),
            message,
        }
    }

    /// A problem about a value that carries no position of its own: reported at the first line holding
    /// `"value"` (or the bare value), line 1 for an empty one. Where a value can occur twice (ids), use
    /// [`Source::error_at`] with the span the parser kept instead.
    pub fn error_near(&self, value: &str, message: String) -> RuleError {
        err_at(&self.path, &self.text, value, message)
    }

    /// A problem about the file as a whole.
    pub fn error(&self, message: String) -> RuleError {
        RuleError {
            file: self.path.clone(),
            line: 0,
            message,
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line_at(&self, offset: usize) -> usize {
        line_at(&self.text, offset)
    }
}

/// Reads every `*.toml` file in `folder`, in name order, so a rule set and its version do not depend on
/// the order the file system lists them in. `what` names the folder in the error ("the consent rule
/// folder").
pub fn read_folder(folder: &Path, what: &str) -> Result<Vec<Source>, RuleErrors> {
    let entries = std::fs::read_dir(folder).map_err(|e| {
        RuleErrors(vec![RuleError {
            file: folder.to_path_buf(),
            line: 0,
            message: format!("cannot read {what}: {e}. Pass --rules DIR"),
        }])
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match Source::read(&file) {
            Ok(s) => sources.push(s),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(sources)
    } else {
        Err(RuleErrors(errors))
    }
}

/// A rule family's version: a hash over its files' names and texts, as `sha256:` and 16 hex digits.
pub fn version_of(sources: &[Source]) -> String {
    let mut hasher = Sha256::new();
    for s in sources {
        hasher.update(s.file_name());
        hasher.update([0]);
        hasher.update(s.text.as_bytes());
    }
    format!("sha256:{}", &hex::encode(hasher.finalize())[..16])
}

/// The line of the first occurrence of `"needle"` (or the bare needle) in the text.
pub(crate) fn err_at(file: &Path, text: &str, needle: &str, message: String) -> RuleError {
    let quoted = format!("\"{needle}\"");
    let line = if needle.is_empty() {
        1
    } else {
        text.find(&quoted)
            .or_else(|| text.find(needle))
            .map(|at| line_at(text, at))
            .unwrap_or(0)
    };
    RuleError {
        file: file.to_path_buf(),
        line,
        message,
    }
}

pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parse_error_is_reported_at_the_parsers_line() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            a: u32,
        }
        let s = Source::new("x.toml", "\n\na = \"three\"\n");
        let e = s.parse::<T>().unwrap_err();
        assert_eq!((e.line, e.file.as_path()), (3, Path::new("x.toml")));
    }

    #[test]
    fn the_version_depends_on_names_and_texts() {
        let a = [Source::new("a.toml", "x = 1")];
        let b = [Source::new("b.toml", "x = 1")];
        let c = [Source::new("a.toml", "x = 2")];
        assert_ne!(version_of(&a), version_of(&b));
        assert_ne!(version_of(&a), version_of(&c));
        assert_eq!(version_of(&a), version_of(&a.clone()));
    }
}
