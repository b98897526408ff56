//! The sort weight and head of a department on `/users/departments`: the
//! form of one row (a number and a user chooser, "no head" first) and the
//! reading of a submitted one into `department.update`'s `SORT` and `UF_HEAD`.

use maud::{html, Markup};
use portico_store::User;

use super::departments::Department;
use super::parse_sort;
use crate::ui::page;
use crate::ui::session::{FormData, Signed};

/// The sort and head form of department `d`; `users` are the head's choices.
pub(super) fn form(signed: &Signed, d: &Department, users: &[User]) -> Markup {
    let tr = &signed.tr;
    html! {
        form.inline.settings method="post" action={ "/users/departments/" (d.id) "/update" } {
            input type="hidden" name="csrf" value=(signed.csrf);
            input type="number" name="sort" value=(d.sort) step="1"
                aria-label=(tr.t_with("departments-sort-of", &[("name", &d.name)]));
            select name="head" aria-label=(tr.t_with("departments-head-of", &[("name", &d.name)])) {
                option value="0" selected[d.head.is_none()] { (tr.t("departments-no-head")) }
                @for user in users.iter().filter(|u| u.active || d.head == Some(u.id)) {
                    option value=(user.id) selected[d.head == Some(user.id)] { (page::display_name(user)) }
                }
            }
            button type="submit" { (tr.t("departments-save-settings")) }
        }
    }
}

/// `(SORT, UF_HEAD)` of a submitted form (no sort when empty, head 0: none);
/// `None` when the sort is not an integer or the head not a user id.
pub(super) fn fields(form: &FormData) -> Option<(Option<i64>, i64)> {
    let sort = parse_sort(&form.text("sort")).ok()?;
    let head = form.text("head");
    let head = if head.is_empty() {
        0
    } else {
        crate::ui::parse_number(&head)?
    };
    Some((sort, head))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn settings_are_read_strictly() {
        assert_eq!(
            fields(&form(&[("sort", "30"), ("head", "2")])),
            Some((Some(30), 2))
        );
        assert_eq!(
            fields(&form(&[("sort", "-5"), ("head", "0")])),
            Some((Some(-5), 0))
        );
        assert_eq!(
            fields(&form(&[("sort", ""), ("head", "")])),
            Some((None, 0))
        );
        assert_eq!(fields(&form(&[("sort", "x"), ("head", "2")])), None);
        assert_eq!(fields(&form(&[("sort", "1"), ("head", "-2")])), None);
    }
}
