//! Labels of CRM fields on the pages. A standard field of the four catalogues
//! (`portico_store::crm`) is labelled by its `field-…` message in the page's
//! language (`locales/*/crm-fields.ftl`); any other field, user fields
//! `UF_CRM_*` among them, by the labels of its `crm.{entity}.fields`
//! descriptor; failing both, by its code.

use serde_json::Value;

use crate::ui::i18n::Tr;

/// The message id of a field code's label: `field-`, then the code in lower
/// case with `-` for `_` (`ASSIGNED_BY_ID` → `field-assigned-by-id`).
pub fn message_id(code: &str) -> String {
    format!("field-{}", code.to_ascii_lowercase().replace('_', "-"))
}

/// The translated label of standard field `code` of the entity whose
/// catalogue code is `entity` (`LEAD`, …): `None` for user fields (`UF_…`),
/// codes that are not upper-case identifiers and codes without a message.
pub fn standard_label(tr: &Tr, entity: &str, code: &str) -> Option<String> {
    let plain = !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !plain || code.starts_with("UF_") {
        return None;
    }
    tr.lookup(&message_id(code), &[("entity", entity)])
}

/// The first non-blank of a descriptor's `formLabel`, `listLabel` and `title`
/// (a user field's `title` is its code; standard fields only have `title`).
pub fn descriptor_label(descriptor: Option<&Value>) -> Option<String> {
    let descriptor = descriptor?;
    ["formLabel", "listLabel", "title"].iter().find_map(|key| {
        descriptor
            .get(*key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|label| !label.is_empty())
            .map(str::to_owned)
    })
}

/// The label of field `code` of entity `entity`: its message, else its
/// descriptor's label, else the code itself.
pub fn label(tr: &Tr, entity: &str, code: &str, descriptor: Option<&Value>) -> String {
    standard_label(tr, entity, code)
        .or_else(|| descriptor_label(descriptor))
        .unwrap_or_else(|| code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;
    use serde_json::json;

    #[test]
    fn ids_follow_the_codes() {
        assert_eq!(message_id("ASSIGNED_BY_ID"), "field-assigned-by-id");
        assert_eq!(message_id("ADDRESS_2"), "field-address-2");
        assert_eq!(message_id("ID"), "field-id");
    }

    /// Every field of the four catalogues has a label in both languages, the
    /// English one being the catalogue's title, so that a new field cannot
    /// come without its labels.
    #[test]
    fn every_catalogue_field_has_labels() {
        let (en, pt) = (Tr::new(Lang::En), Tr::new(Lang::PtBr));
        let mut missing = Vec::new();
        for entity in portico_store::crm::ENTITIES {
            for field in entity.fields {
                let code = field.name;
                match standard_label(&en, entity.code, code) {
                    Some(label) => assert_eq!(label, field.title, "{} {code}", entity.code),
                    None => missing.push(format!("en {} {code}", entity.code)),
                }
                match standard_label(&pt, entity.code, code) {
                    Some(label) => assert!(
                        !label.trim().is_empty() && !label.contains('{'),
                        "pt-BR {} {code}: {label:?}",
                        entity.code
                    ),
                    None => missing.push(format!("pt-BR {} {code}", entity.code)),
                }
            }
        }
        assert!(missing.is_empty(), "fields without a label: {missing:?}");
    }

    #[test]
    fn shared_codes_read_per_entity() {
        let pt = Tr::new(Lang::PtBr);
        let title = |entity| standard_label(&pt, entity, "TITLE");
        assert_eq!(title("LEAD").as_deref(), Some("Nome do lead"));
        assert_eq!(title("DEAL").as_deref(), Some("Nome"));
        assert_eq!(title("COMPANY").as_deref(), Some("Nome da empresa"));
        assert_eq!(
            standard_label(&pt, "DEAL", "ASSIGNED_BY_ID").as_deref(),
            Some("Responsável")
        );
    }

    #[test]
    fn other_fields_keep_their_own_labels() {
        let pt = Tr::new(Lang::PtBr);
        let uf = json!({"title": "UF_CRM_PRIORITY", "formLabel": "", "listLabel": "Prio"});
        assert_eq!(label(&pt, "DEAL", "UF_CRM_PRIORITY", Some(&uf)), "Prio");
        let uf = json!({"title": "UF_CRM_PRIORITY", "formLabel": "Priority"});
        assert_eq!(label(&pt, "DEAL", "UF_CRM_PRIORITY", Some(&uf)), "Priority");
        let unknown = json!({"title": "Something new"});
        assert_eq!(
            label(&pt, "LEAD", "NEW_FIELD", Some(&unknown)),
            "Something new"
        );
        assert_eq!(label(&pt, "LEAD", "NEW_FIELD", None), "NEW_FIELD");
        assert_eq!(label(&pt, "LEAD", "odd code", None), "odd code");
        let standard = json!({"title": "Responsible person"});
        assert_eq!(
            label(&pt, "LEAD", "ASSIGNED_BY_ID", Some(&standard)),
            "Responsável"
        );
    }
}
