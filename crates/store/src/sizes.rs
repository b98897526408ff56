//! How large stored values may be: the sizes of Bitrix24's own columns, so a
//! record stays the size Bitrix24 would keep and no single write or answer
//! can grow without bound.

use crate::entity::{FieldDef, FieldKind};

/// Longest value, in characters, of a standard string field (Bitrix24's
/// `varchar(255)` columns: `TITLE`, `NAME`, `POST`, …).
pub const MAX_STRING_CHARS: usize = 255;

/// Longest value, in characters, of a long text field (comments,
/// descriptions, addresses, banking details: Bitrix24's `text` columns) and of
/// one value of a string user field.
pub const MAX_TEXT_CHARS: usize = 65_535;

/// Longest `VALUE` of one multi-field entry (phone, e-mail, web, messenger;
/// Bitrix24's `varchar(250)`).
pub const MAX_MULTI_VALUE_CHARS: usize = 250;

/// Most entries of one multi-field kind (`PHONE`, `EMAIL`, …) one write may
/// give, and most values one write may give a multiple user field.
pub const MAX_VALUES_PER_WRITE: usize = 50;

/// Standard fields stored as long text.
const LONG_TEXT_FIELDS: &[&str] = &[
    "COMMENTS",
    "SOURCE_DESCRIPTION",
    "STATUS_DESCRIPTION",
    "ADDITIONAL_INFO",
    "ADDRESS",
    "ADDRESS_2",
    "ADDRESS_LEGAL",
    "REG_ADDRESS",
    "BANKING_DETAILS",
    "PERSONAL_NOTES",
    "WORK_NOTES",
    "WORK_PROFILE",
];

impl FieldDef {
    /// The most characters a string value of this field may have.
    pub fn max_chars(&self) -> usize {
        match self.kind {
            FieldKind::String if LONG_TEXT_FIELDS.contains(&self.name) => MAX_TEXT_CHARS,
            _ => MAX_STRING_CHARS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::{COMPANY, LEAD};

    #[test]
    fn long_text_fields_are_known_and_the_rest_are_short() {
        let comments = LEAD.field("COMMENTS").expect("COMMENTS");
        assert_eq!(comments.max_chars(), MAX_TEXT_CHARS);
        assert_eq!(LEAD.field("TITLE").expect("TITLE").max_chars(), 255);
        assert_eq!(
            COMPANY.field("BANKING_DETAILS").map(FieldDef::max_chars),
            Some(MAX_TEXT_CHARS)
        );
    }
}
