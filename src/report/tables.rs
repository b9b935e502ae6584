//! The report as CSV files for spreadsheets: `findings.csv`, `pages.csv`, `trackers.csv`, `services.csv`
//! (third parties that do not track by the rules), `cookies.csv` (UTF-8, a header row, one row per item, RFC 4180 quoting by the `csv` crate).

use std::path::{Path, PathBuf};

use super::Report;

/// Writes the five CSV files into `dir` and returns their paths.
pub fn write_csv(report: &Report, dir: &Path, lang: &str) -> std::io::Result<Vec<PathBuf>> {
    let files = [
        ("findings.csv", findings(report, lang)?),
        ("pages.csv", pages(report)?),
        ("trackers.csv", trackers(report)?),
        ("services.csv", services(report)?),
        ("cookies.csv", cookies(report)?),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        super::write_atomically(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// A cell as written: text a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab or carriage
/// return first; a site controls most of what lands here) gets a leading `'`, so opening the file never
/// runs a site's formula. Numbers stay numbers.
fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && value.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// Writes one row, every cell through [`cell`].
fn row<'a>(
    w: &mut csv::Writer<Vec<u8>>,
    cells: impl IntoIterator<Item = &'a str>,
) -> std::io::Result<()> {
    w.write_record(cells.into_iter().map(|c| cell(c).into_owned()))
        .map_err(io)
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> std::io::Result<Vec<u8>> {
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

fn io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

fn findings(report: &Report, lang: &str) -> std::io::Result<Vec<u8>> {
    let mut w = writer();
    row(
        &mut w,
        [
            "site",
            "site_url",
            "finding",
            "severity",
            "needs_review",
            "vendor",
            "rule",
            "title",
            "pages",
            "first_page",
            "modes",
            "legal_basis",
            "explanation",
        ],
    )?;
    for site in &report.sites {
        for f in &site.findings {
            let mut pages: Vec<&str> = f.occurrences.iter().map(|o| o.page.as_str()).collect();
            pages.dedup();
            let mut modes: Vec<&str> = f.occurrences.iter().map(|o| o.mode.as_str()).collect();
            modes.sort();
            modes.dedup();
            let (title, explanation) = if lang == "en" {
                (&f.title.en, &f.explanation.en)
            } else {
                (&f.title.nl, &f.explanation.nl)
            };
            row(
                &mut w,
                [
                    site.name.as_str(),
                    site.url.as_str(),
                    f.id.as_str(),
                    f.severity.as_str(),
                    if f.needs_review { "yes" } else { "no" },
                    f.vendor.as_deref().unwrap_or(""),
                    f.rule.as_deref().unwrap_or(""),
                    title,
                    &pages.len().to_string(),
                    pages.first().copied().unwrap_or(""),
                    &modes.join(" "),
                    &f.legal_basis.join("; "),
                    explanation,
                ],
            )?;
        }
    }
    finish(w)
}

fn pages(report: &Report) -> std::io::Result<Vec<u8>> {
    let mut w = writer();
    row(
        &mut w,
        [
            "site",
            "mode",
            "url",
            "final_url",
            "status",
            "error",
            "title",
            "medical",
            "medical_score",
            "language",
            "search_term",
            "tracker_vendors",
            "requests",
            "started_at",
            "duration_ms",
            "screenshot",
        ],
    )?;
    for site in &report.sites {
        for p in &site.pages {
            let mut vendors: Vec<&str> = p.trackers.iter().map(|t| t.vendor.as_str()).collect();
            vendors.sort();
            vendors.dedup();
            let medical = p.medical.as_ref();
            row(
                &mut w,
                [
                    site.name.as_str(),
                    p.mode.as_str(),
                    &p.url,
                    p.final_url.as_deref().unwrap_or(""),
                    &p.status.map(|s| s.to_string()).unwrap_or_default(),
                    p.error.as_deref().unwrap_or(""),
                    p.title.as_deref().unwrap_or(""),
                    match medical {
                        Some(m) if m.is_medical => "yes",
                        Some(_) => "no",
                        None => "",
                    },
                    &medical.map(|m| m.score.to_string()).unwrap_or_default(),
                    medical.map(|m| m.language.as_str()).unwrap_or(""),
                    p.search_term.as_deref().unwrap_or(""),
                    &vendors.join(" "),
                    &p.requests_total.to_string(),
                    &p.started_at,
                    &p.duration_ms.to_string(),
                    p.screenshot.as_deref().unwrap_or(""),
                ],
            )?;
        }
    }
    finish(w)
}

fn joined(map: &std::collections::BTreeMap<String, String>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn trackers(report: &Report) -> std::io::Result<Vec<u8>> {
    let mut w = writer();
    row(
        &mut w,
        [
            "site",
            "mode",
            "page",
            "page_medical",
            "vendor",
            "company",
            "rule",
            "category",
            "third_party",
            "phase",
            "method",
            "url",
            "status",
            "received_page_url",
            "received_title",
            "received_event",
            "received_custom",
            "received_identifiers",
            "received_hashed_user_data",
            "health_terms",
        ],
    )?;
    for site in &report.sites {
        for p in &site.pages {
            let medical = p.medical.as_ref().is_some_and(|m| m.is_medical);
            for t in &p.trackers {
                for r in &t.requests {
                    let received = &r.received;
                    row(
                        &mut w,
                        [
                            site.name.as_str(),
                            p.mode.as_str(),
                            &p.url,
                            if medical { "yes" } else { "no" },
                            &t.vendor,
                            &t.company,
                            &t.rule,
                            &t.category,
                            if t.third_party { "yes" } else { "no" },
                            r.phase.as_str(),
                            &r.method,
                            &r.url,
                            &r.status.map(|s| s.to_string()).unwrap_or_default(),
                            received.page_url.as_deref().unwrap_or(""),
                            received.title.as_deref().unwrap_or(""),
                            received.event.as_deref().unwrap_or(""),
                            &joined(&received.custom),
                            &joined(&received.identifiers),
                            &joined(&received.hashed_user_data),
                            &r.health_terms.join(" "),
                        ],
                    )?;
                }
            }
        }
    }
    finish(w)
}

fn services(report: &Report) -> std::io::Result<Vec<u8>> {
    let mut w = writer();
    row(
        &mut w,
        [
            "site",
            "mode",
            "page",
            "vendor",
            "company",
            "rule",
            "purpose",
            "third_party",
            "phase",
            "method",
            "url",
            "status",
        ],
    )?;
    for site in &report.sites {
        for p in &site.pages {
            for t in &p.services {
                for r in &t.requests {
                    row(
                        &mut w,
                        [
                            site.name.as_str(),
                            p.mode.as_str(),
                            &p.url,
                            &t.vendor,
                            &t.company,
                            &t.rule,
                            &t.category,
                            if t.third_party { "yes" } else { "no" },
                            r.phase.as_str(),
                            &r.method,
                            &r.url,
                            &r.status.map(|s| s.to_string()).unwrap_or_default(),
                        ],
                    )?;
                }
            }
        }
    }
    finish(w)
}

fn cookies(report: &Report) -> std::io::Result<Vec<u8>> {
    let mut w = writer();
    row(
        &mut w,
        [
            "site",
            "mode",
            "page",
            "domain",
            "name",
            "party",
            "vendor",
            "purpose",
            "http_only",
            "secure",
            "same_site",
            "expires",
            "phase",
        ],
    )?;
    for site in &report.sites {
        for p in &site.pages {
            for c in &p.cookies {
                row(
                    &mut w,
                    [
                        site.name.as_str(),
                        p.mode.as_str(),
                        &p.url,
                        &c.domain,
                        &c.name,
                        if c.third_party {
                            "third-party"
                        } else {
                            "first-party"
                        },
                        c.vendor.as_deref().unwrap_or(""),
                        c.purpose.as_deref().unwrap_or(""),
                        if c.http_only { "yes" } else { "no" },
                        if c.secure { "yes" } else { "no" },
                        c.same_site.as_deref().unwrap_or(""),
                        c.expires.as_deref().unwrap_or("session"),
                        c.phase.as_str(),
                    ],
                )?;
            }
        }
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(
            cell("=HYPERLINK(\"https://evil.example\")"),
            "'=HYPERLINK(\"https://evil.example\")"
        );
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("+31 20 123"), "'+31 20 123");
        assert_eq!(cell("-3.5"), "-3.5");
        assert_eq!(cell("Vergoeding IVF"), "Vergoeding IVF");
    }

    /// Compares a file record by record, each ended by CRLF as the writer ends them.
    fn check(bytes: std::io::Result<Vec<u8>>, expected: &[&str]) {
        let text = String::from_utf8(bytes.unwrap()).expect("CSV is UTF-8");
        let body = text.strip_suffix("\r\n").expect("the last record is ended");
        assert_eq!(body.split("\r\n").collect::<Vec<_>>(), expected);
    }

    fn sample() -> Report {
        super::super::test_report::sample()
    }

    #[test]
    fn findings_csv_is_unchanged() {
        check(
            findings(&sample(), "nl"),
            &[
                r#"site,site_url,finding,severity,needs_review,vendor,rule,title,pages,first_page,modes,legal_basis,explanation"#,
                concat!(
                    r#""Zorg <script>alert(""pwned"")</script>",https://zorg.example/,F10,critical,no,meta,meta-pixel,Titel F10,1,"https://zorg.example/ivf?q=<script>alert(""pwned"")</script>",none reject,AVG art. 9; Tw art. 11.7a,"Uitleg, met ""aanhalingstekens"""#,
                    "\n",
                    r#"en een tweede regel""#
                ),
                r#""Zorg <script>alert(""pwned"")</script>",https://zorg.example/,F01,critical,no,meta,meta-pixel,Titel F01,1,"https://zorg.example/ivf?q=<script>alert(""pwned"")</script>",none reject,AVG art. 9; Tw art. 11.7a,Uitleg F01"#,
                r#""Zorg <script>alert(""pwned"")</script>",https://zorg.example/,F03,high,yes,meta,meta-pixel,Titel F03,1,"https://zorg.example/ivf?q=<script>alert(""pwned"")</script>",none reject,AVG art. 9; Tw art. 11.7a,Uitleg F03"#,
                r#""Zorg <script>alert(""pwned"")</script>",https://zorg.example/,F07,medium,no,meta,meta-pixel,Titel F07,1,"https://zorg.example/ivf?q=<script>alert(""pwned"")</script>",none reject,AVG art. 9; Tw art. 11.7a,Uitleg F07"#,
            ],
        );
    }

    #[test]
    fn pages_csv_is_unchanged() {
        check(
            pages(&sample()),
            &[
                r#"site,mode,url,final_url,status,error,title,medical,medical_score,language,search_term,tracker_vendors,requests,started_at,duration_ms,screenshot"#,
                r#""Zorg <script>alert(""pwned"")</script>",none,"https://zorg.example/ivf?q=<script>alert(""pwned"")</script>","https://zorg.example/ivf?q=<script>alert(""pwned"")</script>#top",200,,"IVF, ""vergoeding"" <script>alert(""pwned"")</script>",yes,3.5,nl,,meta,17,2025-01-02T03:04:05Z,1234,evidence/missing.png"#,
                r#""Zorg <script>alert(""pwned"")</script>",reject,https://zorg.example/contact,,,"'-1 timed out <script>alert(""pwned"")</script>",,,,,,,0,2025-01-02T03:05:00Z,0,"#,
            ],
        );
    }

    #[test]
    fn trackers_csv_is_unchanged() {
        check(
            trackers(&sample()),
            &[
                r#"site,mode,page,page_medical,vendor,company,rule,category,third_party,phase,method,url,status,received_page_url,received_title,received_event,received_custom,received_identifiers,received_hashed_user_data,health_terms"#,
                r#""Zorg <script>alert(""pwned"")</script>",none,"https://zorg.example/ivf?q=<script>alert(""pwned"")</script>",yes,meta,Meta Platforms,meta-pixel,advertising,yes,before_choice,GET,"https://www.facebook.com/tr?id=1&dl=https://zorg.example/ivf?q=<script>alert(""pwned"")</script>",200,"https://zorg.example/ivf?q=<script>alert(""pwned"")</script>","'=IVF-behandeling <script>alert(""pwned"")</script>",PageView,"content_name=IVF, ""vergoeding""",fbp=fb.1.123,,ivf fertiliteit"#,
            ],
        );
    }

    #[test]
    fn services_csv_is_unchanged() {
        check(
            services(&sample()),
            &[
                r#"site,mode,page,vendor,company,rule,purpose,third_party,phase,method,url,status"#,
                r#""Zorg <script>alert(""pwned"")</script>",none,"https://zorg.example/ivf?q=<script>alert(""pwned"")</script>",jsdelivr,jsDelivr,jsdelivr-cdn,cdn,yes,after_choice,GET,https://cdn.jsdelivr.net/npm/x.js,200"#,
            ],
        );
    }

    #[test]
    fn cookies_csv_is_unchanged() {
        check(
            cookies(&sample()),
            &[
                r#"site,mode,page,domain,name,party,vendor,purpose,http_only,secure,same_site,expires,phase"#,
                r#""Zorg <script>alert(""pwned"")</script>",none,"https://zorg.example/ivf?q=<script>alert(""pwned"")</script>",.facebook.com,"_fbp<script>alert(""pwned"")</script>",third-party,meta,advertising,no,yes,None,2026-01-01T00:00:00Z,before_choice"#,
                r#""Zorg <script>alert(""pwned"")</script>",none,"https://zorg.example/ivf?q=<script>alert(""pwned"")</script>",zorg.example,session,first-party,,,yes,yes,,session,before_choice"#,
            ],
        );
    }

    #[test]
    fn an_empty_report_still_has_every_header_row() {
        let mut report = sample();
        report.sites.clear();
        let headers = [
            (findings(&report, "en"), "site,site_url,finding,"),
            (pages(&report), "site,mode,url,final_url,"),
            (trackers(&report), "site,mode,page,page_medical,"),
            (services(&report), "site,mode,page,vendor,"),
            (cookies(&report), "site,mode,page,domain,"),
        ];
        for (bytes, start) in headers {
            let text = String::from_utf8(bytes.unwrap()).unwrap();
            assert!(text.starts_with(start), "{text}");
            assert_eq!(text.matches("\r\n").count(), 1, "{text}");
            assert!(text.ends_with("\r\n"));
        }
    }

    #[test]
    fn findings_csv_speaks_the_report_language() {
        let text = String::from_utf8(findings(&sample(), "en").unwrap()).unwrap();
        assert!(text.contains(",Title F01,") && text.contains(",Explanation F01\r\n"));
        assert!(!text.contains("Titel") && !text.contains("Uitleg"));
    }
}
