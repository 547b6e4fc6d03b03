//! Web addresses and domain names as people type them into a CRM
//! ("Example.com", "www.example.com/about", "https://例子.中国"): a loose
//! check and a canonical form, shared by companies and URL custom fields.
//!
//! Deliberately not a full URL parser: only `http` and `https`, a host of
//! dot-separated labels (letters of any script, digits, inner hyphens), an
//! optional port, and any path without whitespace. IP literals and userinfo
//! ("user@host") are refused: nobody types them into a company record, and
//! refusing them catches typos and disguised links.

use unicode_normalization::UnicodeNormalization;

const MAX_DOMAIN_CHARS: usize = 253;
const MAX_LABEL_CHARS: usize = 63;
/// Long enough for any real link, short enough to keep records small.
pub const MAX_URL_CHARS: usize = 2000;

/// Canonical form of a web address: NFKC-folded and trimmed, "https://"
/// added when no scheme is given, scheme and host lowercased, a bare "/"
/// path dropped. `None` when the result is not a plausible address.
///
/// ```
/// use coffer_core::website::normalize_url;
/// assert_eq!(normalize_url(" Example.COM/About ").as_deref(), Some("https://example.com/About"));
/// assert_eq!(normalize_url("ftp://example.com"), None);
/// ```
pub fn normalize_url(input: &str) -> Option<String> {
    let folded: String = input.trim().nfkc().collect();
    if folded.is_empty() || folded.chars().count() > MAX_URL_CHARS {
        return None;
    }
    let (scheme, rest) = match folded.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_owned(), folded.as_str()),
    };
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    if let Some(port) = port
        && (port.is_empty()
            || port.len() > 5
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u32>().ok()? > 65_535)
    {
        return None;
    }
    let host = normalize_domain_exact(host)?;
    let path = if path == "/" { "" } else { path };
    Some(match port {
        Some(port) => format!("{scheme}://{host}:{port}{path}"),
        None => format!("{scheme}://{host}{path}"),
    })
}

/// Whether `url` is already in the form [`normalize_url`] produces.
pub fn is_plausible_url(url: &str) -> bool {
    normalize_url(url).as_deref() == Some(url)
}

/// A company's domain from what the user typed, which may be a bare domain
/// or a whole address: scheme, path, port and a leading "www." are dropped
/// and the rest lowercased. `None` when no plausible domain remains.
///
/// ```
/// use coffer_core::website::domain_of;
/// assert_eq!(domain_of("https://WWW.Example.com:8080/x").as_deref(), Some("example.com"));
/// ```
pub fn domain_of(input: &str) -> Option<String> {
    let url = normalize_url(input)?;
    let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let host = rest.split(['/', '?', '#', ':']).next()?;
    let host = host
        .strip_prefix("www.")
        .filter(|h| is_plausible_domain(h))
        .unwrap_or(host);
    is_plausible_domain(host).then(|| host.to_owned())
}

/// Lowercases `host` and drops one trailing dot, then checks it.
fn normalize_domain_exact(host: &str) -> Option<String> {
    let host = host.strip_suffix('.').unwrap_or(host).to_lowercase();
    is_plausible_domain(&host).then_some(host)
}

/// At least two labels; each 1–63 letters (any script), digits or inner
/// hyphens; a top-level label that is not all digits (no IP addresses).
pub fn is_plausible_domain(domain: &str) -> bool {
    if domain.chars().count() > MAX_DOMAIN_CHARS {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let Some(top) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && labels.iter().all(|l| is_plausible_label(l))
        && !top.chars().all(|c| c.is_ascii_digit())
}

fn is_plausible_label(label: &str) -> bool {
    let len = label.chars().count();
    (1..=MAX_LABEL_CHARS).contains(&len)
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_normalised() {
        for (input, want) in [
            ("example.com", "https://example.com"),
            ("HTTP://Example.COM/", "http://example.com"),
            (
                "https://shop.example.com/a/B?x=1#top",
                "https://shop.example.com/a/B?x=1#top",
            ),
            ("example.com:8443/x", "https://example.com:8443/x"),
            ("ｅｘａｍｐｌｅ．ｃｏｍ", "https://example.com"),
            ("https://例子.中国", "https://例子.中国"),
            ("example.com.", "https://example.com"),
        ] {
            assert_eq!(normalize_url(input).as_deref(), Some(want), "{input}");
            assert!(is_plausible_url(want));
        }
    }

    #[test]
    fn implausible_urls_are_refused() {
        for bad in [
            "",
            "example",
            "ftp://example.com",
            "javascript:alert(1)",
            "https://user@example.com",
            "https://1.2.3.4",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://example.com:99999",
            "https://example.com:",
            "https://-x.com",
        ] {
            assert_eq!(normalize_url(bad), None, "{bad}");
        }
        assert!(!is_plausible_url("example.com"));
    }

    #[test]
    fn domains_come_out_of_whole_addresses() {
        assert_eq!(domain_of("Example.com").as_deref(), Some("example.com"));
        assert_eq!(
            domain_of("http://www.acme.co.uk/about").as_deref(),
            Some("acme.co.uk")
        );
        assert_eq!(domain_of("阿里巴巴.中国").as_deref(), Some("阿里巴巴.中国"));
        assert_eq!(domain_of("www.com").as_deref(), Some("www.com"));
        assert_eq!(domain_of("not a domain"), None);
    }
}
