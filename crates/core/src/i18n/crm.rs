//! Messages for companies, deals and pipelines, custom fields, tables and saved views.

use super::messages;

messages! { pub enum CrmMsg {
    NavCompanies => ("Companies", "公司"),
    NavDeals => ("Deals", "交易"),
} }
