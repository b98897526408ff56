//! The universal API's names: which `entityTypeId` is which entity, and each
//! field's camelCase name (`assignedById`), made from its legacy name by one
//! rule — `UPPER_SNAKE` parts joined, the first in lower case, the others
//! capitalised — except where Bitrix24's universal names differ, which one
//! table per entity lists (a lead's `STATUS_ID` is `stageId`, `DATE_CREATE`
//! is `createdTime` everywhere, a company's `COMPANY_TYPE` is `typeId`, …).
//! Multi-fields (`PHONE`, `EMAIL`, …) have no name of their own: they are the
//! entries of `fm`. User fields get Bitrix24's camelCase form ([`uf_camel`]) —
//! or keep their `UF_CRM_*` code with `useOriginalUfNames=Y` — per request,
//! in a [`Schema`].

use std::sync::OnceLock;

use portico_protocol::{ApiError, ErrorCode};
use portico_store::crm::{COMPANY, CONTACT, DEAL, LEAD};
use portico_store::{EntityDef, FieldDef, FieldKind, UserField};

/// An entity served by `crm.item.*`.
pub struct ItemType {
    /// Its `entityTypeId`.
    pub id: i64,
    /// Its catalogue.
    pub def: &'static EntityDef,
    /// Legacy → universal names the rule does not give (after [`COMMON`]).
    renames: &'static [(&'static str, &'static str)],
    /// Universal names by catalogue position (`None` for multi-fields).
    names: OnceLock<Vec<Option<String>>>,
}

/// Renames shared by every entity.
const COMMON: &[(&str, &str)] = &[
    ("CREATED_BY_ID", "createdBy"),
    ("MODIFY_BY_ID", "updatedBy"),
    ("MOVED_BY_ID", "movedBy"),
    ("DATE_CREATE", "createdTime"),
    ("DATE_MODIFY", "updatedTime"),
];

/// Leads (`entityTypeId` 1): their status is the universal stage.
pub static LEAD_ITEM: ItemType = ItemType::new(
    1,
    &LEAD,
    &[
        ("STATUS_ID", "stageId"),
        ("STATUS_SEMANTIC_ID", "stageSemanticId"),
    ],
);
/// Deals (`entityTypeId` 2).
pub static DEAL_ITEM: ItemType = ItemType::new(2, &DEAL, &[]);
/// Contacts (`entityTypeId` 3).
pub static CONTACT_ITEM: ItemType = ItemType::new(3, &CONTACT, &[]);
/// Companies (`entityTypeId` 4): `COMPANY_TYPE` is `typeId`, and the list of
/// contacts that legacy calls `CONTACT_ID` is `contactIds`.
pub static COMPANY_ITEM: ItemType = ItemType::new(
    4,
    &COMPANY,
    &[("COMPANY_TYPE", "typeId"), ("CONTACT_ID", "contactIds")],
);

/// The entities served, in `entityTypeId` order.
pub static ITEM_TYPES: [&ItemType; 4] = [&LEAD_ITEM, &DEAL_ITEM, &CONTACT_ITEM, &COMPANY_ITEM];

/// Bitrix24 types `crm.item.*` knows but Portico does not keep (answered
/// `ENTITY_TYPE_NOT_SUPPORTED`; any other id is an unknown smart process).
const UNSERVED: &[(i64, &str)] = &[
    (5, "INVOICE"),
    (7, "QUOTE"),
    (8, "REQUISITE"),
    (14, "ORDER"),
    (31, "SMART_INVOICE"),
];

/// The entity of an `entityTypeId`: 1–4; the old invoice (5) and the other
/// built-in types Portico does not keep are `ENTITY_TYPE_NOT_SUPPORTED`;
/// anything else is an unknown smart process, `NOT_FOUND`.
pub fn item_type(entity_type_id: i64) -> Result<&'static ItemType, ApiError> {
    if let Some(t) = ITEM_TYPES.iter().find(|t| t.id == entity_type_id) {
        return Ok(t);
    }
    match UNSERVED.iter().find(|(id, _)| *id == entity_type_id) {
        Some((_, name)) => Err(ApiError::new(
            ErrorCode::EntityTypeNotSupported,
            format!("Entity type {name} is not supported"),
        )),
        None => Err(ApiError::new(
            ErrorCode::NotFound,
            "Smart process not found",
        )),
    }
}

impl ItemType {
    const fn new(
        id: i64,
        def: &'static EntityDef,
        renames: &'static [(&'static str, &'static str)],
    ) -> Self {
        ItemType {
            id,
            def,
            renames,
            names: OnceLock::new(),
        }
    }

