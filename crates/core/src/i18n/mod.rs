//! Every string the interface shows, in English and Simplified Chinese.
//!
//! `messages!` declares each message once with both languages, so a message
//! without a translation does not compile, and `ALL` lets tests check every
//! one (non-empty, translated, same `{placeholders}` in both languages).
//! [`Msg`] holds the core screens; each other area of the app has its own
//! enum in a submodule ([`crm`], [`work`], [`privacy`], [`security`]), all
//! checked by [`check_messages`].

use crate::settings::Locale;

pub mod crm;
pub mod privacy;
pub mod security;
pub mod work;

/// A set of interface messages with both languages: each area of the app
/// declares its own enum (in its own file, so areas never edit one list).
pub trait Message: Copy + std::fmt::Debug + PartialEq + 'static {
    /// (English, 简体中文)
    fn text(self) -> (&'static str, &'static str);

    /// Every message of the set, for completeness checks.
    fn all() -> &'static [Self];

    fn in_locale(self, locale: Locale) -> &'static str {
        let (en, zh) = self.text();
        match locale {
            Locale::En => en,
            Locale::ZhCn => zh,
        }
    }
}

/// Declares a message enum: `messages! { pub enum Name { Key => ("en", "zh"), } }`.
macro_rules! messages {
    ($vis:vis enum $enum:ident { $($name:ident => ($en:expr, $zh:expr $(,)?),)* }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $enum { $($name,)* }

        impl $enum {
            /// Every message, for completeness checks.
            pub const ALL: &'static [$enum] = &[$($enum::$name,)*];

            /// (English, 简体中文)
            pub fn text(self) -> (&'static str, &'static str) {
                match self { $($enum::$name => ($en, $zh),)* }
            }

            pub fn in_locale(self, locale: $crate::settings::Locale) -> &'static str {
                $crate::i18n::Message::in_locale(self, locale)
            }
        }

        impl $crate::i18n::Message for $enum {
            fn text(self) -> (&'static str, &'static str) {
                $enum::text(self)
            }
            fn all() -> &'static [$enum] {
                $enum::ALL
            }
        }
    };
}
pub(crate) use messages;

