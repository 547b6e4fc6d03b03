//! Duplicate companies and their merge, on the records' JSON form (the
//! plaintext that gets encrypted), so this works whatever fields the
//! company record type has. It reads only `id`, `name`, `registration`
//! (`scheme` and `number`, as [`crate::company::Registration`] serialises),
//! and a domain from `domain`, `website` or `email`/`emails`. This is the
//! one company duplicate finder: to warn about one company, find the group
//! holding its id.

use serde_json::{Map, Value};
use uuid::Uuid;

use super::{DuplicateGroup, Groups, MatchReason};
use crate::text::fold;

/// Legal-form words that do not tell two companies apart, folded. Chinese
/// ones are matched as suffixes; Latin ones as trailing words.
const CJK_SUFFIXES: [&str; 7] = [
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
    "(中国)",
];
const LATIN_SUFFIXES: [&str; 14] = [
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "gmbh",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "ag",
    "sa",
    "bv",
];

/// A company name for matching: folded (NFKC + lowercase), punctuation and
/// whitespace removed, and legal forms dropped from the end: "Acme, Inc."
/// and "ACME Inc" and "acme" agree; "上海某某科技有限公司" and
/// "上海某某科技" agree. `None` when nothing is left.
pub fn company_name_key(name: &str) -> Option<String> {
    let folded = fold(name);
    let mut words: Vec<String> = folded
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| LATIN_SUFFIXES.contains(&w.as_str()))
    {
        words.pop();
    }
    let mut key: String = words
        .concat()
        .chars()
        .filter(|c| c.is_alphanumeric() || crate::text::is_cjk(*c) || *c == '(' || *c == ')')
        .collect();
    let mut changed = true;
    while changed {
        changed = false;
        for s in CJK_SUFFIXES {
            if let Some(rest) = key.strip_suffix(s).filter(|r| !r.is_empty()) {
                key = rest.to_owned();
                changed = true;
            }
        }
    }
    let key: String = key.chars().filter(|c| *c != '(' && *c != ')').collect();
    (!key.is_empty()).then_some(key)
}