    /// Universal names by catalogue position.
    fn names(&self) -> &[Option<String>] {
        self.names.get_or_init(|| {
            self.def
                .fields
                .iter()
                .map(|f| match f.kind {
                    FieldKind::MultiField(_) => None,
                    _ => Some(
                        self.rename(f.name)
                            .map_or_else(|| camel(f.name), str::to_string),
                    ),
                })
                .collect()
        })
    }

    /// The exception for a legacy name, if any.
    fn rename(&self, legacy: &str) -> Option<&'static str> {
        self.renames
            .iter()
            .chain(COMMON)
            .find(|(from, _)| *from == legacy)
            .map(|(_, to)| *to)
    }

    /// The universal name of the field at `idx` (`None` for multi-fields).
    pub fn name(&self, idx: usize) -> Option<&str> {
        self.names().get(idx)?.as_deref()
    }

    /// The universal name of a legacy field name (`fm` for multi-fields).
    pub fn name_of_legacy(&self, legacy: &str) -> Option<&str> {
        let idx = self.def.index_of(legacy)?;
        Some(self.name(idx).unwrap_or("fm"))
    }

    /// The catalogue position of a universal name: exact, else ignoring ASCII
    /// case, else its `upperName` (`STAGE_ID`, `CREATED_BY`: Bitrix24 takes
    /// names in either form). Multi-fields have none.
    pub fn resolve(&self, name: &str) -> Option<usize> {
        let names = self.names();
        names
            .iter()
            .position(|n| n.as_deref() == Some(name))
            .or_else(|| {
                names
                    .iter()
                    .position(|n| n.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            })
            .or_else(|| {
                self.def.fields.iter().enumerate().position(|(i, f)| {
                    names[i].is_some() && self.upper_name(f).eq_ignore_ascii_case(name)
                })
            })
    }

    /// `upperName` of `crm.item.fields`: the universal name in `UPPER_SNAKE`
    /// (`CREATED_BY`, a lead's `STAGE_ID`), which is the legacy name for every
    /// field the rule names.
    pub fn upper_name(&self, field: &FieldDef) -> String {
        match self.rename(field.name) {
            Some(universal) => snake_upper(universal),
            None => field.name.to_string(),
        }
    }
}

/// A user field's universal name, as Bitrix24 forms it: `UF_CRM_` becomes
/// `ufCrm`, an optional leading type number follows (`UF_CRM_10_…` →
/// `ufCrm10…`), then the code's parts — words capitalised, numbers kept, an
/// underscore kept only between two numbers (`UF_CRM_10_5186744711` →
/// `ufCrm10_5186744711`, `UF_CRM_3_DIGIT` → `ufCrm3Digit`). When that could
/// not be read back unambiguously — a part mixing letters and digits, a number
/// right after a word, a bare number after the prefix — only the prefix is
/// replaced: `UF_CRM_3_DIGIT10` → `ufCrm_3_DIGIT10`, `UF_CRM_1747309879` →
/// `ufCrm_1747309879`. Names without the `UF_CRM_` prefix stay as they are.
pub fn uf_camel(field_name: &str) -> String {
    let Some(rest) = field_name.strip_prefix("UF_CRM_") else {
        return field_name.to_string();
    };
    let simplified = || format!("ufCrm_{rest}");
    let parts: Vec<&str> = rest.split('_').collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic());
    let (type_id, code) = match parts.as_slice() {
        [first, code @ ..] if !code.is_empty() && digits(first) => (Some(*first), code),
        code => (None, code),
    };
    if code.iter().any(|p| !digits(p) && !letters(p))
        || (type_id.is_none() && code.first().is_some_and(|p| digits(p)))
        || code.windows(2).any(|w| letters(w[0]) && digits(w[1]))
    {
        return simplified();
    }
    let mut out = String::from("ufCrm");
    let mut after_number = false;
    if let Some(t) = type_id {
        out.push_str(t);
        after_number = true;
    }
    for part in code {
        if digits(part) {
            if after_number {
                out.push('_');
            }
            out.push_str(part);
            after_number = true;
        } else {
            out.push_str(&capitalised(part));
            after_number = false;
        }
    }
    out
}

/// The names of one request: the entity's catalogue names and the names its
/// user fields go by — universal ([`uf_camel`]), or their codes with
/// `useOriginalUfNames=Y` or when the universal name would collide.
pub struct Schema {
    /// The entity.
    pub t: &'static ItemType,
    /// Its user-field definitions (by `SORT`, then id).
    pub defs: Vec<UserField>,
    /// The name of each definition, same order.
    pub uf_names: Vec<String>,
}

