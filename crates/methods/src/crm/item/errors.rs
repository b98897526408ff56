//! The universal API's coded errors, from the legacy ones of the shared write
//! and read path ([`crate::crm::entity`], [`crate::crm::write`], directories,
//! links, rights), in one place:
//!
//! | legacy (`error: ""`) | `crm.item.*` |
//! |---|---|
//! | `Not found`, `Company is not found` | 400 `NOT_FOUND` `Element not found` |
//! | `Field 'X' … is required.`, `The required field X is missing.` | 400 `CRM_FIELD_ERROR_REQUIRED` `The field "x" is required.` |
//! | `Field 'X' must be …` / `has an unknown value …` | 400 `CRM_FIELD_ERROR_VALUE_NOT_VALID` `Invalid value for field "x"` |
//! | `Contact with ID 5 is not found.` | the same, for the link list to contacts (`contactIds`) |
//! | `Invalid VALUE_TYPE …`, `ERROR_CORE` invalid e-mail | the same, for `fm` |
//! | `Access denied.` | 400 `ACCESS_DENIED` `Access denied.` |
//! | any other legacy text | 400 `INVALID_ARG_VALUE`, the same text |
//!
//! Field names in the texts are the ones of the request's [`Schema`]
//! (`stageId`, `fm`, `ufCrm_…`).

use portico_protocol::{ApiError, ErrorCode};

use super::names::Schema;
use crate::crm::{rights, user_fields};

/// `NOT_FOUND` `Element not found`.
pub fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "Element not found")
}

/// `CRM_FIELD_ERROR_VALUE_NOT_VALID` for a universal field name.
pub fn not_valid(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::CrmFieldValueNotValid,
        format!("Invalid value for field \"{name}\""),
    )
}

/// `CRM_FIELD_ERROR_REQUIRED` for a field name.
pub fn required(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::CrmFieldRequired,
        format!("The field \"{name}\" is required."),
    )
}

/// An error parsing the value of user field `idx` of the schema: its
/// requirement, or an invalid value (also a missing user or CRM record).
pub fn user_field(s: &Schema, idx: usize, e: ApiError) -> ApiError {
    if rights::is_denied(&e) {
        return map(s, e);
    }
    let name = &s.uf_names[idx];
    if e.description.starts_with("The required field ") {
        required(name)
    } else {
        not_valid(name)
    }
}

/// `INVALID_ARG_VALUE` for a missing required parameter.
pub fn missing(param: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidArgValue,
        format!("Could not find value for parameter {{{param}}}"),
    )
}

/// The first `'QUOTED'` word of a text.
fn quoted(text: &str) -> Option<&str> {
    let start = text.find('\'')? + 1;
    let len = text[start..].find('\'')?;
    Some(&text[start..start + len])
}

