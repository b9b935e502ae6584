//! Host and path patterns as the rule files write them.
//!
//! A host pattern is a host name that also covers its subdomains (`facebook.com` matches
//! `www.facebook.com`), or starts with `*.` to cover only subdomains. A path pattern is literal with `*`
//! standing for any run of characters (`/tr*`, `/pagead/*/conversion`).

/// True when `host` is `pattern` or, unless the pattern starts with `*.`, a subdomain of it.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    if let Some(parent) = pattern.strip_prefix("*.") {
        return host.len() > parent.len() + 1
            && host.ends_with(parent)
            && host.as_bytes()[host.len() - parent.len() - 1] == b'.';
    }
    host == pattern
        || (host.len() > pattern.len()
            && host.ends_with(pattern)
            && host.as_bytes()[host.len() - pattern.len() - 1] == b'.')
}

/// Glob match with `*` as the only wildcard.
pub fn wildcard_matches(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != b'*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// The registrable domain (eTLD+1) of a host, lower-case; the host itself for IP addresses and
/// names without a public suffix. `www.` and the apex share one.
pub fn registrable_domain(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    psl::domain_str(&host).map(str::to_string).unwrap_or(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_pattern_covers_subdomains_but_not_lookalikes() {
        assert!(host_matches("facebook.com", "www.facebook.com"));
        assert!(host_matches("facebook.com", "facebook.com"));
        assert!(!host_matches("facebook.com", "notfacebook.com"));
        assert!(host_matches("*.clarity.ms", "c.clarity.ms"));
        assert!(!host_matches("*.clarity.ms", "clarity.ms"));
    }

    #[test]
    fn wildcards_match_runs_of_characters() {
        assert!(wildcard_matches("/tr*", "/tr/"));
        assert!(wildcard_matches("/tr*", "/tr"));
        assert!(wildcard_matches("cd[*]", "cd[content_name]"));
        assert!(wildcard_matches(
            "/pagead/*/conversion",
            "/pagead/1/2/conversion"
        ));
        assert!(!wildcard_matches("/g/collect", "/g/collect2"));
        assert!(!wildcard_matches("ud[*]", "udff[em]"));
    }

    #[test]
    fn registrable_domain_joins_www_and_apex() {
        assert_eq!(registrable_domain("www.zilverpolis.nl"), "zilverpolis.nl");
        assert_eq!(
            registrable_domain("static.zilverpolis.nl"),
            "zilverpolis.nl"
        );
        assert_eq!(
            registrable_domain("region1.google-analytics.com"),
            "google-analytics.com"
        );
        assert_eq!(registrable_domain("a.b.co.uk"), "b.co.uk");
        assert_eq!(registrable_domain("127.0.0.1"), "127.0.0.1");
    }
}