/// The registrable part of a web address or email domain, lowercased,
/// without scheme, "www.", port or path: `https://www.Acme.com/about` and
/// "sales@acme.com" both give "acme.com". Free-mail domains are ignored
/// (everyone at gmail.com is not one company).
pub fn domain_key(s: &str) -> Option<String> {
    const FREE_MAIL: [&str; 10] = [
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "yahoo.com",
        "icloud.com",
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "foxmail.com",
    ];
    let s = fold(s.trim());
    let s = s.rsplit_once('@').map_or(s.as_str(), |(_, d)| d);
    let s = s.split_once("://").map_or(s, |(_, rest)| rest);
    let host = s.split(['/', ':', '?', '#']).next().unwrap_or_default();
    let host = host.strip_prefix("www.").unwrap_or(host);
    let ok = host.contains('.') && !FREE_MAIL.contains(&host);
    ok.then(|| host.to_owned())
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// "uscc:91350100M000100Y43": the registry and the number, folded, without
/// spaces or dashes; `None` without a number. A missing scheme is the
/// record type's default (USCC).
fn registration_key(v: &Value) -> Option<String> {
    let reg = v.get("registration")?;
    let number: String = fold(str_field(reg, "number")?)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let scheme = str_field(reg, "scheme").unwrap_or("uscc");
    (!number.is_empty()).then(|| format!("{}:{number}", fold(scheme)))
}

fn company_keys(v: &Value) -> Vec<(MatchReason, String)> {
    let mut out = Vec::new();
    out.extend(registration_key(v).map(|k| (MatchReason::Registration, k)));
    if let Some(k) = str_field(v, "name").and_then(company_name_key) {
        out.push((MatchReason::Name, k));
    }
    let mut domains: Vec<&str> = ["domain", "website", "email"]
        .iter()
        .filter_map(|k| str_field(v, k))
        .collect();
    if let Some(Value::Array(emails)) = v.get("emails") {
        domains.extend(emails.iter().filter_map(|e| {
            e.as_str()
                .or_else(|| e.get("address").and_then(Value::as_str))
        }));
    }
    out.extend(
        domains
            .into_iter()
            .filter_map(domain_key)
            .map(|d| (MatchReason::Domain, d)),
    );
    out
}

/// Groups of companies with the same registration number, [`company_name_key`]
/// or [`domain_key`]. Records without a readable `id` are skipped.
/// [`crate::company::Company`] records go in as `serde_json::to_value(c)`.
pub fn find_duplicate_companies(companies: &[Value]) -> Vec<DuplicateGroup> {
    let with_ids: Vec<(Uuid, &Value)> = companies
        .iter()
        .filter_map(|v| {
            let id = str_field(v, "id")?.parse::<Uuid>().ok()?;
            Some((id, v))
        })
        .collect();
    let mut groups = Groups::new(with_ids.len());
    for (i, (_, v)) in with_ids.iter().enumerate() {
        for (reason, key) in company_keys(v) {
            groups.add(i, reason, key);
        }
    }
    let ids: Vec<Uuid> = with_ids.iter().map(|(id, _)| *id).collect();
    groups.finish(&ids)
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Merges company `other` into `keep`, both JSON objects: each top-level
/// field keeps `keep`'s value when non-empty, else takes `other`'s; arrays
/// are united without repeats; `notes` of both are kept. `id` stays
/// `keep`'s, `created_ms` the earlier, `updated_ms` becomes `now_ms`.
/// Returns the merged record and the id to delete (so the app can re-point
/// contacts and deals), or `None` when either is not an object with an id.
pub fn merge_companies(keep: &Value, other: &Value, now_ms: i64) -> Option<(Value, Uuid)> {
    let (Value::Object(k), Value::Object(o)) = (keep, other) else {
        return None;
    };
    str_field(keep, "id")?.parse::<Uuid>().ok()?;
    let other_id = str_field(other, "id")?.parse::<Uuid>().ok()?;
    let mut out: Map<String, Value> = k.clone();
    for (key, ov) in o {
        if key == "id" {
            continue;
        }
        let merged = match (out.get(key), ov) {
            (None, _) => ov.clone(),
            (Some(kv), _) if is_empty_value(kv) => ov.clone(),
            (Some(Value::String(a)), Value::String(b)) if key == "notes" => {
                let (a, b) = (a.trim(), b.trim());
                if b.is_empty() || a.contains(b) {
                    Value::String(a.to_owned())
                } else {
                    Value::String(format!("{a}\n\n{b}"))
                }
            }
            (Some(Value::Array(a)), Value::Array(b)) => {
                let mut items = a.clone();
                for item in b {
                    if !items.contains(item) {
                        items.push(item.clone());
                    }
                }
                Value::Array(items)
            }
            (Some(kv), _) => kv.clone(),
        };
        out.insert(key.clone(), merged);
    }
    let created = [keep, other]
        .iter()
        .filter_map(|v| v.get("created_ms").and_then(Value::as_i64))
        .min();
    if let Some(created) = created {
        out.insert("created_ms".into(), created.into());
    }
    out.insert("updated_ms".into(), now_ms.into());
    Some((Value::Object(out), other_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn company_names_match_without_legal_forms() {
        assert_eq!(company_name_key("Acme, Inc."), company_name_key("ACME"));
        assert_eq!(company_name_key("Acme Corp"), Some("acme".into()));
        assert_eq!(
            company_name_key("上海某某科技有限公司"),
            company_name_key("上海某某科技")
        );
        assert_eq!(
            company_name_key("某某（中国）有限公司"),
            company_name_key("某某")
        );
        assert_eq!(company_name_key("Co"), Some("co".into()));
        assert_eq!(company_name_key(" , "), None);
    }

    #[test]
    fn domains_are_reduced_and_free_mail_ignored() {
        assert_eq!(
            domain_key("https://www.Acme.com/about").as_deref(),
            Some("acme.com")
        );
        assert_eq!(domain_key("sales@acme.com").as_deref(), Some("acme.com"));
        assert_eq!(domain_key("someone@qq.com"), None);
        assert_eq!(domain_key("localhost"), None);
    }

    #[test]
    fn duplicate_companies_group_by_name_or_domain() {
        let a = json!({"id": "00000000-0000-0000-0000-000000000001", "name": "Acme Inc", "website": "acme.com"});
        let b = json!({"id": "00000000-0000-0000-0000-000000000002", "name": "ACME", "notes": "x"});
        let c = json!({"id": "00000000-0000-0000-0000-000000000003", "name": "Other", "domain": "www.acme.com"});
        let d = json!({"id": "00000000-0000-0000-0000-000000000004", "name": "Unrelated"});
        let groups = find_duplicate_companies(&[a, b, c, d]);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].ids.len(), 3);
        assert!(groups[0].reasons.contains(&MatchReason::Domain));
        assert!(groups[0].reasons.contains(&MatchReason::Name));
    }

    #[test]
    fn company_records_group_by_registration_domain_or_name() {
        use crate::company::{Company, Registration, RegistrationScheme};
        let company = |n: u128, f: &dyn Fn(&mut Company)| {
            let mut c = Company::new(Uuid::from_u128(n), 0);
            f(&mut c);
            serde_json::to_value(c.normalized(&[])).unwrap()
        };
        let reasons = |all: &[Value]| -> Vec<(Vec<u128>, Vec<MatchReason>)> {
            find_duplicate_companies(all)
                .into_iter()
                .map(|g| {
                    let ids = g.ids.iter().map(|id| id.as_u128()).collect();
                    (ids, g.reasons.into_iter().collect())
                })
                .collect()
        };
        let uscc = "91350100M000100Y43";
        let base = company(1, &|c| {
            c.name = "Acme Trading".into();
            c.domain = "acme.cn".into();
            c.registration.number = uscc.into();
        });
        let same_number = company(2, &|c| c.registration.number = uscc.into());
        assert_eq!(
            reasons(&[base.clone(), same_number]),
            [(vec![1, 2], vec![MatchReason::Registration])]
        );
        let same_domain = company(3, &|c| c.domain = "acme.cn".into());
        assert_eq!(
            reasons(&[base.clone(), same_domain]),
            [(vec![1, 3], vec![MatchReason::Domain])]
        );
        let same_name = company(4, &|c| c.name = "ＡＣＭＥ  trading".into());
        assert_eq!(
            reasons(&[base.clone(), same_name]),
            [(vec![1, 4], vec![MatchReason::Name])]
        );
        let other_registry = company(5, &|c| {
            c.registration = Registration {
                scheme: RegistrationScheme::Other,
                number: uscc.into(),
                issuer: "Companies House".into(),
            }
        });
        let different = company(6, &|c| c.name = "Acme".into());
        let blank = company(7, &|_| {});
        let blank_too = company(8, &|_| {});
        assert!(reasons(&[base, other_registry, different, blank, blank_too]).is_empty());
    }

    #[test]
    fn company_merge_keeps_non_empty_and_unites_arrays() {
        let keep = json!({"id": "00000000-0000-0000-0000-000000000001", "name": "Acme", "industry": "",
            "tags": ["a"], "notes": "one", "created_ms": 50});
        let other = json!({"id": "00000000-0000-0000-0000-000000000002", "name": "ACME Inc", "industry": "Tools",
            "tags": ["a", "b"], "notes": "two", "created_ms": 20, "size": 10});
        let (m, del) = merge_companies(&keep, &other, 99).unwrap();
        assert_eq!(del, Uuid::from_u128(2));
        assert_eq!(
            m,
            json!({"id": "00000000-0000-0000-0000-000000000001", "name": "Acme", "industry": "Tools",
                "tags": ["a", "b"], "notes": "one\n\ntwo", "created_ms": 20, "updated_ms": 99, "size": 10})
        );
        assert!(merge_companies(&json!([]), &other, 0).is_none());
    }
}
