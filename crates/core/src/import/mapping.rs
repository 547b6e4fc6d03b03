//! Recognising the header row of a CSV export and proposing which contact
//! field each column fills.
//!
//! Headers are compared after folding (NFKC + lowercase) with everything
//! but letters and digits removed, so "E-mail 1 - Value", "Emails / Primary
//! Email", "emailAddress" and "Mailing Zip/Postal Code" each become one
//! plain key. The key tables cover the documented contact exports of Zoho
//! CRM, HubSpot, Salesforce, Google Contacts (old and current columns),
//! Twenty, EspoCRM and common Chinese spreadsheet headers.

use crate::text::fold;

/// What a column fills.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TargetField {
    Ignore,
    Salutation,
    /// A whole name in one cell ("张伟", "John Smith").
    FullName,
    GivenName,
    /// Appended to the given name after a space.
    MiddleName,
    FamilyName,
    /// Emails of unknown kind ("Other" unless a [`TargetField::KindOf`]
    /// column says otherwise).
    Email,
    EmailWork,
    EmailHome,
    Phone,
    PhoneWork,
    PhoneHome,
    Mobile,
    /// This column holds the kind ("Work", "* Home", "手机") of the email
    /// or phone in the column with the given index (Google Contacts).
    KindOf(usize),
    /// This column holds the country calling code ("+86", "86") of the
    /// phone in the column with the given index (Twenty).
    CountryCodeOf(usize),
    Company,
    JobTitle,
    WeChat,
    Country,
    Province,
    City,
    District,
    Street,
    Postcode,
    Source,
    Owner,
    Notes,
    /// Split on ",", ";", "、" and Google's " ::: ".
    Tags,
    /// The custom field with this definition id (see
    /// [`crate::custom_field`]); the cell's text is stored as a string
    /// value, for the app to check against the definition.
    Custom(uuid::Uuid),
}

/// Whose export the header row looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DetectedFormat {
    ZohoCrm,
    HubSpot,
    Salesforce,
    GoogleContacts,
    Twenty,
    EspoCrm,
    /// Chinese headers (姓名, 手机, 公司 …).
    Chinese,
    /// Some columns were recognised, but no particular product's set.
    Generic,
    /// No column was recognised.
    Unknown,
}

/// The proposed (and user-editable) target of each column, by index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMapping {
    pub format: DetectedFormat,
    pub columns: Vec<TargetField>,
}

impl ColumnMapping {
    /// The first column mapped to `target`.
    pub fn column_of(&self, target: &TargetField) -> Option<usize> {
        self.columns.iter().position(|t| t == target)
    }
}

