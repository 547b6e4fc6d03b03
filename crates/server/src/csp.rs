//! The Content-Security-Policy the server sends, and the small HTML scan that
//! finds the inline scripts it must allow.
//!
//! Trunk injects one inline `<script type="module">` into `index.html` that
//! imports the wasm-bindgen glue and starts the app. Rather than allowing
//! `'unsafe-inline'`, the policy lists the SHA-256 of every inline script the
//! served `index.html` contains, so nothing else inline can run.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

/// The policy for a document whose inline scripts hash to `script_hashes`
/// (each already in the `sha256-<base64>` form, without quotes).
///
/// `'wasm-unsafe-eval'` lets the page compile WebAssembly, nothing more; it
/// does not allow `eval` of JavaScript.
pub fn policy(script_hashes: &[String]) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in script_hashes {
        script_src.push_str(" '");
        script_src.push_str(hash);
        script_src.push('\'');
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
    )
}

/// `sha256-<base64>` of each inline script in `html`, in document order.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    inline_scripts(html)
        .into_iter()
        .map(|script| {
            // The browser hashes the script text after the HTML parser has
            // turned every CRLF and lone CR into LF, so hash that text too.
            let normalized = script.replace("\r\n", "\n").replace('\r', "\n");
            format!("sha256-{}", BASE64.encode(Sha256::digest(normalized)))
        })
        .collect()
}

/// The exact text of every `<script>` element without a `src` attribute.
///
/// This is not a general HTML parser: it knows comments, quoted attribute
/// values and that a script's text runs to the first `</script`, which is
/// all a Trunk-built `index.html` needs. A script with no closing tag is
/// ignored (the browser would not run it either).
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        if rest.starts_with("<!--") {
            match rest[4..].find("-->") {
                Some(end) => rest = &rest[4 + end + 3..],
                None => break,
            }
            continue;
        }
        let Some(after_name) = strip_tag_name(rest, "script") else {
            rest = &rest[1..];
            continue;
        };
        let Some((attributes, body)) = split_start_tag(after_name) else {
            break;
        };
        let Some(close) = find_ignore_ascii_case(body, "</script") else {
            break;
        };
        if !has_attribute(attributes, "src") {
            scripts.push(&body[..close]);
        }
        rest = &body[close..];
    }
    scripts
}

/// If `s` starts with `<name` followed by whitespace, `/` or `>`, the text
/// after the name.
fn strip_tag_name<'a>(s: &'a str, name: &str) -> Option<&'a str> {
    let candidate = s.get(1..1 + name.len())?;
    if !candidate.eq_ignore_ascii_case(name) {
        return None;
    }
    let after = &s[1 + name.len()..];
    match after.chars().next() {
        Some(c) if c.is_ascii_whitespace() || c == '/' || c == '>' => Some(after),
        _ => None,
    }
}

/// Splits the text after a tag name into its attributes and the text after
/// the tag's closing `>`, honouring quoted attribute values.
fn split_start_tag(s: &str) -> Option<(&str, &str)> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some((&s[..i], &s[i + 1..])),
            _ => {}
        }
    }
    None
}

/// Whether a start tag's attribute text has an attribute called `name`.
fn has_attribute(attributes: &str, name: &str) -> bool {
    let mut rest = attributes;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return false;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        if rest[..name_end].eq_ignore_ascii_case(name) {
            return true;
        }
        rest = rest[name_end..].trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            rest = skip_attribute_value(value.trim_start());
        }
    }
}

fn skip_attribute_value(s: &str) -> &str {
    match s.chars().next() {
        Some(q @ ('"' | '\'')) => match s[1..].find(q) {
            Some(end) => &s[1 + end + 1..],
            None => "",
        },
        _ => {
            let end = s.find(|c: char| c.is_ascii_whitespace()).unwrap_or(s.len());
            &s[end..]
        }
    }
}

fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `trunk build` 0.21 writes for an app like Coffer's.
    const TRUNK_INDEX: &str = r#"<!DOCTYPE html><html lang="en"><head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Coffer</title>
    <link rel="manifest" href="/manifest.webmanifest">