impl Schema {
    /// The schema of `t` with these user fields.
    pub fn new(t: &'static ItemType, defs: Vec<UserField>, original_uf_names: bool) -> Schema {
        let camels: Vec<String> = defs.iter().map(|d| uf_camel(&d.field_name)).collect();
        let uf_names = defs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let c = &camels[i];
                let collides = t.resolve(c).is_some()
                    || camels.iter().enumerate().any(|(j, o)| j != i && o == c);
                if original_uf_names || collides {
                    d.field_name.clone()
                } else {
                    c.clone()
                }
            })
            .collect();
        Schema { t, defs, uf_names }
    }

    /// The user field a name stands for: its name in this schema, or its code
    /// (any case), or its universal name ignoring case.
    pub fn uf(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.uf_names
            .iter()
            .position(|n| n == name)
            .or_else(|| {
                self.defs
                    .iter()
                    .position(|d| d.field_name.eq_ignore_ascii_case(name))
            })
            .or_else(|| {
                self.uf_names
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(name))
            })
    }

    /// The name in this schema of a legacy field name or a user-field code.
    pub fn universal<'a>(&'a self, legacy: &'a str) -> &'a str {
        if let Some(name) = self.t.name_of_legacy(legacy) {
            return name;
        }
        match self.defs.iter().position(|d| d.field_name == legacy) {
            Some(i) => &self.uf_names[i],
            None => legacy,
        }
    }
}

/// `ASSIGNED_BY_ID` → `assignedById`, `ADDRESS_2` → `address2`.
pub fn camel(upper: &str) -> String {
    let mut out = String::with_capacity(upper.len());
    for (i, part) in upper.split('_').filter(|p| !p.is_empty()).enumerate() {
        if i == 0 {
            out.push_str(&part.to_ascii_lowercase());
        } else {
            out.push_str(&capitalised(part));
        }
    }
    out
}