/// A legacy error of the shared path as `crm.item.*` answers it (see the
/// module table); coded errors pass unchanged.
pub fn map(s: &Schema, e: ApiError) -> ApiError {
    match e.code {
        ErrorCode::Legacy => {}
        ErrorCode::ErrorCore if e.description.contains("contains an invalid address") => {
            return not_valid("fm");
        }
        _ => return e,
    }
    if rights::is_denied(&e) {
        return ApiError::new(ErrorCode::AccessDenied, rights::ACCESS_DENIED).with_status(400);
    }
    let text = e.description.as_ref();
    if text == "Not found" || text.ends_with(" is not found") || text == "Element not found" {
        return not_found();
    }
    if text.starts_with("Field '") {
        // The quoted names are every other part between quotes:
        // `Field 'NAME' or 'LAST_NAME' is required.`
        let names: Vec<&str> = text.split('\'').skip(1).step_by(2).collect();
        let first = quoted(text).unwrap_or_default();
        if text.ends_with(" is required.") {
            let listed: Vec<String> = names
                .iter()
                .map(|n| format!("\"{}\"", s.universal(n)))
                .collect();
            return ApiError::new(
                ErrorCode::CrmFieldRequired,
                format!("The field {} is required.", listed.join(" or ")),
            );
        }
        return not_valid(s.universal(first));
    }
    if let Some((title, _)) = text.split_once(" with ID ") {
        if text.ends_with(" is not found.") {
            let code = title.to_ascii_uppercase();
            let link =
                s.t.def
                    .links_field(&code)
                    .and_then(|i| s.t.name(i))
                    .unwrap_or("id");
            return not_valid(link);
        }
    }
    if let Some(label) = text
        .strip_prefix("The required field ")
        .and_then(|t| t.strip_suffix(" is missing."))
    {
        // A mandatory user field, named by its label or its code.
        let name = s
            .defs
            .iter()
            .position(|d| d.field_name == label || user_fields::display_name(d) == label)
            .map_or(label, |i| s.uf_names[i].as_str());
        return required(name);
    }
    if text.starts_with("Invalid VALUE_TYPE") {
        return not_valid("fm");
    }
    ApiError::new(ErrorCode::InvalidArgValue, e.description)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::item::names::{ItemType, COMPANY_ITEM, CONTACT_ITEM, DEAL_ITEM, LEAD_ITEM};

    fn mapped(t: &'static ItemType, legacy: &str) -> (ErrorCode, String, u16) {
        let e = map(
            &Schema::new(t, Vec::new(), false),
            ApiError::legacy(legacy.to_string()),
        );
        (e.code, e.description.into_owned(), e.status)
    }

    #[test]
    fn legacy_texts_become_coded_errors() {
        use ErrorCode::*;
        assert_eq!(
            mapped(&LEAD_ITEM, "Not found"),
            (NotFound, "Element not found".into(), 400)
        );
        assert_eq!(
            mapped(&COMPANY_ITEM, "Company is not found"),
            (NotFound, "Element not found".into(), 400)
        );
        assert_eq!(
            mapped(&LEAD_ITEM, "Field 'OPPORTUNITY' must be a number."),
            (
                CrmFieldValueNotValid,
                "Invalid value for field \"opportunity\"".into(),
                400
            )
        );
        assert_eq!(
            mapped(
                &LEAD_ITEM,
                "Field 'STATUS_ID' has an unknown value 'X': it is not in the directory STATUS."
            ),
            (
                CrmFieldValueNotValid,
                "Invalid value for field \"stageId\"".into(),
                400
            )
        );
        assert_eq!(
            mapped(&DEAL_ITEM, "Field 'CONTACT_IDS' must be a list of IDs."),
            (
                CrmFieldValueNotValid,
                "Invalid value for field \"contactIds\"".into(),
                400
            )
        );
        assert_eq!(
            mapped(&DEAL_ITEM, "Contact with ID 5 is not found."),
            (
                CrmFieldValueNotValid,
                "Invalid value for field \"contactIds\"".into(),
                400
            )
        );
        assert_eq!(
            mapped(&CONTACT_ITEM, "Company with ID 9 is not found."),
            (
                CrmFieldValueNotValid,
                "Invalid value for field \"companyIds\"".into(),
                400
            )
        );
        assert_eq!(
            mapped(&LEAD_ITEM, "Field 'PHONE' must be a list of items."),
            (
                CrmFieldValueNotValid,
                "Invalid value for field \"fm\"".into(),
                400
            )
        );
        assert_eq!(
            mapped(
                &LEAD_ITEM,
                "Invalid VALUE_TYPE 'X' for PHONE; allowed: WORK."
            ),
            (
                CrmFieldValueNotValid,
                "Invalid value for field \"fm\"".into(),
                400
            )
        );
        assert_eq!(
            mapped(&CONTACT_ITEM, "Field 'NAME' or 'LAST_NAME' is required."),
            (
                CrmFieldRequired,
                "The field \"name\" or \"lastName\" is required.".into(),
                400
            )
        );
        assert_eq!(
            mapped(&COMPANY_ITEM, "Field 'TITLE' is required."),
            (
                CrmFieldRequired,
                "The field \"title\" is required.".into(),
                400
            )
        );
        assert_eq!(
            mapped(&DEAL_ITEM, "Access denied."),
            (AccessDenied, "Access denied.".into(), 400)
        );
        assert_eq!(
            mapped(&DEAL_ITEM, "Parameter 'filter' must be array."),
            (
                InvalidArgValue,
                "Parameter 'filter' must be array.".into(),
                400
            )
        );
        let core = ApiError::new(
            ErrorCode::ErrorCore,
            "The field `E-mail` contains an invalid address",
        );
        let lead = Schema::new(&LEAD_ITEM, Vec::new(), false);
        assert_eq!(
            map(&lead, core).description,
            "Invalid value for field \"fm\""
        );
        let coded = ApiError::new(ErrorCode::InvalidArgValue, "x");
        assert_eq!(map(&lead, coded.clone()), coded);
        assert_eq!(
            mapped(&LEAD_ITEM, "The required field UF_CRM_X is missing."),
            (
                CrmFieldRequired,
                "The field \"UF_CRM_X\" is required.".into(),
                400
            )
        );
    }
}
