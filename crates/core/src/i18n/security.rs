//! Messages for audit log, reveals, breach and processing registers, backups and security settings.

use super::messages;

messages! { pub enum SecurityMsg {
    NavSecurity => ("Security", "安全"),
    AuditLog => ("Audit log", "审计日志"),
} }
