//! Data classes: how sensitive a field is. Every field of every record type
//! carries one; privacy rules (masking, exports, retention) and, later, team
//! keys (a separate key for the financial class) decide by it.

use serde::{Deserialize, Serialize};

/// How sensitive a field's value is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DataClass {
    /// Not about a person and not confidential (an industry, a stage).
    Public,
    /// Identifies or describes a person (a name, an email address).
    #[default]
    Personal,
    /// Special or confidential personal data (health, ID numbers, notes
    /// about a person): masked in lists, revealed on demand.
    Sensitive,
    /// Money: amounts, prices, bank details. Masked in lists; some team
    /// roles may not read it.
    Financial,
}

impl DataClass {
    /// Every class, least sensitive first.
    pub const ALL: [DataClass; 4] = [
        DataClass::Public,
        DataClass::Personal,
        DataClass::Sensitive,
        DataClass::Financial,
    ];

    /// Whether values of this class are masked in lists until revealed.
    pub fn is_masked(self) -> bool {
        matches!(self, DataClass::Sensitive | DataClass::Financial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_serialise_as_stable_names_and_mask_the_confidential_ones() {
        let names: Vec<String> = DataClass::ALL
            .iter()
            .map(|c| serde_json::to_string(c).unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "\"public\"",
                "\"personal\"",
                "\"sensitive\"",
                "\"financial\""
            ]
        );
        let masked: Vec<DataClass> = DataClass::ALL
            .into_iter()
            .filter(|c| c.is_masked())
            .collect();
        assert_eq!(masked, [DataClass::Sensitive, DataClass::Financial]);
    }
}
