//! Finding typed form values and search terms in what trackers received: in plain text, URL-encoded,
//! base64, and hashed (MD5, SHA-1, SHA-256) after normalising as the vendors do (trimmed, lower-case
//! e-mail addresses, digits-only phone numbers).

use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::detect::TrackerRequest;

/// Every lower-case form in which a value may travel.
pub fn encodings(value: &str) -> Vec<String> {
    let trimmed = value.trim();
    let lower = trimmed.to_lowercase();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let mut normalised = vec![lower.clone()];
    if digits.len() >= 6 && digits.len() * 2 >= trimmed.len() {
        normalised.push(digits.clone());
        // International form, as advanced matching sends Dutch mobile numbers.
        if let Some(rest) = digits.strip_prefix('0') {
            normalised.push(format!("31{rest}"));
        }
    }
    let mut out = Vec::new();
    for n in &normalised {
        out.push(n.clone());
        out.push(
            url::form_urlencoded::byte_serialize(n.as_bytes())
                .collect::<String>()
                .to_lowercase(),
        );
        out.push(
            base64::engine::general_purpose::STANDARD
                .encode(n.as_bytes())
                .to_lowercase(),
        );
        out.push(hex::encode(Md5::digest(n.as_bytes())));
        out.push(hex::encode(Sha1::digest(n.as_bytes())));
        out.push(hex::encode(Sha256::digest(n.as_bytes())));
    }
    out.retain(|f| f.len() >= 4);
    out.sort();
    out.dedup();
    out
}

/// Everything a request carried, lower-cased: its URL raw and decoded, its body raw and decoded.
pub fn haystack(request: &TrackerRequest) -> String {
    let mut text = request.url.to_lowercase();
    text.push('\n');
    text.push_str(&percent_decoded(&request.url));
    if let Some(body) = &request.post_data {
        text.push('\n');
        text.push_str(&body.to_lowercase());
        text.push('\n');
        text.push_str(&percent_decoded(body));
        if request.post_data_base64
            && let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(body)
        {
            text.push('\n');
            text.push_str(&String::from_utf8_lossy(&raw).to_lowercase());
        }
    }
    for (_, v) in request
        .received
        .custom
        .iter()
        .chain(&request.received.hashed_user_data)
    {
        text.push('\n');
        text.push_str(&v.to_lowercase());
    }
    text
}

/// True when a search term stands in the haystack (URL-encoded forms included).
pub fn contains_term(haystack: &str, term: &str) -> bool {
    let lower = term.to_lowercase();
    haystack.contains(&lower)
        || haystack.contains(
            &url::form_urlencoded::byte_serialize(lower.as_bytes())
                .collect::<String>()
                .to_lowercase(),
        )
}

/// How a leaked value was found, for the finding's evidence.
pub fn describe(value: &str, form: &str) -> String {
    let lower = value.trim().to_lowercase();
    let how = if form == lower {
        "in plain text"
    } else if form.len() == 64 {
        "as SHA-256"
    } else if form.len() == 40 {
        "as SHA-1"
    } else if form.len() == 32 && form.chars().all(|c| c.is_ascii_hexdigit()) {
        "as MD5"
    } else {
        "encoded"
    };
    format!("\"{value}\" {how}")
}

fn percent_decoded(s: &str) -> String {
    url::form_urlencoded::parse(s.as_bytes())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_plain_encoded_and_hashed() {
        let email = encodings(" Pixelaudit.Test@Example.nl ");
        assert!(email.contains(&"pixelaudit.test@example.nl".to_string()));
        assert!(email.contains(&"pixelaudit.test%40example.nl".to_string()));
        assert!(email.contains(&hex::encode(Sha256::digest(b"pixelaudit.test@example.nl"))));
        let phone = encodings("06-12345678");
        assert!(phone.contains(&hex::encode(Sha256::digest(b"0612345678"))));
        assert!(phone.contains(&hex::encode(Sha256::digest(b"31612345678"))));
        assert!(contains_term("https://x/?q=d%c3%a9pression", "dépression"));
    }
}
