//! The deals table: its columns, and a row per deal holding what the
//! table shows beside the deal's own fields (pipeline and stage names, the
//! probability in force, the weighted amount, the company's name).

use serde_json::Value;

use super::Deal;
use crate::class::DataClass;
use crate::custom_field::{
    CustomFieldDef, RecordKind, custom_column_class, query_column, readable_custom,
};
use crate::pipeline::Pipeline;
use crate::query::{FieldKind, Schema};
use crate::record::{DEAL_NAMESPACE, Record};

/// The built-in columns, in the order a column picker lists them.
pub const TABLE_COLUMNS: [(&str, FieldKind); 11] = [
    ("name", FieldKind::Text),
    ("company_name", FieldKind::Text),
    ("owner_name", FieldKind::Text),
    ("pipeline_name", FieldKind::Text),
    ("stage_name", FieldKind::Text),
    ("amount.minor", FieldKind::Number),
    ("win_probability", FieldKind::Number),
    ("weighted.minor", FieldKind::Number),
    ("close_date", FieldKind::Date),
    ("tags", FieldKind::Tags),
    ("notes", FieldKind::Text),
];

/// Columns shown until the user picks others.
pub const DEFAULT_COLUMNS: [&str; 7] = [
    "name",
    "company_name",
    "stage_name",
    "amount.minor",
    "win_probability",
    "weighted.minor",
    "close_date",
];

/// The schema of the deals table: the built-in columns and one per custom
/// field defined for deals.
pub fn table_schema(defs: &[CustomFieldDef]) -> Schema {
    let mut schema = Schema::new(DEAL_NAMESPACE);
    for (path, kind) in TABLE_COLUMNS {
        schema.insert(path, kind);
    }
    schema.insert("amount.currency", FieldKind::Text);
    for def in defs.iter().filter(|d| d.record == RecordKind::Deal) {
        let (path, kind) = query_column(def);
        schema.insert(&path, kind);
    }
    schema
}

/// The data class of a column, for masking: the derived columns take the
/// class of what they come from (the weighted amount is money), the others
/// that of the deal's field or custom field.
pub fn column_class(path: &str, defs: &[CustomFieldDef]) -> DataClass {
    if let Some(class) = custom_column_class(path, defs) {
        return class;
    }
    match path {
        "company_name" => DataClass::Personal,
        "pipeline_name" | "stage_name" | "win_probability" => DataClass::Public,
        "weighted.minor" => DataClass::Financial,
        _ => Deal::field_class(path.split('.').next().unwrap_or(path)),
    }
}

/// The deal's JSON with `pipeline_name`, `stage_name`, `win_probability`
/// ([`Deal::probability`]), `weighted` ([`Deal::weighted_amount`], as
/// money JSON) and `company_name` added, and its custom values readable.
/// Fields that cannot be worked out (an unknown pipeline) are left out.
pub fn table_row(
    deal: &Deal,
    pipelines: &[Pipeline],
    company_name: Option<&str>,
    defs: &[CustomFieldDef],
) -> Value {
    let mut row = serde_json::to_value(deal).unwrap_or(Value::Null);
    let Value::Object(map) = &mut row else {
        return row;
    };
    if let Some(p) = pipelines.iter().find(|p| p.id == deal.stage.pipeline_id) {
        map.insert("pipeline_name".into(), p.name.clone().into());
        if let Some(s) = p.stage(deal.stage.stage_id) {
            map.insert("stage_name".into(), s.name.clone().into());
        }
        if let Some(pct) = deal.probability(p) {
            map.insert("win_probability".into(), pct.into());
        }
        if let Some(w) = deal.weighted_amount(p) {
            map.insert(
                "weighted".into(),
                serde_json::to_value(w).unwrap_or(Value::Null),
            );
        }
    }
    if let Some(name) = company_name {
        map.insert("company_name".into(), name.into());
    }
    readable_custom(defs, row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::pipeline::tests::{default_pipeline, id};
    use crate::query::{ColumnPath, Direction, Filter, Query, SortBy};
    use serde_json::json;

    #[test]
    fn money_notes_and_confidential_custom_columns_are_masked_names_and_stages_not() {
        use crate::custom_field::FieldKind as Kind;
        let budget = CustomFieldDef {
            class: DataClass::Financial,
            ..CustomFieldDef::new(id(60), RecordKind::Deal, "Budget".into(), Kind::Currency, 0)
        };
        let region = CustomFieldDef {
            class: DataClass::Public,
            ..CustomFieldDef::new(id(61), RecordKind::Deal, "Region".into(), Kind::Text, 0)
        };
        let defs = [budget, region];
        let masked = |path: &str| column_class(path, &defs).is_masked();
        for path in ["amount.minor", "weighted.minor", "notes"] {
            assert!(masked(path), "{path} is masked");
        }
        assert!(masked(&format!("custom.{}.minor", id(60))));
        // A column of a field deleted since is treated as confidential.
        assert!(masked(&format!("custom.{}", id(62))));
        for path in [
            "name",
            "company_name",
            "stage_name",
            "win_probability",
            "close_date",
        ] {
            assert!(!masked(path), "{path} is shown");
        }
        assert!(!masked(&format!("custom.{}", id(61))));
        for (path, _) in TABLE_COLUMNS {
            assert_eq!(
                masked(path),
                ["amount.minor", "weighted.minor", "notes"].contains(&path),
                "{path}"
            );
        }
    }

    #[test]
    fn rows_carry_stage_probability_and_weighted_amount_for_sorting() {
        let p = default_pipeline();
        let small = Deal {
            amount: Some(Money::new(10_000, Currency::CNY)),
            ..Deal::new(id(50), "Small".into(), &p, 0)
        };
        let big = Deal {
            amount: Some(Money::new(90_000, Currency::CNY)),
            probability: Some(40),
            ..Deal::new(id(51), "Big".into(), &p, 0)
        };
        let rows: Vec<Value> = [&small, &big]
            .iter()
            .map(|d| table_row(d, std::slice::from_ref(&p), Some("Acme"), &[]))
            .collect();
        assert_eq!(rows[1]["win_probability"], json!(40));
        assert_eq!(
            rows[1]["weighted"],
            json!({"minor": 36_000, "currency": "CNY"})
        );
        assert_eq!(rows[0]["company_name"], json!("Acme"));
        assert!(rows[0]["stage_name"].is_string());
        let sort = [SortBy {
            column: ColumnPath::parse("weighted.minor").unwrap(),
            direction: Direction::Descending,
        }];
        let q = Query::new(&table_schema(&[]), &[], &sort, &Filter::default()).unwrap();
        assert_eq!(q.run(&rows), [1, 0]);
    }
}
