//! Site lists: one URL from the command line, or a CSV file with `name,url[,sector]` rows.

use std::path::Path;

/// A site to scan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Site {
    /// Display name.
    pub name: String,
    /// Start URL.
    pub url: String,
    /// Sector, if the list gave one.
    pub sector: Option<String>,
}

/// A problem in a site list or URL.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SiteListError {
    /// A URL that cannot be scanned.
    #[error("`{0}` is not a web address pixelaudit can scan: {1}")]
    BadUrl(String, String),
    /// A bad row in a CSV file.
    #[error("{file}:{line}: {message}")]
    BadRow {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file could not be read at all.
    #[error("cannot read the site list {0}: {1}")]
    Unreadable(String, String),
}

/// A site from a URL given on the command line; `https://` is assumed when the scheme is missing.
pub fn site_from_url(raw: &str) -> Result<Site, SiteListError> {
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("https://{raw}")
    };
    let url = url::Url::parse(&with_scheme)
        .map_err(|e| SiteListError::BadUrl(raw.to_string(), e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SiteListError::BadUrl(
            raw.to_string(),
            format!("the scheme must be http or https, not {}", url.scheme()),
        ));
    }
    let Some(host) = url.host_str() else {
        return Err(SiteListError::BadUrl(
            raw.to_string(),
            "it has no host name".into(),
        ));
    };
    Ok(Site {
        name: host.to_string(),
        url: url.to_string(),
        sector: None,
    })
}

/// Reads a `name,url[,sector]` CSV (a header row is optional). Bad rows are returned beside the good
/// sites, each with its line number, so the caller can report them and scan the rest.
pub fn read_site_list(path: &Path) -> Result<(Vec<Site>, Vec<SiteListError>), SiteListError> {
    let file = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| SiteListError::Unreadable(file.clone(), e.to_string()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(bytes.as_slice());
    let mut sites = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.byte_records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position().map(|p| p.line() as usize))
            .unwrap_or(i + 1);
        let bad = |message: String| SiteListError::BadRow {
            file: file.clone(),
            line,
            message,
        };
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(bad(format!("not CSV: {e}")));
                continue;
            }
        };
        let fields: Result<Vec<&str>, _> = record.iter().map(std::str::from_utf8).collect();
        let Ok(fields) = fields else {
            problems.push(bad("not UTF-8 text; save the file as UTF-8".into()));
            continue;
        };
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if i == 0
            && fields
                .first()
                .is_some_and(|f| f.eq_ignore_ascii_case("name"))
        {
            continue;
        }
        if !(2..=3).contains(&fields.len()) {
            problems.push(bad(format!(
                "expected 2 or 3 columns (name,url[,sector]), found {}",
                fields.len()
            )));
            continue;
        }
        match site_from_url(fields[1]) {
            Ok(mut site) => {
                if sites.iter().any(|s: &Site| s.url == site.url) {
                    problems.push(bad(format!(
                        "{} is listed twice; the first row is used",
                        site.url
                    )));
                    continue;
                }
                if !fields[0].is_empty() {
                    site.name = fields[0].to_string();
                }
                site.sector = fields
                    .get(2)
                    .filter(|s| !s.is_empty())
                    .map(|s| s.to_string());
                sites.push(site);
            }
            Err(e) => problems.push(bad(e.to_string())),
        }
    }
    Ok((sites, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_reported_with_their_line_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sites.csv");
        std::fs::write(
            &path,
            "name,url,sector\nZilverpolis,https://www.zilverpolis.nl/,insurer\nkapot\nRare,ftp://x.nl/\nDuin,www.duinzorg-verzekeringen.nl\n",
        )
        .unwrap();
        let (sites, problems) = read_site_list(&path).unwrap();
        assert_eq!(sites.len(), 2);
        assert_eq!(sites[1].url, "https://www.duinzorg-verzekeringen.nl/");
        assert_eq!(problems.len(), 2);
        assert!(
            problems[0]
                .to_string()
                .contains(":3: expected 2 or 3 columns"),
            "{}",
            problems[0]
        );
        assert!(
            problems[1].to_string().contains(":4: `ftp://x.nl/`"),
            "{}",
            problems[1]
        );
    }
}