messages! { pub enum Msg {
    AppName => ("Coffer", "Coffer"),
    Tagline => (
        "Your customer records, encrypted on this device.",
        "您的客户资料，在本设备上加密保存。",
    ),
    Language => ("Language", "语言"),
    SkipToContent => ("Skip to content", "跳到主要内容"),
    Loading => ("Loading…", "正在加载…"),
    StorageUnavailable => (
        "This browser does not let Coffer store data (private window or storage turned off). Nothing can be saved here.",
        "此浏览器不允许 Coffer 保存数据（可能是无痕窗口或已关闭存储）。在这里无法保存任何内容。",
    ),
    CreateTitle => ("Create your vault", "创建您的保险库"),
    CreateIntro => (
        "Choose a passphrase. It encrypts everything on this device and is never sent anywhere. If you forget it, only your recovery code can open the vault.",
        "请设置一个密码短语。它用于加密本设备上的全部数据，不会被发送到任何地方。如果忘记了它，只有恢复码才能打开保险库。",
    ),
    Passphrase => ("Passphrase", "密码短语"),
    ConfirmPassphrase => ("Repeat passphrase", "再次输入密码短语"),
    PassphraseHint => (
        "At least {min} characters. Several unrelated words are easy to remember and hard to guess.",
        "至少 {min} 个字符。几个互不相关的词语既好记又难猜。",
    ),
    PassphrasesDiffer => ("The two passphrases differ.", "两次输入的密码短语不一致。"),
    CreateVault => ("Create vault", "创建保险库"),
    CreatingVault => ("Creating your vault…", "正在创建保险库…"),
    StrengthLabel => ("Strength", "强度"),
    Strength0 => ("Very weak", "非常弱"),
    Strength1 => ("Weak", "弱"),
    Strength2 => ("Fair", "一般"),
    Strength3 => ("Strong", "强"),
    Strength4 => ("Very strong", "非常强"),
    WeakTooShort => (
        "Use at least {min} characters.",
        "请至少使用 {min} 个字符。",
    ),
    WeakGuessable => (
        "Too easy to guess: add more unrelated words.",
        "太容易被猜到：请再加几个不相关的词。",
    ),
    WeakCommon => ("This is a commonly used password.", "这是一个常见密码。"),
    WeakRepeated => (
        "Repeated characters or patterns are easy to guess.",
        "重复的字符或模式很容易被猜到。",
    ),
    WeakSequence => (
        "Sequences like abc or 1234 are easy to guess.",
        "像 abc 或 1234 这样的序列很容易被猜到。",
    ),
    WeakDate => (
        "Dates and years are easy to guess.",
        "日期和年份很容易被猜到。",
    ),
    WeakPersonal => (
        "Avoid names and words about you.",
        "请避免使用姓名或与您相关的词语。",
    ),
    ShowPassphrase => ("Show passphrase", "显示密码短语"),
    RecoveryTitle => ("Your recovery code", "您的恢复码"),
    RecoveryIntro => (
        "Write this code down and keep it somewhere safe. It opens your vault if you forget the passphrase. It is shown only once.",
        "请抄下此恢复码并妥善保管。忘记密码短语时，它可以打开您的保险库。它只显示这一次。",
    ),
    RecoveryCode => ("Recovery code", "恢复码"),
    CopyRecoveryCode => ("Copy code", "复制恢复码"),
    Copied => ("Copied.", "已复制。"),
    RecoverySaved => (
        "I have stored the recovery code safely",
        "我已妥善保存恢复码",
    ),
    Continue => ("Continue", "继续"),
    UnlockTitle => ("Unlock your vault", "解锁保险库"),
    UnlockIntro => (
        "Your data is encrypted on this device. Enter your passphrase to open it.",
        "您的数据已在本设备上加密。请输入密码短语以打开。",
    ),
    Unlock => ("Unlock", "解锁"),
    Unlocking => ("Unlocking…", "正在解锁…"),
    Decrypting => (
        "Decrypting {done} of {total} records…",
        "正在解密第 {done} 条，共 {total} 条记录…",
    ),
    WrongPassphrase => (
        "Wrong passphrase. Please try again.",
        "密码短语错误，请重试。",
    ),
    WrongRecoveryCode => (
        "This recovery code does not open this vault.",
        "此恢复码无法打开这个保险库。",
    ),
    RecoveryMistyped => (
        "The recovery code has a typo: check each character.",
        "恢复码有输入错误：请逐个字符检查。",
    ),
    RecoveryMalformed => (
        "A recovery code has 27 letters and digits, in groups of four.",
        "恢复码由 27 个字母和数字组成，每四个一组。",
    ),
    TryAgainIn => (
        "Too many failed attempts. Try again in {seconds} s.",
        "失败次数过多。请在 {seconds} 秒后重试。",
    ),
    UseRecoveryCode => ("Forgot it? Use the recovery code", "忘记了？使用恢复码"),
    UsePassphrase => ("Use the passphrase instead", "改用密码短语"),
    LockedIdle => (
        "Locked after {minutes} min without activity.",
        "因 {minutes} 分钟无操作已自动锁定。",
    ),
    LockedManual => (
        "Locked. Your data is encrypted again.",
        "已锁定。您的数据已重新加密。",
    ),
    WeakVaultParams => (
        "This vault's key settings are weaker than Coffer allows, so it was not opened. The stored data may have been altered.",
        "此保险库的密钥参数低于 Coffer 的安全要求，因此未打开。存储的数据可能已被篡改。",
    ),
    VaultDamaged => (
        "The vault's key data on this device is damaged and cannot be read.",
        "本设备上保险库的密钥数据已损坏，无法读取。",
    ),
    NewPassphraseTitle => ("Choose a new passphrase", "设置新的密码短语"),
    NewPassphraseIntro => (
        "You opened the vault with the recovery code. Choose a new passphrase now; your recovery code stays the same.",
        "您已使用恢复码打开保险库。请现在设置新的密码短语；恢复码保持不变。",
    ),
    SavePassphrase => ("Save passphrase", "保存密码短语"),
    PassphraseChanged => ("Passphrase changed.", "密码短语已更改。"),
    Contacts => ("Contacts", "联系人"),
    Search => ("Search contacts", "搜索联系人"),
    SearchPlaceholder => (
        "Name, email, phone, company, tag…",
        "姓名、邮箱、电话、公司、标签…",
    ),
    NewContact => ("New contact", "新建联系人"),
    NoContacts => (
        "No contacts yet. Add your first one.",
        "还没有联系人。添加第一位吧。",
    ),
    NoMatches => (
        "No contact matches “{query}”.",
        "没有与“{query}”匹配的联系人。",
    ),
    MatchCount => ("{count} matches", "{count} 个匹配结果"),
    ContactCount => ("{count} contacts", "{count} 位联系人"),
    Lock => ("Lock", "锁定"),
    Settings => ("Settings", "设置"),
    Delete => ("Delete", "删除"),
    ConfirmDelete => ("Delete {name} for good?", "确定要永久删除 {name} 吗？"),
    Deleted => ("Contact deleted.", "联系人已删除。"),
    Saved => ("Contact saved.", "联系人已保存。"),
    Save => ("Save", "保存"),
    Cancel => ("Cancel", "取消"),
    EditContact => ("Edit contact", "编辑联系人"),
    GivenName => ("Given name", "名"),
    FamilyName => ("Family name", "姓"),
    FullName => ("Full name (one field)", "全名（单一字段）"),
    FullNameHint => (
        "Use this instead of given and family name when the name is written as one, e.g. 张伟.",
        "当姓名作为一个整体书写时（例如 张伟），请使用此栏代替姓和名。",
    ),
    Emails => ("Email addresses", "电子邮箱"),
    Email => ("Email", "邮箱"),
    AddEmail => ("Add email", "添加邮箱"),
    Phones => ("Phone numbers", "电话号码"),
    Phone => ("Phone", "电话"),
    AddPhone => ("Add phone", "添加电话"),
    Remove => ("Remove", "移除"),
    Kind => ("Type", "类型"),
    KindWork => ("Work", "工作"),
    KindHome => ("Home", "家庭"),
    KindMobile => ("Mobile", "手机"),
    KindOther => ("Other", "其他"),
    Company => ("Company", "公司"),
    JobTitle => ("Job title", "职位"),
    AddressLabel => ("Address", "地址"),
    Street => ("Street", "街道"),
    City => ("City", "城市"),
    Region => ("Province / state", "省 / 州"),
    Postcode => ("Postcode", "邮政编码"),
    Country => ("Country", "国家"),
    Notes => ("Notes", "备注"),
    Tags => ("Tags", "标签"),
    TagsHint => ("Separate tags with commas.", "多个标签请用逗号分隔。"),
    ErrNameRequired => (
        "Enter a name: given name, family name or full name.",
        "请输入姓名：名、姓或全名。",
    ),
    ErrInvalidEmail => (
        "This is not a valid email address.",
        "这不是有效的电子邮箱地址。",
    ),
    ErrInvalidPhone => (
        "A phone number has 4 to 20 digits, optionally starting with +.",
        "电话号码应为 4 到 20 位数字，可以以 + 开头。",
    ),
    ErrTooLong => (
        "Too long: at most {max} characters.",
        "太长：最多 {max} 个字符。",
    ),
    ErrTooMany => ("Too many: at most {max}.", "数量过多：最多 {max} 个。"),
    FixErrors => (
        "Please correct the highlighted fields.",
        "请更正标出的字段。",
    ),
    DamagedRecords => (
        "{count} stored records could not be read: they are damaged or were altered. They were left untouched; all other records are shown.",
        "有 {count} 条存储的记录无法读取：它们已损坏或被篡改。这些记录保持原样未被改动；其他记录均已显示。",
    ),
    SettingsTitle => ("Settings", "设置"),
    AutoLock => (
        "Lock after inactivity (minutes)",
        "无操作后自动锁定（分钟）",
    ),
    AutoLockHint => ("Between 1 and 240 minutes.", "1 到 240 分钟之间。"),
    NameOrder => ("Name order", "姓名顺序"),
    GivenFirst => ("Given name first (John Smith)", "名在前（John Smith）"),
    SurnameFirst => ("Family name first (张伟)", "姓在前（张伟）"),
    ChangePassphrase => ("Change passphrase", "更改密码短语"),
    CurrentPassphrase => ("Current passphrase", "当前密码短语"),
    NewPassphrase => ("New passphrase", "新密码短语"),
    SettingsSaved => ("Settings saved.", "设置已保存。"),
    Back => ("Back to contacts", "返回联系人"),
    QuotaExceeded => (
        "The browser's storage is full, so this change was not saved. Your entry is still in the form.",
        "浏览器存储空间已满，此更改未保存。您输入的内容仍保留在表单中。",
    ),
    SaveFailed => (
        "The change could not be saved: {reason}",
        "无法保存此更改：{reason}",
    ),
    // Accounts and sync
    SyncTitle => ("Sync across devices", "多设备同步"),
    SyncIntro => (
        "Sign in to an account to keep your contacts on several devices. The server stores only encrypted data and never learns your passphrase.",
        "登录账户即可在多台设备上使用您的联系人。服务器只保存加密数据，永远不会知道您的密码短语。",
    ),
    AccountName => ("Account name (e-mail)", "账户名（电子邮件）"),
    AccountNameHint => ("Like name@example.com.", "例如 name@example.com。"),
    CreateAccount => ("Create account", "创建账户"),
    CreatingAccount => ("Creating account…", "正在创建账户…"),
    SignIn => ("Sign in", "登录"),
    SigningIn => ("Signing in…", "正在登录…"),
    SignInTitle => ("Sign in to your account", "登录您的账户"),
    SignInIntro => (
        "Use the account name and passphrase you chose on your other device. Your data is downloaded and decrypted on this device.",
        "请使用您在其他设备上设置的账户名和密码短语。数据将下载到本设备并在本设备上解密。",
    ),
    SignInInstead => ("I already have an account", "我已有账户"),
    CreateVaultInstead => ("Create a new vault instead", "改为新建保险库"),
    AccountPassphraseHint => (
        "Your vault passphrase: the account uses the same one.",
        "即您的保险库密码短语：账户使用同一个密码短语。",
    ),
    SignedInAs => ("Signed in as {account}.", "已登录为 {account}。"),
    SignOut => ("Sign out of this device", "在本设备上退出登录"),
    SignedOut => ("Signed out. Your contacts stay on this device.", "已退出登录。您的联系人仍保留在本设备上。"),
    AccountCreated => ("Account created; this device now syncs.", "账户已创建，本设备现已开始同步。"),
    AccountExists => ("That account name is taken.", "该账户名已被占用。"),
    LoginFailed => ("Wrong account name or passphrase.", "账户名或密码短语错误。"),
    AccountLocked => (
        "Too many failed sign-ins. Try again in {seconds} seconds.",
        "登录失败次数过多。请在 {seconds} 秒后重试。",
    ),
    RateLimited => ("Too many requests. Try again in {seconds} seconds.", "请求过于频繁。请在 {seconds} 秒后重试。"),
    InvalidAccountName => ("Enter an account name like name@example.com.", "请输入类似 name@example.com 的账户名。"),
    ServerUnreachable => (
        "The server cannot be reached. Check the connection and try again.",
        "无法连接服务器。请检查网络后重试。",
    ),
    ServerRefused => ("The server refused the request ({code}).", "服务器拒绝了请求（{code}）。"),
    ServerMalformed => (
        "The server's answer could not be verified, so nothing was changed.",
        "无法验证服务器的响应，因此未做任何更改。",
    ),
    BundleTampered => (
        "The account's keys on the server could not be opened: they were altered, or belong to another account.",
        "服务器上的账户密钥无法打开：它们已被篡改，或属于其他账户。",
    ),
    SyncOnline => ("Online", "在线"),
    SyncOffline => ("Offline", "离线"),
    SyncLocalOnly => ("On this device only", "仅在本设备"),
    SyncSyncing => ("Syncing…", "正在同步…"),
    SyncPending => ("{count} not yet uploaded", "{count} 项尚未上传"),
    SyncUpToDate => ("Synced {time}", "已同步 {time}"),
    SyncNow => ("Sync now", "立即同步"),
    SyncStatusLabel => ("Sync status", "同步状态"),
    SyncRejected => (
        "A change from the server failed verification and was ignored. Your data on this device is unchanged.",
        "来自服务器的一项更改未通过验证，已被忽略。本设备上的数据未受影响。",
    ),
    SyncSignedOut => (
        "This device's session has ended. Sign in again to resume syncing; your changes are kept.",
        "本设备的会话已结束。请重新登录以继续同步；您的更改已保留。",
    ),
    SyncRefusedBanner => ("The server refused a sync request ({code}); retrying shortly.", "服务器拒绝了同步请求（{code}）；稍后将重试。"),
    SyncStorageProblem => ("This device could not store synced data: {reason}", "本设备无法保存同步的数据：{reason}"),
    ChainBrokenTitle => ("The server's history does not match", "服务器的历史记录不一致"),
    ChainBrokenText => (
        "The server no longer holds changes this device already verified (it may have been rolled back or tampered with). Nothing on this device was overwritten, and syncing is paused. If the server was restored from a backup, upload this device's data to it.",
        "服务器上缺少本设备已验证过的更改（可能被回滚或篡改）。本设备上的数据均未被覆盖，同步已暂停。如果服务器是从备份中恢复的，请将本设备的数据上传到服务器。",
    ),
    ServerWasRestored => ("The server was restored: upload my data", "服务器已恢复：上传我的数据"),
    TryAgain => ("Try again", "重试"),
    History => ("History", "历史记录"),
    HistoryEmpty => ("No earlier values.", "没有更早的值。"),
    HistoryEntry => ("{field} was “{value}”", "{field} 曾为“{value}”"),
    HistoryReplaced => ("replaced {time}", "于 {time} 被替换"),
    HistoryThisDevice => ("written on this device", "在本设备写入"),
    HistoryOtherDevice => ("written on another device", "在其他设备写入"),
    Devices => ("Signed-in devices", "已登录的设备"),
    DeviceThis => ("This device", "本设备"),
    DeviceLastSeen => ("last active {time}", "最近活动 {time}"),
    DeviceSignOut => ("Sign out", "退出登录"),
    DeviceSignedOut => ("That device was signed out.", "该设备已退出登录。"),
    DeviceUnknown => ("Unknown browser", "未知浏览器"),
    AccountRecoveryTitle => ("Your account's recovery code", "您账户的恢复码"),
    AccountRecoveryText => (
        "It replaces this vault's earlier recovery code. If you forget your passphrase, it signs in on a new device. Store it somewhere safe: it is shown only now.",
        "它将取代此保险库之前的恢复码。如果忘记密码短语，可用它在新设备上登录。请妥善保存：它只显示这一次。",
    ),
    Done => ("Done", "完成"),
    RecoverSignInTitle => ("Sign in with your recovery code", "使用恢复码登录"),
    RecoverSignInIntro => (
        "Enter your account name and recovery code, then choose a new passphrase. It becomes your account's passphrase on every device.",
        "请输入账户名和恢复码，然后设置新的密码短语。新密码短语将用于您在所有设备上的账户。",
    ),
    TotpCode => ("Authenticator code", "身份验证器代码"),
    TotpCodeHint => ("The 6 digits your authenticator app shows now.", "身份验证器应用当前显示的 6 位数字。"),
    TotpRequired => ("Enter the code from your authenticator app.", "请输入身份验证器应用中的代码。"),
    TotpInvalid => (
        "That code is wrong or was already used. Wait for the next one and try again.",
        "该代码错误或已被使用。请等待下一个代码后重试。",
    ),
    TotpAlreadyOn => ("Two-step sign-in is already on for this account.", "此账户已开启两步登录。"),
    TotpTitle => ("Two-step sign-in", "两步登录"),
    TotpIntro => (
        "Also ask for a code from an authenticator app when a device signs in.",
        "设备登录时，还需输入身份验证器应用中的代码。",
    ),
    TotpSetUp => ("Set up two-step sign-in", "设置两步登录"),
    TotpSecretIntro => (
        "Add this key to your authenticator app (time-based, 6 digits), then enter the code it shows.",
        "请将此密钥添加到身份验证器应用（基于时间，6 位数字），然后输入其显示的代码。",
    ),
    TotpSecret => ("Setup key", "设置密钥"),
    TotpQr => ("QR code of the setup key, to scan with your authenticator app", "设置密钥的二维码，可用身份验证器应用扫描"),
    TotpOpenApp => ("Open in an authenticator app on this device", "在本设备的身份验证器应用中打开"),
    TotpTurnOn => ("Turn on", "开启"),
    TotpTurnOff => ("Turn off two-step sign-in", "关闭两步登录"),
    TotpOn => ("Two-step sign-in is on.", "两步登录已开启。"),
    TotpOff => ("Two-step sign-in is off.", "两步登录已关闭。"),
    IpNotAllowed => (
        "This account does not allow sign-ins from this network.",
        "此账户不允许从当前网络登录。",
    ),
    PassphraseChangedAccount => (
        "Passphrase changed on this device and for your account.",
        "已更改本设备及账户的密码短语。",
    ),
    PassphraseChangedLocalOnly => (
        "Passphrase changed on this device. Your account keeps the old one until you change it while online.",
        "已更改本设备的密码短语。在联网时更改之前，账户仍使用旧密码短语。",
    ),
    // Contact form: the fields added for the complete CRM, and import/export.
    Salutation => ("Salutation", "称呼"),
    WeChatId => ("WeChat ID", "微信号"),
    District => ("District / county", "区 / 县"),
    Source => ("Source", "来源"),
    Owner => ("Owner", "负责人"),
    ErrInvalidWeChat => (
        "This is not a valid WeChat ID: 6–20 letters, digits, “_” or “-”, starting with a letter (a phone number works too).",
        "这不是有效的微信号：6–20 个字母、数字、“_”或“-”，以字母开头（也可以填手机号）。",
    ),
    PhoneCountryHint => (
        "Numbers without a country code get +86 when you leave the field.",
        "没有国家代码的号码在离开输入框时会自动加上 +86。",
    ),
    Import => ("Import", "导入"),
    ImportTitle => ("Import contacts", "导入联系人"),
    ImportIntro => (
        "Choose a CSV file (from Zoho, HubSpot, Salesforce, Google, Twenty, EspoCRM or a spreadsheet) or a vCard (.vcf) file. It is read on this device only.",
        "请选择 CSV 文件（来自 Zoho、HubSpot、Salesforce、Google、Twenty、EspoCRM 或电子表格）或 vCard（.vcf）文件。文件只在本设备上读取。",
    ),
    ImportFile => ("File to import", "要导入的文件"),
    ImportOpening => ("Reading {name}…", "正在读取 {name}…"),
    ImportEmpty => ("The file is empty.", "文件是空的。"),
    ImportNoHeader => ("The first row has no column names.", "第一行没有列名。"),
    ImportMalformedHeader => (
        "The first row is not valid CSV: {detail}",
        "第一行不是有效的 CSV：{detail}",
    ),
    ImportNoCards => ("This file has no vCard in it.", "此文件中没有 vCard 名片。"),
    ImportFileUnreadable => ("The file could not be read.", "无法读取该文件。"),
    ImportDetected => ("Detected format", "识别的格式"),
    ImportEncoding => ("Character encoding", "字符编码"),
    ImportReplacedChars => (
        "Some characters could not be decoded and were replaced with “�”.",
        "部分字符无法解码，已替换为“�”。",
    ),
    FormatZoho => ("Zoho CRM export", "Zoho CRM 导出"),
    FormatHubSpot => ("HubSpot export", "HubSpot 导出"),
    FormatSalesforce => ("Salesforce export", "Salesforce 导出"),
    FormatGoogle => ("Google Contacts export", "Google 通讯录导出"),
    FormatTwenty => ("Twenty export", "Twenty 导出"),
    FormatEspo => ("EspoCRM export", "EspoCRM 导出"),
    FormatChinese => ("Chinese spreadsheet", "中文电子表格"),
    FormatGeneric => ("Spreadsheet (some columns recognised)", "电子表格（识别了部分列）"),
    FormatUnknown => ("Unknown (no column recognised)", "未知（未识别任何列）"),
    FormatVcard => ("vCard file", "vCard 名片文件"),
    ImportMapping => ("Columns", "列的对应关系"),
    ImportMappingHint => (
        "Choose the contact field each column fills.",
        "请为每一列选择要填入的联系人字段。",
    ),
    ImportColumn => ("Column", "列"),
    ImportField => ("Field", "字段"),
    ImportFirstValue => ("First value", "第一行的值"),
    ImportFieldFor => ("Field for column “{column}”", "“{column}”列对应的字段"),
    TargetIgnore => ("Do not import", "不导入"),
    TargetMiddleName => ("Middle name", "中间名"),
    TargetEmailWork => ("Work email", "工作邮箱"),
    TargetEmailHome => ("Home email", "个人邮箱"),
    TargetPhoneWork => ("Work phone", "工作电话"),
    TargetPhoneHome => ("Home phone", "住宅电话"),
    TargetMobile => ("Mobile phone", "手机号码"),
    TargetKindOf => ("Type of column “{column}”", "“{column}”列的类型"),
    TargetCountryCodeOf => ("Country code of column “{column}”", "“{column}”列的国家代码"),
    TargetCustom => ("Custom field", "自定义字段"),
    ImportPreview => ("Preview of the first rows", "前几行预览"),
    ImportRow => ("Row", "行"),
    ImportName => ("Name", "姓名"),
    ImportStatus => ("Status", "状态"),
    ImportRowReady => ("Ready", "可以导入"),
    ImportModeLabel => ("What to do", "导入方式"),
    ImportModeCreate => ("Create new contacts only", "只新建联系人"),
    ImportModeUpdate => ("Update existing contacts only", "只更新已有联系人"),
    ImportModeBoth => (
        "Update existing contacts and create the rest",
        "更新已有联系人，其余新建",
    ),
    ImportMatchLabel => (
        "A row is an existing contact when",
        "满足以下条件时视为已有联系人",
    ),
    ImportMatchEmail => ("an email address matches", "邮箱地址相同"),
    ImportMatchPhone => ("a phone number matches", "电话号码相同"),
    ImportMatchName => (
        "the name matches (common names may be different people)",
        "姓名相同（常见姓名可能属于不同的人）",
    ),
    ImportStart => ("Start import", "开始导入"),
    ImportProgress => ("Import progress", "导入进度"),
    ImportReading => ("Reading the file: {percent}%", "正在读取文件：{percent}%"),
    ImportSaving => ("Saving contacts: {done} of {total}", "正在保存联系人：第 {done} 个，共 {total} 个"),
    ImportSummary => ("Import finished", "导入完成"),
    ImportCreated => ("Created: {count}", "新建：{count}"),
    ImportUpdated => ("Updated: {count}", "更新：{count}"),
    ImportSkipped => ("Skipped (already there or no match): {count}", "跳过（已存在或没有匹配）：{count}"),
    ImportErrorCount => ("Rows with errors: {count}", "有错误的行：{count}"),
    ImportErrorList => ("Rows that were not imported", "未导入的行"),
    ImportMoreErrors => ("…and {count} more.", "……还有 {count} 条。"),
    ImportReason => ("Problem", "问题"),
    ImportFailed => ("The import stopped: {reason}", "导入中断：{reason}"),
    RowNameMissing => ("No name", "没有姓名"),
    RowInvalidEmail => ("Not a valid email address", "邮箱地址无效"),
    RowInvalidPhone => ("Not a valid phone number", "电话号码无效"),
    RowInvalidWeChat => ("Not a valid WeChat ID", "微信号无效"),
    RowTooLong => ("Longer than {max} characters", "超过 {max} 个字符"),
    RowTooMany => ("More than {max} values", "超过 {max} 个值"),
    RowExtraCells => (
        "{found} cells but only {expected} columns: a comma may be missing its quotes",
        "有 {found} 个单元格，但只有 {expected} 列：可能有逗号没有加引号",
    ),
    RowMalformed => ("Not valid CSV here: {detail}", "此处不是有效的 CSV：{detail}"),
    CardMissingEnd => ("The card has no END:VCARD line", "名片缺少 END:VCARD 行"),
    CardVersion => ("Unsupported vCard version {version}", "不支持的 vCard 版本 {version}"),
    CardQuotedPrintable => ("A quoted-printable value is damaged", "有一个 quoted-printable 编码的值已损坏"),
    CardCharset => ("Unknown character set {charset}", "未知的字符集 {charset}"),
    ImportUndo => ("Undo this import", "撤销本次导入"),
    ImportUndoHint => (
        "Undo is possible until the app is locked or reloaded.",
        "在锁定或重新加载应用之前都可以撤销。",
    ),
    ImportUndoConfirm => (
        "Delete the {created} contacts this import created and restore the {updated} it changed?",
        "删除本次导入新建的 {created} 个联系人，并恢复被修改的 {updated} 个联系人？",
    ),
    ImportUndoing => ("Undoing: {done} of {total}", "正在撤销：第 {done} 个，共 {total} 个"),
    ImportUndone => (
        "Import undone: {deleted} deleted, {restored} restored.",
        "已撤销导入：删除 {deleted} 个，恢复 {restored} 个。",
    ),
    ImportUndoKept => (
        "{count} contacts edited after the import were left as they are.",
        "导入后又被编辑过的 {count} 个联系人保持不变。",
    ),
    Export => ("Export", "导出"),
    ExportFormat => ("Export format", "导出格式"),
    ExportCsv => ("CSV (spreadsheet)", "CSV（电子表格）"),
    ExportVcard => ("vCard 4.0", "vCard 4.0 名片"),
    ExportJson => ("JSON (every field, for backups)", "JSON（全部字段，用于备份）"),
    ExportBom => ("For Excel (byte-order mark)", "适用于 Excel（字节顺序标记）"),
    ExportScope => ("Contacts in the list to export: {count}.", "列表中要导出的联系人：{count} 个。"),
    ExportPlaintext => (
        "The file is not encrypted: keep it somewhere safe.",
        "导出的文件没有加密，请妥善保管。",
    ),
    Exporting => ("Exporting: {done} of {total}", "正在导出：第 {done} 个，共 {total} 个"),
    Exported => ("Exported contacts: {count}.", "已导出联系人：{count} 个。"),
    BackupTitle => ("Encrypted backup", "加密备份"),
    BackupIntro => (
        "A file with every record, encrypted. Restore it into a new browser by signing in to your account with \"Restore from a backup file\". Its key stays with your account, so erasing a contact later also makes this file unreadable: make a new backup after erasures.",
        "包含全部记录的加密文件。在新的浏览器中登录账户并选择“从备份文件恢复”即可恢复。备份的密钥保存在您的账户中，因此之后清除联系人也会使此文件无法读取：清除后请重新备份。",
    ),
    BackupDownload => ("Download encrypted backup", "下载加密备份"),
    BackupWorking => ("Making the backup…", "正在制作备份…"),
    BackupMade => ("Backup downloaded: {count} records.", "备份已下载：{count} 条记录。"),
    BackupNeedsAccount => (
        "Backups need an account: the backup's key is kept by your account. Create one under Account above.",
        "备份需要账户：备份的密钥由您的账户保管。请先在上方“账户”中创建账户。",
    ),
    BackupFailed => ("The backup could not be made: {reason}", "无法制作备份：{reason}"),
    RestoreFile => ("Restore from a backup file (optional)", "从备份文件恢复（可选）"),
    Restoring => ("Checking and restoring the backup…", "正在检查并恢复备份…"),
    Restored => (
        "Backup restored: {restored} records opened and checked; {unreadable} could not be opened and were left out.",
        "备份已恢复：{restored} 条记录已打开并校验；{unreadable} 条无法打开，已略过。",
    ),
    RestoreKeyGone => (
        "This backup can no longer be opened: its key was destroyed when a contact was erased after it was made (or it belongs to another account). Nothing from it was restored.",
        "此备份已无法打开：制作备份后有联系人被清除，其密钥已被销毁（或者它属于其他账户）。未恢复任何内容。",
    ),
    RestoreNotABackup => (
        "This file is not a Coffer backup, or it is damaged. Nothing from it was restored.",
        "此文件不是 Coffer 备份，或已损坏。未恢复任何内容。",
    ),
    Erase => ("Erase permanently", "永久清除"),
    ConfirmErase => (
        "Erase {name} on every device and on the server? Their key is destroyed, so no copy (history, other devices, backups made before now) can be read again. This cannot be undone.",
        "要在所有设备和服务器上清除 {name} 吗？其密钥将被销毁，任何副本（历史记录、其他设备、此前制作的备份）都将无法再读取。此操作无法撤销。",
    ),
    Erased => (
        "Erased. Only a record that an erasure happened (no personal data) is kept. Make a new backup: earlier backups can no longer be restored.",
        "已清除。仅保留一条清除记录（不含个人数据）。请重新制作备份：此前的备份已无法恢复。",
    ),
} }

