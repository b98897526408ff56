//! The `USER` catalogue: every standard field `user.fields` lists, as
//! `user.get` / `user.current` answer them (table `users`).
//!
//! `IS_ONLINE` has no column: it is derived from `LAST_ACTIVITY_DATE` (see
//! [`ONLINE_SECONDS`]). Fields Portico has no data for yet (photos, logos, time
//! tracking) are read-only: listed and answered empty.

use crate::entity::{EntityDef, FieldDef as F, FieldKind as K};

/// Position of `ID` in [`USER`].
pub const USER_ID: usize = 0;

/// How long after their last activity a user counts as online (`IS_ONLINE`
/// `Y`): Bitrix24's default, the PHP session lifetime of 1,440 seconds.
pub const ONLINE_SECONDS: i64 = 1_440;

/// The user record type as `user.get` / `user.fields` expose it (table `users`).
/// The login, password hash and admin flag are columns of the same table but not
/// wire fields.
pub static USER: EntityDef = EntityDef {
    code: "USER",
    table: "users",
    fields: &[
        F::new("ID", "id", K::Integer, "ID").read_only(),
        F::new("XML_ID", "xml_id", K::String, "External ID"),
        F::new("ACTIVE", "active", K::Boolean, "Active"),
        F::new("NAME", "name", K::String, "First name"),
        F::new("LAST_NAME", "last_name", K::String, "Last name"),
        F::new("SECOND_NAME", "second_name", K::String, "Second name"),
        F::new("TITLE", "title", K::String, "Title"),
        F::new("EMAIL", "email", K::String, "E-mail"),
        F::new("LAST_LOGIN", "last_login", K::DateTime, "Last login").read_only(),
        F::new(
            "DATE_REGISTER",
            "date_register",
            K::DateTime,
            "Registration date",
        )
        .read_only(),
        F::new("TIME_ZONE", "time_zone", K::String, "Time zone"),
        F::new("IS_ONLINE", "", K::Char, "Online").read_only(),
        F::new("TIMESTAMP_X", "timestamp_x", K::DateTime, "Modified on").read_only(),
        F::new(
            "LAST_ACTIVITY_DATE",
            "last_activity_date",
            K::DateTime,
            "Last activity",
        )
        .read_only(),
        F::new("PERSONAL_GENDER", "personal_gender", K::String, "Gender"),
        F::new(
            "PERSONAL_PROFESSION",
            "personal_profession",
            K::String,
            "Profession",
        ),
        F::new("PERSONAL_WWW", "personal_www", K::String, "Home page"),
        F::new(
            "PERSONAL_BIRTHDAY",
            "personal_birthday",
            K::Date,
            "Date of birth",
        ),
        F::new("PERSONAL_PHOTO", "personal_photo", K::File, "Photo").read_only(),
        F::new("PERSONAL_ICQ", "personal_icq", K::String, "ICQ"),
        F::new("PERSONAL_PHONE", "personal_phone", K::String, "Phone"),
        F::new("PERSONAL_FAX", "personal_fax", K::String, "Fax"),
        F::new("PERSONAL_MOBILE", "personal_mobile", K::String, "Mobile"),
        F::new("PERSONAL_PAGER", "personal_pager", K::String, "Pager"),
        F::new("PERSONAL_STREET", "personal_street", K::String, "Street"),
        F::new("PERSONAL_CITY", "personal_city", K::String, "City"),
        F::new(
            "PERSONAL_STATE",
            "personal_state",
            K::String,
            "State / region",
        ),
        F::new("PERSONAL_ZIP", "personal_zip", K::String, "Zip code"),
        F::new("PERSONAL_COUNTRY", "personal_country", K::String, "Country"),
        F::new(
            "PERSONAL_MAILBOX",
            "personal_mailbox",
            K::String,
            "P.O. box",
        ),
        F::new("PERSONAL_NOTES", "personal_notes", K::String, "Notes"),
        F::new("WORK_PHONE", "work_phone", K::String, "Work phone"),
        F::new("WORK_COMPANY", "work_company", K::String, "Company"),
        F::new("WORK_POSITION", "work_position", K::String, "Position"),
        F::new(
            "WORK_DEPARTMENT",
            "work_department",
            K::String,
            "Department",
        ),
        F::new("WORK_WWW", "work_www", K::String, "Company website"),
        F::new("WORK_FAX", "work_fax", K::String, "Work fax"),
        F::new("WORK_PAGER", "work_pager", K::String, "Work pager"),
        F::new("WORK_STREET", "work_street", K::String, "Work street"),
        F::new("WORK_MAILBOX", "work_mailbox", K::String, "Work P.O. box"),
        F::new("WORK_CITY", "work_city", K::String, "Work city"),
        F::new("WORK_STATE", "work_state", K::String, "Work state / region"),
        F::new("WORK_ZIP", "work_zip", K::String, "Work zip code"),
        F::new("WORK_COUNTRY", "work_country", K::String, "Work country"),
        F::new("WORK_PROFILE", "work_profile", K::String, "Company profile"),
        F::new("WORK_LOGO", "work_logo", K::File, "Company logo").read_only(),
        F::new("WORK_NOTES", "work_notes", K::String, "Work notes"),
        F::new(
            "UF_SKYPE_LINK",
            "uf_skype_link",
            K::String,
            "Skype chat link",
        ),
        F::new("UF_ZOOM", "uf_zoom", K::String, "Zoom"),
        F::new(
            "UF_EMPLOYMENT_DATE",
            "uf_employment_date",
            K::Date,
            "Employment date",
        ),
        F::new("UF_TIMEMAN", "uf_timeman", K::String, "Time tracking").read_only(),
        F::new(
            "UF_DEPARTMENT",
            "uf_department",
            K::DepartmentIds,
            "Departments",
        )
        .multiple(),
        F::new("UF_INTERESTS", "uf_interests", K::String, "Interests"),
        F::new("UF_SKILLS", "uf_skills", K::String, "Skills"),
        F::new("UF_WEB_SITES", "uf_web_sites", K::String, "Other websites"),
        F::new("UF_XING", "uf_xing", K::String, "Xing"),
        F::new("UF_LINKEDIN", "uf_linkedin", K::String, "LinkedIn"),
        F::new("UF_TWITTER", "uf_twitter", K::String, "Twitter"),
        F::new("UF_SKYPE", "uf_skype", K::String, "Skype"),
        F::new("UF_DISTRICT", "uf_district", K::String, "District"),
        F::new("UF_PHONE_INNER", "uf_phone_inner", K::String, "Extension"),
        F::new("USER_TYPE", "user_type", K::String, "User type").read_only(),
    ],
};

/// The ids of a [`K::DepartmentIds`] value as stored (`,1,3,`), in order.
pub fn department_ids(stored: &str) -> Vec<i64> {
    stored
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// The stored form of a list of department ids (`,1,3,`); `None` for none.
pub fn department_text(ids: &[i64]) -> Option<String> {
    (!ids.is_empty()).then(|| {
        let joined: Vec<String> = ids.iter().map(i64::to_string).collect();
        format!(",{},", joined.join(","))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn department_lists_round_trip() {
        assert_eq!(department_text(&[1, 30]).as_deref(), Some(",1,30,"));
        assert_eq!(department_ids(",1,30,"), vec![1, 30]);
        assert_eq!(department_text(&[]), None);
        assert_eq!(department_ids(""), Vec::<i64>::new());
    }

    #[test]
    fn names_are_unique_and_id_comes_first() {
        let mut names: Vec<&str> = USER.fields.iter().map(|f| f.name).collect();
        assert_eq!(names[USER_ID], "ID");
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), USER.fields.len());
    }
}