<link rel="stylesheet" href="/style-4b1d6c2a9e0f3d77.css" integrity="sha384-abc" crossorigin="anonymous">
<link rel="modulepreload" href="/coffer-app-8a1b2c3d4e5f6789.js" crossorigin="anonymous" integrity="sha384-def">
<link rel="preload" href="/coffer-app-8a1b2c3d4e5f6789_bg.wasm" crossorigin="anonymous" integrity="sha384-ghi" as="fetch" type="application/wasm"></head>
  <body>
<script type="module">
import init, * as bindings from '/coffer-app-8a1b2c3d4e5f6789.js';
const wasm = await init({ module_or_path: '/coffer-app-8a1b2c3d4e5f6789_bg.wasm' });


window.wasmBindings = bindings;


dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));

</script></body></html>
"#;

    #[test]
    fn trunk_index_has_one_inline_module_script() {
        let scripts = inline_scripts(TRUNK_INDEX);
        assert_eq!(scripts.len(), 1);
        assert!(scripts[0].starts_with("\nimport init, * as bindings from"));
        assert!(scripts[0].ends_with("{detail: {wasm}}));\n\n"));
    }

    #[test]
    fn trunk_index_hash_matches_an_independent_sha256() {
        // Computed outside Rust: the script text piped through
        // `openssl dgst -sha256 -binary | base64`.
        assert_eq!(
            inline_script_hashes(TRUNK_INDEX),
            ["sha256-BX3IwqI7QIw8vyliv4PUTIZT34jMk5lvieGV5S77Yho="]
        );
    }

    #[test]
    fn scripts_with_src_are_not_inline() {
        let html = r#"<script src="/a.js"></script><script defer src=/b.js></script><SCRIPT SRC='/c.js'></SCRIPT>"#;
        assert!(inline_scripts(html).is_empty());
    }

    #[test]
    fn an_attribute_merely_containing_src_does_not_count() {
        let html = r#"<script data-src="/a.js" type="module">go()</script>"#;
        assert_eq!(inline_scripts(html), ["go()"]);
    }

    #[test]
    fn quoted_greater_than_does_not_end_the_tag() {
        let html = r#"<script data-x="a>b" data-y='>'>run()</script>"#;
        assert_eq!(inline_scripts(html), ["run()"]);
    }

    #[test]
    fn every_inline_script_is_found_in_order_and_case_is_ignored() {
        let html = "<Script>one()</SCRIPT ><p>x</p><script\ttype=module>two()</script>";
        assert_eq!(inline_scripts(html), ["one()", "two()"]);
    }

    #[test]
    fn scripts_inside_comments_are_skipped() {
        let html = "<!-- <script>old()</script> --><script>new()</script>";
        assert_eq!(inline_scripts(html), ["new()"]);
    }

    #[test]
    fn other_tags_starting_with_script_are_not_scripts() {
        let html = "<scripts>no()</scripts><script>yes()</script>";
        assert_eq!(inline_scripts(html), ["yes()"]);
    }

    #[test]
    fn text_after_a_script_is_not_mistaken_for_one() {
        let html = "<script>let s = '<b>';</script><div>'</div>";
        assert_eq!(inline_scripts(html), ["let s = '<b>';"]);
    }

    #[test]
    fn unterminated_script_is_ignored() {
        assert!(inline_scripts("<script>never_closed()").is_empty());
        assert!(inline_scripts("<script type='module'").is_empty());
    }

    #[test]
    fn crlf_is_hashed_as_the_browser_sees_it() {
        assert_eq!(
            inline_script_hashes("<script>a();\r\nb();\rc();</script>"),
            inline_script_hashes("<script>a();\nb();\nc();</script>")
        );
    }

    #[test]
    fn policy_lists_each_hash_quoted_in_script_src() {
        let csp = policy(&["sha256-AAAA".to_owned(), "sha256-BBBB".to_owned()]);
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-AAAA' 'sha256-BBBB';"),
            "{csp}"
        );
        for directive in [
            "default-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'none'",
        ] {
            assert!(csp.contains(directive), "{directive} missing from {csp}");
        }
        assert!(!csp.contains("unsafe-inline"));
    }
}
