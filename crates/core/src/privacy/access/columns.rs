//! What each file of the access package holds, field by field, in English
//! and Chinese. The CSV headers and `README.txt` are both made from these
//! lists, so the description cannot drift from the files.

/// One CSV column: its header and what it means.
pub struct Column {
    pub name: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
}

/// One file of the package.
pub struct FileSpec {
    pub name: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    /// Empty for files that are not CSV.
    pub columns: &'static [Column],
}

const fn c(name: &'static str, en: &'static str, zh: &'static str) -> Column {
    Column { name, en, zh }
}

pub const PERSON_JSON: FileSpec = FileSpec {
    name: "person.json",
    en: "Everything below in one machine-readable file (JSON, UTF-8): \"format\" and \"version\" name this layout, \"generated_at\" when it was made, then \"contact\", \"activities\", \"deals\", \"tickets\", \"consent\", \"requests\" and \"audit\" with every stored field. Times ending in \"_ms\" are milliseconds since 1970-01-01 UTC; amounts are in the currency's smallest unit (\"minor\").",
    zh: "以下全部内容的机器可读版本（JSON，UTF-8）：\"format\" 与 \"version\" 标明格式，\"generated_at\" 为生成时间，其后 \"contact\"、\"activities\"、\"deals\"、\"tickets\"、\"consent\"、\"requests\"、\"audit\" 包含所存储的每个字段。以 \"_ms\" 结尾的时间为自 1970-01-01 UTC 起的毫秒数；金额以货币最小单位（\"minor\"，如分）表示。",
    columns: &[],
};

pub const CONTACT_CSV: FileSpec = FileSpec {
    name: "contact.csv",
    en: "Your contact record, one field per row.",
    zh: "您的联系人记录，每行一个字段。",
    columns: &[
        c(
            "field",
            "Which field: salutation, given_name, family_name, full_name, email, phone, wechat, company, job_title, country, province, city, district, street, postcode, source, owner, notes, tag, custom:<id>, created_at, updated_at (email, phone and tag repeat once per value; email and phone values end with their kind in brackets)",
            "字段名：称谓、名、姓、全名、邮箱、电话、微信、公司、职位、国家、省份、城市、区县、街道、邮编、来源、负责人、备注、标签、自定义字段 custom:<编号>、创建时间、更新时间（邮箱、电话和标签每个值一行；邮箱和电话的值后以括号注明类型）",
        ),
        c("value", "The field's value", "字段的值"),
    ],
};

pub const ACTIVITIES_CSV: FileSpec = FileSpec {
    name: "activities.csv",
    en: "Calls, meetings, emails and notes linked to you, oldest first.",
    zh: "与您相关的通话、会议、邮件和备注，按时间从早到晚排列。",
    columns: &[
        c("id", "Record id", "记录编号"),
        c(
            "kind",
            "call, meeting, email or note",
            "类型：通话、会议、邮件或备注",
        ),
        c("subject", "Subject", "主题"),
        c(
            "start",
            "When it happened (UTC, ISO 8601)",
            "发生时间（UTC，ISO 8601）",
        ),
        c(
            "duration_minutes",
            "Length in minutes, if recorded",
            "时长（分钟），如有记录",
        ),
        c("outcome", "Result, if recorded", "结果，如有记录"),
        c("notes", "Notes", "备注"),
        c(
            "created_at",
            "When the record was created (UTC)",
            "记录创建时间（UTC）",
        ),
        c(
            "updated_at",
            "When the record last changed (UTC)",
            "记录最后修改时间（UTC）",
        ),
    ],
};

pub const DEALS_CSV: FileSpec = FileSpec {
    name: "deals.csv",
    en: "Sales opportunities you take part in, oldest first.",
    zh: "您参与的销售机会，按创建时间从早到晚排列。",
    columns: &[
        c("id", "Record id", "记录编号"),
        c("name", "Name of the deal", "商机名称"),
        c("your_role", "Your part in it", "您在其中的角色"),
        c("amount", "Amount, if set", "金额，如已填写"),
        c("currency", "ISO 4217 currency code", "ISO 4217 货币代码"),
        c("stage", "Current stage", "当前阶段"),
        c(
            "close_date",
            "Expected or actual close date",
            "预计或实际成交日期",
        ),
        c("notes", "Notes", "备注"),
        c(
            "created_at",
            "When the record was created (UTC)",
            "记录创建时间（UTC）",
        ),
        c(
            "updated_at",
            "When the record last changed (UTC)",
            "记录最后修改时间（UTC）",
        ),
    ],
};

pub const TICKETS_CSV: FileSpec = FileSpec {
    name: "tickets.csv",
    en: "Support tickets you raised, oldest first.",
    zh: "您提交的服务工单，按创建时间从早到晚排列。",
    columns: &[
        c("id", "Record id", "记录编号"),
        c("subject", "Subject", "主题"),
        c("description", "Description", "描述"),
        c("status", "Current status", "当前状态"),
        c("priority", "Priority", "优先级"),
        c(
            "created_at",
            "When the record was created (UTC)",
            "记录创建时间（UTC）",
        ),
        c(
            "updated_at",
            "When the record last changed (UTC)",
            "记录最后修改时间（UTC）",
        ),
    ],
};

