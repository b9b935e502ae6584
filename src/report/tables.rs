//! The report as CSV files for spreadsheets: `findings.csv`, `pages.csv`, `trackers.csv`, `services.csv`
//! (third parties that do not track by the rules), `cookies.csv` (UTF-8, a header row, one row per item, RFC 4180 quoting by the `csv` crate).
//!
//! Each file's columns are the fields of one row struct, so a column's name and its value stand together
//! and cannot drift apart; trackers.csv, services.csv and cookies.csv open with the same [`Place`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::html::labels::in_lang;
use super::{PageReport, Report, SiteReport};
use crate::detect::{Tracker, TrackerRequest};

/// Writes the five CSV files into `dir` and returns their paths.
pub fn write_csv(report: &Report, dir: &Path, lang: &str) -> io::Result<Vec<PathBuf>> {
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
fn cell(value: &str) -> Cow<'_, str> {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && value.parse::<f64>().is_err() {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Text in a row, written through [`cell`]; every text column has this type, so none can skip it.
#[derive(Default)]
struct Text<'a>(Cow<'a, str>);

impl Serialize for Text<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&cell(&self.0))
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(value: &'a str) -> Self {
        Text(Cow::Borrowed(value))
    }
}

impl<'a> From<&'a String> for Text<'a> {
    fn from(value: &'a String) -> Self {
        Text(Cow::Borrowed(value))
    }
}

impl From<String> for Text<'_> {
    fn from(value: String) -> Self {
        Text(Cow::Owned(value))
    }
}

/// Absent is an empty cell.
impl<'a> From<Option<&'a str>> for Text<'a> {
    fn from(value: Option<&'a str>) -> Self {
        value.unwrap_or("").into()
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// One file: the header row named by `R`'s fields, then a row per item.
fn table<R: Serialize + Default>(rows: impl IntoIterator<Item = R>) -> io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut empty = true;
    for row in rows {
        w.serialize(row).map_err(io::Error::other)?;
        empty = false;
    }
    // The `csv` crate names the columns only when it writes the first row, and a file without rows must
    // still say what its columns are: a blank row is written for its header and cut off again.
    if empty {
        w.serialize(R::default()).map_err(io::Error::other)?;
    }
    let mut bytes = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    if empty {
        let header_end = bytes.windows(2).position(|p| p == b"\r\n");
        bytes.truncate(header_end.map_or(bytes.len(), |i| i + 2));
    }
    Ok(bytes)
}

/// Every visit with its site, in report order.
fn visits(report: &Report) -> impl Iterator<Item = (&SiteReport, &PageReport)> {
    report
        .sites
        .iter()
        .flat_map(|site| site.pages.iter().map(move |page| (site, page)))
}

/// A request with the visit, and the vendor entry, it belongs to.
type Sent<'a> = (
    &'a SiteReport,
    &'a PageReport,
    &'a Tracker,
    &'a TrackerRequest,
);

/// Every request to the vendors `list` picks from a visit (its trackers or its services).
fn requests<'a>(
    report: &'a Report,
    list: fn(&'a PageReport) -> &'a [Tracker],
) -> impl Iterator<Item = Sent<'a>> {
    visits(report).flat_map(move |(site, page)| {
        list(page)
            .iter()
            .flat_map(move |t| t.requests.iter().map(move |r| (site, page, t, r)))
    })
}

/// findings.csv: one row per finding, its occurrences counted (all of them are in report.json).
#[derive(Serialize, Default)]
struct FindingRow<'a> {
    site: Text<'a>,
    site_url: Text<'a>,
    finding: Text<'a>,
    severity: Text<'a>,
    needs_review: &'static str,
    vendor: Text<'a>,
    rule: Text<'a>,
    title: Text<'a>,
    pages: usize,
    first_page: Text<'a>,
    modes: Text<'a>,
    legal_basis: Text<'a>,
    explanation: Text<'a>,
}