/// Replaces `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Why a message set is incomplete: empty text, an untranslated message
/// (Chinese text without Chinese characters or equal to the English), or
/// placeholders that differ between the languages. `same_on_purpose` lists
/// messages that read the same in both (names).
pub fn check_messages<M: Message>(same_on_purpose: &[M]) -> Vec<String> {
    let mut problems = Vec::new();
    for &msg in M::all() {
        let (en, zh) = msg.text();
        if en.trim().is_empty() || zh.trim().is_empty() {
            problems.push(format!("{msg:?} has an empty text"));
        }
        if !same_on_purpose.contains(&msg) && (en == zh || !zh.chars().any(crate::text::is_cjk)) {
            problems.push(format!("{msg:?} is not translated: {zh}"));
        }
        if placeholders(en) != placeholders(zh) {
            problems.push(format!("{msg:?} has different placeholders in en and zh"));
        }
    }
    problems
}

fn placeholders(text: &str) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        found.insert(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_set_is_complete_in_both_languages() {
        let mut problems = check_messages(&[Msg::AppName]);
        problems.extend(check_messages::<crm::CrmMsg>(&[]));
        problems.extend(check_messages::<work::WorkMsg>(&[]));
        problems.extend(check_messages::<privacy::PrivacyMsg>(&[]));
        problems.extend(check_messages::<security::SecurityMsg>(&[]));
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn the_check_finds_untranslated_and_mismatched_messages() {
        messages! { enum Bad {
            Same => ("Deals", "Deals"),
            Braces => ("{count} deals", "交易"),
            Fine => ("Deals", "交易"),
        } }
        assert_eq!(Bad::Fine.in_locale(Locale::ZhCn), "交易");
        let problems = check_messages::<Bad>(&[]);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].starts_with("Same"));
        assert!(problems[1].starts_with("Braces"));
    }

    #[test]
    fn fill_replaces_every_placeholder() {
        let text = fill(
            Msg::Decrypting.in_locale(Locale::ZhCn),
            &[("done", "5"), ("total", "10")],
        );
        assert_eq!(text, "正在解密第 5 条，共 10 条记录…");
        assert!(
            placeholders(&fill(
                Msg::MatchCount.in_locale(Locale::En),
                &[("count", "2")]
            ))
            .is_empty()
        );
    }
}