/// Folded, letters and digits only.
pub fn header_key(header: &str) -> String {
    fold(header)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn field_for_key(key: &str) -> Option<TargetField> {
    use TargetField::*;
    let f = match key {
        "salutation" | "salutationname" | "nameprefix" | "prefix" | "称呼" | "称谓" => {
            Salutation
        }
        "name" | "fullname" | "contactname" | "displayname" | "姓名" | "联系人" | "联系人姓名"
        | "客户姓名" => FullName,
        "firstname" | "givenname" | "namefirstname" | "名" | "名字" => GivenName,
        "middlename" | "additionalname" | "中间名" => MiddleName,
        "lastname" | "familyname" | "surname" | "namelastname" | "姓" | "姓氏" => FamilyName,
        "email"
        | "emailaddress"
        | "emails"
        | "primaryemail"
        | "emailsprimaryemail"
        | "邮箱"
        | "电子邮件"
        | "电子邮箱"
        | "邮件"
        | "邮箱地址"
        | "secondaryemail"
        | "otheremail"
        | "emailsadditionalemails" => Email,
        "workemail" | "businessemail" | "工作邮箱" => EmailWork,
        "homeemail" | "personalemail" | "个人邮箱" => EmailHome,
        "phone"
        | "phonenumber"
        | "phones"
        | "telephone"
        | "otherphone"
        | "phonesprimaryphonenumber"
        | "电话"
        | "电话号码"
        | "联系电话" => Phone,
        "businessphone" | "officephone" | "workphone" | "办公电话" | "座机" | "公司电话" => {
            PhoneWork
        }
        "homephone" | "家庭电话" | "住宅电话" => PhoneHome,
        "mobile" | "mobilephone" | "mobilephonenumber" | "cellphone" | "cell" | "手机"
        | "手机号" | "手机号码" | "移动电话" => Mobile,
        "company" | "companyname" | "accountname" | "account" | "organization"
        | "organizationname" | "organization1name" | "公司" | "公司名称" | "单位" | "单位名称"
        | "企业名称" | "客户公司" => Company,
        "title" | "jobtitle" | "organizationtitle" | "organization1title" | "position" | "职位"
        | "职务" | "头衔" | "岗位" => JobTitle,
        "wechat" | "wechatid" | "weixin" | "微信" | "微信号" => WeChat,
        "country" | "mailingcountry" | "countryregion" | "address1country" | "addresscountry"
        | "国家" | "国家地区" => Country,
        "state"
        | "province"
        | "region"
        | "stateregion"
        | "stateprovince"
        | "mailingstate"
        | "mailingstateprovince"
        | "address1region"
        | "addressstate"
        | "省"
        | "省份"
        | "州"
        | "省市" => Province,
        "city" | "mailingcity" | "address1city" | "addresscity" | "市" | "城市" => City,
        "district" | "county" | "区" | "区县" | "县" | "县区" => District,
        "street" | "streetaddress" | "address" | "mailingstreet" | "address1street"
        | "addressstreet" | "地址" | "详细地址" | "街道" | "街道地址" | "通讯地址" => {
            Street
        }
        "zip"
        | "zipcode"
        | "postcode"
        | "postalcode"
        | "mailingzip"
        | "mailingzippostalcode"
        | "mailingpostalcode"
        | "address1postalcode"
        | "addresspostalcode"
        | "邮编"
        | "邮政编码" => Postcode,
        "source" | "leadsource" | "originalsource" | "contactsource" | "来源" | "客户来源"
        | "线索来源" => Source,
        "owner" | "contactowner" | "ownername" | "assignedusername" | "assigneduser" | "负责人"
        | "所有者" | "跟进人" | "销售" => Owner,
        "description" | "notes" | "note" | "comments" | "备注" | "说明" | "描述" => Notes,
        "labels" | "tags" | "tag" | "groupmembership" | "标签" | "分组" => Tags,
        _ => return None,
    };
    Some(f)
}

/// Google's "E-mail 2 - Value" / "Phone 3 - Type": (kind, n, part).
fn google_numbered(key: &str) -> Option<(&'static str, &str, &str)> {
    for kind in ["email", "phone"] {
        if let Some(rest) = key.strip_prefix(kind) {
            let n_len = rest.bytes().take_while(u8::is_ascii_digit).count();
            if n_len > 0 {
                return Some((kind, &rest[..n_len], &rest[n_len..]));
            }
        }
    }
    None
}

/// Headers particular to one product, to tell the exports apart.
fn signatures(format: DetectedFormat) -> &'static [&'static str] {
    match format {
        DetectedFormat::ZohoCrm => &[
            "mailingzip",
            "mailingstate",
            "secondaryemail",
            "contactowner",
            "leadsource",
            "skypeid",
            "accountname",
            "mailingstreet",
        ],
        DetectedFormat::Salesforce => &[
            "mailingzippostalcode",
            "mailingstateprovince",
            "contactowner",
            "leadsource",
            "accountname",
            "mailingstreet",
            "contactid",
        ],
        DetectedFormat::HubSpot => &[
            "phonenumber",
            "mobilephonenumber",
            "stateregion",
            "countryregion",
            "originalsource",
            "recordid",
            "contactowner",
            "lifecyclestage",
        ],
        DetectedFormat::GoogleContacts => &[
            "email1value",
            "email1type",
            "email1label",
            "phone1value",
            "phone1type",
            "phone1label",
            "organizationname",
            "organization1name",
            "labels",
            "groupmembership",
            "givenname",
        ],
        DetectedFormat::Twenty => &[
            "namefirstname",
            "namelastname",
            "emailsprimaryemail",
            "phonesprimaryphonenumber",
            "phonesprimaryphonecountrycode",
            "phonesprimaryphonecallingcode",
            "emailsadditionalemails",
        ],
        DetectedFormat::EspoCrm => &[
            "emailaddress",
            "phonenumber",
            "addressstreet",
            "addresscity",
            "addressstate",
            "addresspostalcode",
            "addresscountry",
            "salutationname",
            "assignedusername",
        ],
        _ => &[],
    }
}

fn detect(keys: &[String], recognised: usize) -> DetectedFormat {
    const PRODUCTS: [DetectedFormat; 6] = [
        DetectedFormat::ZohoCrm,
        DetectedFormat::Salesforce,
        DetectedFormat::HubSpot,
        DetectedFormat::GoogleContacts,
        DetectedFormat::Twenty,
        DetectedFormat::EspoCrm,
    ];
    let best = PRODUCTS
        .iter()
        .map(|&f| {
            let hits = signatures(f)
                .iter()
                .filter(|s| keys.iter().any(|k| k == *s))
                .count();
            (hits, f)
        })
        // On equal hits the earlier product in the list wins.
        .fold((0, DetectedFormat::Generic), |acc, x| {
            if x.0 > acc.0 { x } else { acc }
        });
    if best.0 >= 2 {
        return best.1;
    }
    let cjk = keys.iter().filter(|k| crate::text::contains_cjk(k)).count();
    if recognised == 0 {
        DetectedFormat::Unknown
    } else if cjk * 2 >= keys.len() {
        DetectedFormat::Chinese
    } else {
        DetectedFormat::Generic
    }
}