fn findings(report: &Report, lang: &str) -> io::Result<Vec<u8>> {
    let rows = report.sites.iter().flat_map(|site| {
        site.findings.iter().map(move |f| {
            // A page seen in several consent modes is one page: distinct pages, in order of first
            // occurrence (occurrences are listed by mode, so equal pages need not stand together).
            let mut pages: Vec<&str> = Vec::new();
            for o in &f.occurrences {
                if !pages.contains(&o.page.as_str()) {
                    pages.push(&o.page);
                }
            }
            let mut modes: Vec<&str> = f.occurrences.iter().map(|o| o.mode.as_str()).collect();
            modes.sort();
            modes.dedup();
            FindingRow {
                site: (&site.name).into(),
                site_url: (&site.url).into(),
                finding: (&f.id).into(),
                severity: f.severity.as_str().into(),
                needs_review: yes_no(f.needs_review),
                vendor: f.vendor.as_deref().into(),
                rule: f.rule.as_deref().into(),
                title: in_lang(&f.title, lang).into(),
                pages: pages.len(),
                first_page: pages.first().copied().into(),
                modes: modes.join(" ").into(),
                legal_basis: f.legal_basis.join("; ").into(),
                explanation: in_lang(&f.explanation, lang).into(),
            }
        })
    });
    table(rows)
}

/// pages.csv: one row per visit, failed ones included.
#[derive(Serialize, Default)]
struct PageRow<'a> {
    site: Text<'a>,
    mode: &'static str,
    url: Text<'a>,
    final_url: Text<'a>,
    status: Option<u16>,
    error: Text<'a>,
    title: Text<'a>,
    medical: &'static str,
    medical_score: Text<'a>,
    language: Text<'a>,
    search_term: Text<'a>,
    tracker_vendors: Text<'a>,
    requests: usize,
    started_at: Text<'a>,
    duration_ms: u64,
    screenshot: Text<'a>,
}

fn pages(report: &Report) -> io::Result<Vec<u8>> {
    let rows = visits(report).map(|(site, p)| {
        let mut vendors: Vec<&str> = p
            .detected
            .trackers
            .iter()
            .map(|t| t.vendor.as_str())
            .collect();
        vendors.sort();
        vendors.dedup();
        let medical = p.medical.as_ref();
        PageRow {
            site: (&site.name).into(),
            mode: p.visit.mode.as_str(),
            url: (&p.visit.url).into(),
            final_url: p.visit.final_url.as_deref().into(),
            status: p.visit.status,
            error: p.visit.error.as_deref().into(),
            title: p.visit.title.as_deref().into(),
            // Not classified (a failed visit) is neither.
            medical: medical.map_or("", |m| yes_no(m.is_medical)),
            // Rust's own float printing (`2`), as the file always had, not the `csv` crate's (`2.0`).
            medical_score: medical
                .map(|m| m.score.to_string())
                .unwrap_or_default()
                .into(),
            language: medical.map(|m| m.language.as_str()).into(),
            search_term: p.visit.search_term.as_deref().into(),
            tracker_vendors: vendors.join(" ").into(),
            requests: p.requests_total,
            started_at: (&p.visit.started_at).into(),
            duration_ms: p.visit.duration_ms,
            screenshot: p.visit.screenshot.as_deref().into(),
        }
    });
    table(rows)
}

/// Where a row was seen; trackers.csv, services.csv and cookies.csv open with these columns. The
/// `csv` crate names the columns of a tuple of structs in order, so a row is `(Place, rest)`.
#[derive(Serialize, Default)]
struct Place<'a> {
    site: Text<'a>,
    mode: &'static str,
    page: Text<'a>,
}

impl<'a> Place<'a> {
    fn of(site: &'a SiteReport, page: &'a PageReport) -> Self {
        Place {
            site: (&site.name).into(),
            mode: page.visit.mode.as_str(),
            page: (&page.visit.url).into(),
        }
    }
}

fn joined(map: &BTreeMap<String, String>) -> String {
    map.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// trackers.csv: one row per request to a tracker, with what the vendor received.
#[derive(Serialize, Default)]
struct TrackerRow<'a> {
    page_medical: &'static str,
    vendor: Text<'a>,
    company: Text<'a>,
    rule: Text<'a>,
    category: Text<'a>,
    third_party: &'static str,
    phase: &'static str,
    method: Text<'a>,
    url: Text<'a>,
    status: Option<u16>,
    received_page_url: Text<'a>,
    received_title: Text<'a>,
    received_event: Text<'a>,
    received_custom: Text<'a>,
    received_identifiers: Text<'a>,
    received_hashed_user_data: Text<'a>,
    health_terms: Text<'a>,
}