/// `NOTE` → `Note`.
fn capitalised(part: &str) -> String {
    let lower = part.to_ascii_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `createdBy` → `CREATED_BY`.
pub fn snake_upper(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(t: &ItemType, legacy: &str) -> String {
        t.name_of_legacy(legacy).expect(legacy).to_string()
    }

    #[test]
    fn the_rule_joins_parts_in_camel_case() {
        assert_eq!(camel("ASSIGNED_BY_ID"), "assignedById");
        assert_eq!(camel("TITLE"), "title");
        assert_eq!(camel("IS_MANUAL_OPPORTUNITY"), "isManualOpportunity");
        assert_eq!(camel("ADDRESS_2"), "address2");
        assert_eq!(camel("UTM_SOURCE"), "utmSource");
        assert_eq!(snake_upper("createdBy"), "CREATED_BY");
        assert_eq!(snake_upper("stageSemanticId"), "STAGE_SEMANTIC_ID");
        assert_eq!(snake_upper("id"), "ID");
    }

    #[test]
    fn every_entity_has_bitrix24s_universal_names() {
        let lead = [
            ("ID", "id"),
            ("STATUS_ID", "stageId"),
            ("STATUS_SEMANTIC_ID", "stageSemanticId"),
            ("STATUS_DESCRIPTION", "statusDescription"),
            ("DATE_CREATE", "createdTime"),
            ("DATE_MODIFY", "updatedTime"),
            ("CREATED_BY_ID", "createdBy"),
            ("MODIFY_BY_ID", "updatedBy"),
            ("MOVED_BY_ID", "movedBy"),
            ("MOVED_TIME", "movedTime"),
            ("DATE_CLOSED", "dateClosed"),
            ("ASSIGNED_BY_ID", "assignedById"),
            ("COMPANY_TITLE", "companyTitle"),
            ("CONTACT_ID", "contactId"),
            ("CONTACT_IDS", "contactIds"),
            ("IS_RETURN_CUSTOMER", "isReturnCustomer"),
            ("HAS_IMOL", "hasImol"),
            ("LAST_ACTIVITY_BY", "lastActivityBy"),
            ("PHONE", "fm"),
            ("EMAIL", "fm"),
        ];
        for (legacy, universal) in lead {
            assert_eq!(name(&LEAD_ITEM, legacy), universal, "lead {legacy}");
        }
        let deal = [
            ("STAGE_ID", "stageId"),
            ("STAGE_SEMANTIC_ID", "stageSemanticId"),
            ("CATEGORY_ID", "categoryId"),
            ("TYPE_ID", "typeId"),
            ("CONTACT_IDS", "contactIds"),
            ("BEGINDATE", "begindate"),
            ("CLOSEDATE", "closedate"),
            ("TAX_VALUE", "taxValue"),
            ("LEAD_ID", "leadId"),
            ("ADDITIONAL_INFO", "additionalInfo"),
            ("IS_REPEATED_APPROACH", "isRepeatedApproach"),
        ];
        for (legacy, universal) in deal {
            assert_eq!(name(&DEAL_ITEM, legacy), universal, "deal {legacy}");
        }
        for (legacy, universal) in [
            ("COMPANY_IDS", "companyIds"),
            ("COMPANY_ID", "companyId"),
            ("EXPORT", "export"),
            ("ORIGIN_VERSION", "originVersion"),
        ] {
            assert_eq!(name(&CONTACT_ITEM, legacy), universal, "contact {legacy}");
        }
        for (legacy, universal) in [
            ("COMPANY_TYPE", "typeId"),
            ("CONTACT_ID", "contactIds"),
            ("IS_MY_COMPANY", "isMyCompany"),
            ("ADDRESS_LEGAL", "addressLegal"),
            ("BANKING_DETAILS", "bankingDetails"),
            ("DATE_CREATE", "createdTime"),
        ] {
            assert_eq!(name(&COMPANY_ITEM, legacy), universal, "company {legacy}");
        }
    }

    #[test]
    fn names_are_unique_and_resolve_back() {
        for t in ITEM_TYPES {
            let mut seen = std::collections::HashSet::new();
            for (i, f) in t.def.fields.iter().enumerate() {
                let Some(n) = t.name(i) else {
                    assert!(matches!(f.kind, FieldKind::MultiField(_)));
                    continue;
                };
                assert!(seen.insert(n.to_string()), "{} repeats {n}", t.def.code);
                assert_eq!(t.resolve(n), Some(i));
                assert_eq!(t.resolve(&n.to_ascii_uppercase()), Some(i));
            }
            assert_eq!(t.resolve("fm"), None);
            assert_eq!(t.resolve("nope"), None);
        }
    }

    #[test]
    fn upper_names_follow_the_universal_name() {
        let upper = |t: &ItemType, legacy: &str| t.upper_name(t.def.field(legacy).expect(legacy));
        assert_eq!(upper(&LEAD_ITEM, "STATUS_ID"), "STAGE_ID");
        assert_eq!(upper(&LEAD_ITEM, "CREATED_BY_ID"), "CREATED_BY");
        assert_eq!(upper(&LEAD_ITEM, "ADDRESS_2"), "ADDRESS_2");
        assert_eq!(upper(&DEAL_ITEM, "DATE_MODIFY"), "UPDATED_TIME");
        assert_eq!(upper(&COMPANY_ITEM, "CONTACT_ID"), "CONTACT_IDS");
        assert_eq!(upper(&COMPANY_ITEM, "COMPANY_TYPE"), "TYPE_ID");
    }

    #[test]
    fn user_field_names_follow_bitrix24() {
        for (code, universal) in [
            ("UF_CRM_10_5186744711", "ufCrm10_5186744711"),
            ("UF_CRM_10_DIGIT", "ufCrm10Digit"),
            ("UF_CRM_3_DIGIT", "ufCrm3Digit"),
            ("UF_CRM_3_DIGIT10", "ufCrm_3_DIGIT10"),
            ("UF_CRM_3_DIGIT_10", "ufCrm_3_DIGIT_10"),
            ("UF_CRM_3_1747309727", "ufCrm3_1747309727"),
            ("UF_CRM_1747309879", "ufCrm_1747309879"),
            ("UF_CRM_44_1721812760630", "ufCrm44_1721812760630"),
            ("UF_CRM_MANAGER_NOTE", "ufCrmManagerNote"),
            ("UF_CRM_NOTE_2", "ufCrm_NOTE_2"),
            ("UF_OTHER", "UF_OTHER"),
        ] {
            assert_eq!(uf_camel(code), universal, "{code}");
        }
    }

    #[test]
    fn upper_names_resolve_too() {
        let stage = LEAD_ITEM.def.index_of("STATUS_ID");
        assert_eq!(LEAD_ITEM.resolve("STAGE_ID"), stage);
        assert_eq!(LEAD_ITEM.resolve("stageId"), stage);
        assert_eq!(
            LEAD_ITEM.resolve("STATUS_ID"),
            None,
            "the legacy name is not universal"
        );
        assert_eq!(
            LEAD_ITEM.resolve("CREATED_BY"),
            LEAD_ITEM.def.index_of("CREATED_BY_ID")
        );
        assert_eq!(
            LEAD_ITEM.resolve("ASSIGNED_BY_ID"),
            LEAD_ITEM.def.index_of("ASSIGNED_BY_ID")
        );
    }

    #[test]
    fn entity_type_ids() {
        assert_eq!(item_type(2).map(|t| t.def.code).ok(), Some("DEAL"));
        let e = item_type(5).err().expect("invoice");
        assert_eq!(e.code, ErrorCode::EntityTypeNotSupported);
        assert_eq!(e.description, "Entity type INVOICE is not supported");
        for id in [0, -1, 6, 128, 1038] {
            let e = item_type(id).err().expect("unknown");
            assert_eq!(
                (e.code, e.description.as_ref()),
                (ErrorCode::NotFound, "Smart process not found")
            );
        }
    }
}