/// Proposes a target for each header and names the export it looks like.
/// Unrecognised columns are ignored; the user can map them (to a custom
/// field, say). A target that only makes sense once (names, company,
/// address parts…) is proposed for its first column only.
pub fn propose_mapping(headers: &[String]) -> ColumnMapping {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    let mut columns = vec![TargetField::Ignore; keys.len()];
    for (i, key) in keys.iter().enumerate() {
        if let Some((kind, n, part)) = google_numbered(key) {
            let value_key = format!("{kind}{n}value");
            let target = match part {
                "value" if kind == "email" => TargetField::Email,
                "value" => TargetField::Phone,
                "type" | "label" => match keys.iter().position(|k| *k == value_key) {
                    Some(v) => TargetField::KindOf(v),
                    None => TargetField::Ignore,
                },
                _ => TargetField::Ignore,
            };
            columns[i] = target;
            continue;
        }
        if key == "phonesprimaryphonecountrycode" || key == "phonesprimaryphonecallingcode" {
            if let Some(v) = keys.iter().position(|k| k == "phonesprimaryphonenumber") {
                columns[i] = TargetField::CountryCodeOf(v);
            }
            continue;
        }
        // Outlook's export has both "Title" (Mr., Ms.) and "Job Title".
        if key == "title" && keys.iter().any(|k| k == "jobtitle") {
            columns[i] = TargetField::Salutation;
            continue;
        }
        if let Some(t) = field_for_key(key) {
            let repeatable = matches!(
                t,
                TargetField::Email
                    | TargetField::EmailWork
                    | TargetField::EmailHome
                    | TargetField::Phone
                    | TargetField::PhoneWork
                    | TargetField::PhoneHome
                    | TargetField::Mobile
                    | TargetField::Tags
                    | TargetField::Notes
            );
            if repeatable || !columns.contains(&t) {
                columns[i] = t;
            }
        }
    }
    let recognised = columns
        .iter()
        .filter(|t| **t != TargetField::Ignore)
        .count();
    ColumnMapping {
        format: detect(&keys, recognised),
        columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(s: &str) -> Vec<String> {
        s.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn header_keys_drop_case_spaces_and_punctuation() {
        assert_eq!(header_key("E-mail 1 - Value"), "email1value");
        assert_eq!(header_key("Emails / Primary Email"), "emailsprimaryemail");
        assert_eq!(
            header_key("Mailing Zip/Postal Code"),
            "mailingzippostalcode"
        );
        assert_eq!(header_key("emailAddress"), "emailaddress");
        assert_eq!(header_key(" 手机 "), "手机");
    }

    #[test]
    fn google_type_columns_point_at_their_value_column() {
        let m = propose_mapping(&headers(
            "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value",
        ));
        assert_eq!(m.format, DetectedFormat::GoogleContacts);
        assert_eq!(m.columns[2], TargetField::KindOf(3));
        assert_eq!(m.columns[3], TargetField::Email);
        assert_eq!(m.columns[4], TargetField::KindOf(5));
        assert_eq!(m.columns[5], TargetField::Phone);
    }

    #[test]
    fn single_targets_are_proposed_once() {
        let m = propose_mapping(&headers("Name,Full Name,Email,E-mail"));
        assert_eq!(
            m.columns,
            [
                TargetField::FullName,
                TargetField::Ignore,
                TargetField::Email,
                TargetField::Email
            ]
        );
        assert_eq!(m.format, DetectedFormat::Generic);
    }

    #[test]
    fn title_beside_job_title_is_a_salutation() {
        let m = propose_mapping(&headers("Title,First Name,Last Name,Company,Job Title"));
        assert_eq!(m.columns[0], TargetField::Salutation);
        assert_eq!(m.columns[4], TargetField::JobTitle);
        let m = propose_mapping(&headers("First Name,Title"));
        assert_eq!(m.columns[1], TargetField::JobTitle);
    }

    #[test]
    fn nothing_recognised_is_unknown() {
        assert_eq!(
            propose_mapping(&headers("foo,bar")).format,
            DetectedFormat::Unknown
        );
    }
}
