//! The companies table: which columns it offers and their kinds. A row is
//! the company's own JSON form with its custom values made readable
//! ([`crate::custom_field::readable_custom`]).

use super::Company;
use crate::class::DataClass;
use crate::custom_field::{CustomFieldDef, RecordKind, custom_column_class, query_column};
use crate::query::{FieldKind, Schema};
use crate::record::COMPANY_NAMESPACE;
use crate::record::Record;

/// The built-in columns, in the order a column picker lists them.
pub const TABLE_COLUMNS: [(&str, FieldKind); 10] = [
    ("name", FieldKind::Text),
    ("domain", FieldKind::Text),
    ("industry", FieldKind::Text),
    ("size", FieldKind::Text),
    ("owner_name", FieldKind::Text),
    ("addresses.0.city", FieldKind::Text),
    ("registration.number", FieldKind::Text),
    ("tags", FieldKind::Tags),
    ("website", FieldKind::Text),
    ("notes", FieldKind::Text),
];

/// Columns shown until the user picks others.
pub const DEFAULT_COLUMNS: [&str; 6] = ["name", "domain", "industry", "size", "owner_name", "tags"];

/// The schema of the companies table: the built-in columns and one per
/// custom field defined for companies.
pub fn table_schema(defs: &[CustomFieldDef]) -> Schema {
    let mut schema = Schema::new(COMPANY_NAMESPACE);
    for (path, kind) in TABLE_COLUMNS {
        schema.insert(path, kind);
    }
    // Any address, not only the first, for a filter typed by hand.
    schema.insert("addresses.*.city", FieldKind::Text);
    for def in defs.iter().filter(|d| d.record == RecordKind::Company) {
        let (path, kind) = query_column(def);
        schema.insert(&path, kind);
    }
    schema
}

/// The data class of a column, for masking: that of the company's field
/// or custom field it shows.
pub fn column_class(path: &str, defs: &[CustomFieldDef]) -> DataClass {
    custom_column_class(path, defs)
        .unwrap_or_else(|| Company::field_class(path.split('.').next().unwrap_or(path)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::company::SizeBand;
    use crate::custom_field::{FieldKind as CustomKind, readable_custom};
    use crate::query::{ColumnPath, Condition, Filter, Operator, SavedView, SortBy};
    use serde_json::{Value, json};
    use uuid::Uuid;

    #[test]
    fn notes_and_sensitive_custom_columns_are_masked_the_rest_shown() {
        let mut id_number = CustomFieldDef::new(
            Uuid::from_u128(7),
            RecordKind::Company,
            "Tax ID".into(),
            CustomKind::Text,
            0,
        );
        id_number.class = DataClass::Sensitive;
        let defs = [id_number];
        let masked: Vec<&str> = TABLE_COLUMNS
            .iter()
            .map(|(p, _)| *p)
            .filter(|p| column_class(p, &defs).is_masked())
            .collect();
        assert_eq!(masked, ["notes"]);
        assert!(column_class(&format!("custom.{}", Uuid::from_u128(7)), &defs).is_masked());
    }

    #[test]
    fn companies_filter_by_size_and_sort_by_name_through_their_json() {
        let def = CustomFieldDef::new(
            Uuid::from_u128(9),
            RecordKind::Company,
            "Tier".into(),
            CustomKind::Text,
            0,
        );
        let rows: Vec<Value> = [
            ("Beta", SizeBand::UpTo50),
            ("alpha", SizeBand::UpTo50),
            ("Gamma", SizeBand::UpTo10),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (name, size))| {
            let mut c = Company::new(Uuid::from_u128(i as u128 + 1), 0);
            c.name = name.into();
            c.size = size;
            c.custom.insert(def.id, json!("gold"));
            readable_custom(
                std::slice::from_ref(&def),
                serde_json::to_value(&c).unwrap(),
            )
        })
        .collect();
        let view = SavedView {
            id: Uuid::from_u128(5),
            name: "Small".into(),
            record_type: COMPANY_NAMESPACE.into(),
            columns: DEFAULT_COLUMNS
                .iter()
                .map(|c| ColumnPath::parse(c).unwrap())
                .collect(),
            sort: vec![SortBy {
                column: ColumnPath::parse("name").unwrap(),
                direction: Default::default(),
            }],
            filter: Filter::And(vec![
                Filter::Condition(Condition {
                    column: ColumnPath::parse("size").unwrap(),
                    op: Operator::Equals,
                    value: json!("11-50"),
                }),
                Filter::Condition(Condition {
                    column: ColumnPath::parse(&query_column(&def).0).unwrap(),
                    op: Operator::Equals,
                    value: json!("GOLD"),
                }),
            ]),
        };
        let query = view.compile(&table_schema(&[def])).unwrap();
        assert_eq!(query.run(&rows), [1, 0]);
    }
}