fn trackers(report: &Report) -> io::Result<Vec<u8>> {
    let rows = requests(report, |p| &p.detected.trackers).map(|(site, p, t, r)| {
        let received = &r.received;
        let row = TrackerRow {
            page_medical: yes_no(p.medical.as_ref().is_some_and(|m| m.is_medical)),
            vendor: (&t.vendor).into(),
            company: (&t.company).into(),
            rule: (&t.rule).into(),
            category: t.category.as_str().into(),
            third_party: yes_no(t.third_party),
            phase: r.phase.as_str(),
            method: (&r.method).into(),
            url: (&r.url).into(),
            status: r.status,
            received_page_url: received.page_url.as_deref().into(),
            received_title: received.title.as_deref().into(),
            received_event: received.event.as_deref().into(),
            received_custom: joined(&received.custom).into(),
            received_identifiers: joined(&received.identifiers).into(),
            received_hashed_user_data: joined(&received.hashed_user_data).into(),
            health_terms: r.health_terms.join(" ").into(),
        };
        (Place::of(site, p), row)
    });
    table(rows)
}

/// services.csv: one row per request to a third-party service that does not track by the rules. Not
/// [`TrackerRow`]: its columns differ (no `page_medical`, nothing received, `purpose` for `category`).
#[derive(Serialize, Default)]
struct ServiceRow<'a> {
    vendor: Text<'a>,
    company: Text<'a>,
    rule: Text<'a>,
    purpose: Text<'a>,
    third_party: &'static str,
    phase: &'static str,
    method: Text<'a>,
    url: Text<'a>,
    status: Option<u16>,
}

fn services(report: &Report) -> io::Result<Vec<u8>> {
    let rows = requests(report, |p| &p.detected.services).map(|(site, p, t, r)| {
        let row = ServiceRow {
            vendor: (&t.vendor).into(),
            company: (&t.company).into(),
            rule: (&t.rule).into(),
            purpose: t.category.as_str().into(),
            third_party: yes_no(t.third_party),
            phase: r.phase.as_str(),
            method: (&r.method).into(),
            url: (&r.url).into(),
            status: r.status,
        };
        (Place::of(site, p), row)
    });
    table(rows)
}

/// cookies.csv: one row per cookie in the jar at the end of each visit.
#[derive(Serialize, Default)]
struct CookieRow<'a> {
    domain: Text<'a>,
    name: Text<'a>,
    party: &'static str,
    vendor: Text<'a>,
    purpose: Text<'a>,
    http_only: &'static str,
    secure: &'static str,
    same_site: Text<'a>,
    expires: Text<'a>,
    phase: &'static str,
}

fn cookies(report: &Report) -> io::Result<Vec<u8>> {
    let rows = visits(report).flat_map(|(site, p)| {
        p.detected.cookies.iter().map(move |c| {
            let row = CookieRow {
                domain: (&c.domain).into(),
                name: (&c.name).into(),
                party: if c.third_party {
                    "third-party"
                } else {
                    "first-party"
                },
                vendor: c.vendor.as_deref().into(),
                purpose: c.purpose.as_deref().into(),
                http_only: yes_no(c.http_only),
                secure: yes_no(c.secure),
                same_site: c.same_site.as_deref().into(),
                expires: c.expires.as_deref().unwrap_or("session").into(),
                phase: c.phase.as_str(),
            };
            (Place::of(site, p), row)
        })
    });
    table(rows)
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
    fn a_page_seen_in_several_modes_counts_once_in_findings_csv() {
        let mut report = sample();
        let finding = &mut report.sites[0].findings[0];
        let mut elsewhere = finding.occurrences[0].clone();
        elsewhere.page = "https://zorg.example/contact".into();
        let mut again = finding.occurrences[0].clone();
        again.mode = crate::observe::ConsentMode::Accept;
        // A, B, A: the page listed twice, apart, is one page.
        finding.occurrences = vec![finding.occurrences[0].clone(), elsewhere, again];
        let text = String::from_utf8(findings(&report, "en").unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let pages_column = reader
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "pages")
            .unwrap();
        let first = reader.records().next().unwrap().unwrap();
        assert_eq!(&first[pages_column], "2", "{text}");
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
