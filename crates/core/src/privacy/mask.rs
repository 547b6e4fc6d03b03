//! Masking for lists: a confidential value is shown as dots with a hint
//! (`"••••1234"` for a phone) until the user reveals it. Revealing is the
//! app's job (and an audited action); this module only decides the masked
//! form. Masked forms never reveal the value's length.

use crate::class::DataClass;

/// The mask character.
pub const DOT: char = '•';

/// What kind of value it is, which decides the hint kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueShape {
    /// Keeps the last four digits.
    Phone,
    /// Keeps the first character of the local part and the domain.
    Email,
    /// ID, passport, bank account numbers: keeps the last four characters.
    Identifier,
    /// Money: nothing kept.
    Amount,
    /// Free text: nothing kept.
    Text,
}

/// Which classes a list masks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MaskPolicy {
    /// Sensitive and financial values ([`DataClass::is_masked`]).
    #[default]
    Confidential,
    /// Every personal value too (phones, emails): for screens shown in
    /// public places or to roles that only need to know a record exists.
    AllPersonal,
}

impl MaskPolicy {
    pub fn masks(self, class: DataClass) -> bool {
        match self {
            MaskPolicy::Confidential => class.is_masked(),
            MaskPolicy::AllPersonal => class != DataClass::Public,
        }
    }
}

/// The form of `value` to show in a list: unchanged for classes that are not
/// masked ([`DataClass::is_masked`]), masked otherwise.
pub fn for_list(value: &str, class: DataClass, shape: ValueShape) -> String {
    for_list_with(value, class, shape, MaskPolicy::Confidential)
}

/// [`for_list`] under a chosen policy.
pub fn for_list_with(
    value: &str,
    class: DataClass,
    shape: ValueShape,
    policy: MaskPolicy,
) -> String {
    if policy.masks(class) {
        mask(value, shape)
    } else {
        value.to_owned()
    }
}

/// The masked form of `value`, whatever its class.
pub fn mask(value: &str, shape: ValueShape) -> String {
    let dots = |n: usize| DOT.to_string().repeat(n);
    let value = value.trim();
    if value.is_empty() {
        return String::new();
    }
    match shape {
        ValueShape::Phone => {
            let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
            if digits.len() <= 6 {
                return dots(4);
            }
            let tail: String = digits[digits.len() - 4..].iter().collect();
            format!("{}{tail}", dots(4))
        }
        ValueShape::Identifier => {
            let chars: Vec<char> = value.chars().filter(|c| !c.is_whitespace()).collect();
            if chars.len() <= 6 {
                return dots(4);
            }
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("{}{tail}", dots(4))
        }
        ValueShape::Email => match value.rsplit_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
                let first: String = local.chars().take(1).collect();
                format!("{first}{}@{domain}", dots(3))
            }
            _ => dots(6),
        },
        ValueShape::Amount | ValueShape::Text => dots(6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_keep_the_last_four_digits() {
        assert_eq!(mask("+86 138 0013 1234", ValueShape::Phone), "••••1234");
        assert_eq!(mask("(555) 010-9876", ValueShape::Phone), "••••9876");
        assert_eq!(mask("12345", ValueShape::Phone), "••••");
        assert_eq!(mask("  ", ValueShape::Phone), "");
    }

    #[test]
    fn other_shapes_hide_length_and_keep_only_the_hint() {
        assert_eq!(
            mask("wei.zhang@example.cn", ValueShape::Email),
            "w•••@example.cn"
        );
        assert_eq!(mask("张伟@例子.中国", ValueShape::Email), "张•••@例子.中国");
        assert_eq!(mask("not an email", ValueShape::Email), "••••••");
        assert_eq!(
            mask("11010519491231002X", ValueShape::Identifier),
            "••••002X"
        );
        assert_eq!(mask("1,250,000.00", ValueShape::Amount), "••••••");
        assert_eq!(
            mask("x", ValueShape::Text),
            mask("a long private note", ValueShape::Text)
        );
    }

    #[test]
    fn only_masked_classes_are_masked() {
        let phone = "+86 138 0013 1234";
        assert_eq!(
            for_list(phone, DataClass::Personal, ValueShape::Phone),
            phone
        );
        assert_eq!(
            for_list(phone, DataClass::Sensitive, ValueShape::Phone),
            "••••1234"
        );
        assert_eq!(
            for_list("9,999", DataClass::Financial, ValueShape::Amount),
            "••••••"
        );
        assert_eq!(
            for_list("Retail", DataClass::Public, ValueShape::Text),
            "Retail"
        );
    }

    #[test]
    fn the_all_personal_policy_masks_phones_too() {
        let all = MaskPolicy::AllPersonal;
        let phone = "+86 138 0013 1234";
        assert_eq!(
            for_list_with(phone, DataClass::Personal, ValueShape::Phone, all),
            "••••1234"
        );
        assert_eq!(
            for_list_with("Retail", DataClass::Public, ValueShape::Text, all),
            "Retail"
        );
        assert!(!MaskPolicy::default().masks(DataClass::Personal));
    }
}