pub const CONSENT_CSV: FileSpec = FileSpec {
    name: "consent.csv",
    en: "Every consent decision and legal basis recorded for you, in order (entries are never edited; a later one replaces an earlier one for the same purpose).",
    zh: "为您记录的每一项同意决定及法律依据，按时间排列（记录从不修改；同一目的的后一条取代前一条）。",
    columns: &[
        c("id", "Entry id", "记录编号"),
        c("purpose", "What the data is used for", "数据用途"),
        c("basis", "Legal basis", "法律依据"),
        c("decision", "given or withdrawn", "给予或撤回"),
        c("source", "Where the decision came from", "决定的来源"),
        c(
            "decided_at",
            "When you decided (UTC)",
            "您作出决定的时间（UTC）",
        ),
        c(
            "recorded_at",
            "When it was recorded (UTC)",
            "记录时间（UTC）",
        ),
    ],
};

pub const REQUESTS_CSV: FileSpec = FileSpec {
    name: "requests.csv",
    en: "Your data-protection requests (access, erasure, …) and how they were handled.",
    zh: "您提出的个人信息权利请求（查阅、删除等）及处理情况。",
    columns: &[
        c("id", "Request id", "请求编号"),
        c("kind", "What was asked", "请求类型"),
        c("jurisdiction", "Law it was handled under", "适用的法律"),
        c("received_on", "Date received", "收到日期"),
        c("status", "Current status", "当前状态"),
        c("closed_on", "Date closed, if closed", "结案日期，如已结案"),
    ],
};

pub const AUDIT_CSV: FileSpec = FileSpec {
    name: "audit.csv",
    en: "Who did what to your record and when, from each device's signed audit log.",
    zh: "各设备签名审计日志中对您记录的操作：何人、何时、何种操作。",
    columns: &[
        c("at", "When (UTC)", "时间（UTC）"),
        c("device_id", "Device that recorded it", "记录该操作的设备"),
        c(
            "seq",
            "Position in that device's log",
            "在该设备日志中的序号",
        ),
        c("actor", "Team member who acted", "执行操作的团队成员"),
        c("action", "What was done", "操作类型"),
        c("detail", "Details", "详情"),
    ],
};

/// Every CSV file, in the order they are written.
pub const CSV_FILES: [&FileSpec; 7] = [
    &CONTACT_CSV,
    &ACTIVITIES_CSV,
    &DEALS_CSV,
    &TICKETS_CSV,
    &CONSENT_CSV,
    &REQUESTS_CSV,
    &AUDIT_CSV,
];

pub fn header(spec: &FileSpec) -> Vec<String> {
    spec.columns.iter().map(|c| c.name.to_owned()).collect()
}

/// `README.txt`: what the package is and each file and field, in English
/// then Chinese.
pub fn readme(generated_at: &str) -> String {
    let mut out = String::new();
    out.push_str("Your personal data / 您的个人数据\n");
    out.push_str("================================\n\n");
    out.push_str(&format!(
        "This package holds every record about you that this organisation keeps in Coffer, as of {generated_at}: \
         a copy for your own use (GDPR art. 15 and 20; PIPL art. 45; CCPA \"right to know\"). \
         The CSV files open in any spreadsheet; person.json holds the same data for other software. \
         A cell that begins with ' had it added so that a spreadsheet shows it as text.\n\n"
    ));
    describe(&mut out, |f| f.en, |c| c.en);
    out.push_str("\n----------------------------------------\n\n");
    out.push_str(&format!(
        "本数据包包含本机构在 Coffer 中保存的与您有关的全部记录，截至 {generated_at}，\
         供您本人使用（GDPR 第 15、20 条；《个人信息保护法》第 45 条；CCPA 知情权）。\
         CSV 文件可用任何电子表格软件打开；person.json 以机器可读形式包含相同数据，可导入其他软件。\
         以 ' 开头的单元格是为让电子表格将其显示为文本而添加的。\n\n"
    ));
    describe(&mut out, |f| f.zh, |c| c.zh);
    out
}

fn describe(
    out: &mut String,
    file_text: impl Fn(&FileSpec) -> &'static str,
    column_text: impl Fn(&Column) -> &'static str,
) {
    out.push_str(&format!("README.txt\n  {}\n\n", file_text(&README_SPEC)));
    for spec in std::iter::once(&PERSON_JSON).chain(CSV_FILES) {
        out.push_str(&format!("{}\n  {}\n", spec.name, file_text(spec)));
        for column in spec.columns {
            out.push_str(&format!("  - {}: {}\n", column.name, column_text(column)));
        }
        out.push('\n');
    }
}

const README_SPEC: FileSpec = FileSpec {
    name: "README.txt",
    en: "This file.",
    zh: "本说明文件。",
    columns: &[],
};
