//! Renders the list builder with SQLite's query builder and checks the SQL shape
//! and that every operand is a placeholder.

use portico_protocol::filter::FilterOp;
use sea_query::{SqliteQueryBuilder, Value, Values};

use super::*;
use crate::crm::LEAD;
use crate::entity::{MultiType, StorageType};
use crate::records::FieldValue;

fn pos(name: &str) -> usize {
    LEAD.index_of(name).expect("lead field")
}

fn query(conditions: Vec<Condition>) -> ListQuery {
    ListQuery {
        conditions,
        order: vec![],
        offset: 0,
        limit: 50,
        count_total: true,
        with_multi: false,
        with_uf: false,
    }
}

fn field(name: &str, op: FilterOp, values: Vec<FieldValue>) -> Condition {
    Condition::Field {
        field: pos(name),
        op,
        values,
    }
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.to_owned())
}

/// The WHERE clause (text after `WHERE`, before `ORDER BY`) and the values.
fn where_of(q: &ListQuery) -> (String, Values) {
    let (sql, values) = build_select(&LEAD, q).build(SqliteQueryBuilder);
    let start = sql.find(" WHERE ").map(|i| i + 7).unwrap_or(sql.len());
    let end = sql.find(" ORDER BY ").unwrap_or(sql.len());
    (sql[start..end].to_owned(), values)
}

fn strings(values: &Values) -> Vec<String> {
    values
        .0
        .iter()
        .map(|v| match v {
            Value::String(Some(s)) => s.to_string(),
            Value::BigInt(Some(i)) => i.to_string(),
            Value::Double(Some(f)) => f.to_string(),
            Value::Int(Some(i)) => i.to_string(),
            Value::BigUnsigned(Some(i)) => i.to_string(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn select_lists_id_then_stored_columns_and_pages() {
    let (sql, values) = build_select(&LEAD, &query(vec![])).build(SqliteQueryBuilder);
    assert!(
        sql.starts_with(r#"SELECT "crm_leads"."id", "crm_leads"."title", "crm_leads"."honorific""#),
        "{sql}"
    );
    assert!(
        !sql.contains(r#"."phone""#),
        "multi-fields have no column: {sql}"
    );
    assert!(!sql.contains("WHERE"), "{sql}");
    assert_eq!(
        sql.matches(r#""crm_leads"."id""#).count(),
        2,
        "id once in the list, once as tie-break: {sql}"
    );
    assert!(
        sql.ends_with(r#"ORDER BY "crm_leads"."id" ASC LIMIT ? OFFSET ?"#),
        "{sql}"
    );
    assert_eq!(strings(&values), vec!["50", "0"]);
    let columns = select_fields(&LEAD).count();
    assert_eq!(
        columns,
        LEAD.fields.iter().filter(|f| f.is_stored()).count() - 1
    );
}

#[test]
fn order_keys_and_tie_breaker() {
    let mut q = query(vec![]);
    q.order = vec![
        (OrderKey::Field(pos("OPPORTUNITY")), Direction::Desc),
        (OrderKey::Field(pos("TITLE")), Direction::Asc),
    ];
    let (sql, _) = build_select(&LEAD, &q).build(SqliteQueryBuilder);
    assert!(
        sql.contains(r#"ORDER BY "crm_leads"."opportunity" DESC NULLS LAST, "crm_leads"."title" ASC NULLS FIRST, "crm_leads"."id" ASC LIMIT"#),
        "{sql}"
    );
    q.order = vec![(OrderKey::Field(pos("ID")), Direction::Desc)];
    let (sql, _) = build_select(&LEAD, &q).build(SqliteQueryBuilder);
    assert!(
        sql.contains(r#"ORDER BY "crm_leads"."id" DESC NULLS LAST LIMIT"#),
        "{sql}"
    );
}

#[test]
fn comparisons_bind_values() {
    let q = query(vec![
        field("STATUS_ID", FilterOp::Eq, vec![text("NEW")]),
        field("OPPORTUNITY", FilterOp::Gte, vec![FieldValue::Float(10.5)]),
        field("ASSIGNED_BY_ID", FilterOp::Lt, vec![FieldValue::Int(7)]),
    ]);
    let (w, values) = where_of(&q);
    assert_eq!(
        w,
        r#""crm_leads"."status_id" = ? AND "crm_leads"."opportunity" >= ? AND "crm_leads"."assigned_by_id" < ?"#
    );
    assert_eq!(strings(&values)[..3], ["NEW", "10.5", "7"]);
}

#[test]
fn null_and_negations() {
    let (w, _) = where_of(&query(vec![field(
        "NAME",
        FilterOp::Eq,
        vec![FieldValue::Null],
    )]));
    assert_eq!(w, r#""crm_leads"."name" IS NULL"#);
    let (w, _) = where_of(&query(vec![field(
        "NAME",
        FilterOp::NotEq,
        vec![FieldValue::Null],
    )]));
    assert_eq!(w, r#""crm_leads"."name" IS NOT NULL"#);
    let (w, _) = where_of(&query(vec![
        field("NAME", FilterOp::NotEq, vec![text("x")]),
        field("TITLE", FilterOp::Eq, vec![text("t")]),
    ]));
    assert_eq!(
        w,
        r#"(LOWER("crm_leads"."name") <> LOWER(?) OR "crm_leads"."name" IS NULL) AND LOWER("crm_leads"."title") = LOWER(?)"#
    );
}

#[test]
fn in_and_between() {
    let (w, values) = where_of(&query(vec![field(
        "STATUS_ID",
        FilterOp::In,
        vec![text("NEW"), text("IN_PROCESS")],
    )]));
    assert_eq!(w, r#""crm_leads"."status_id" IN (?, ?)"#);
    assert_eq!(strings(&values)[..2], ["NEW", "IN_PROCESS"]);
    let (w, _) = where_of(&query(vec![field(
        "STATUS_ID",
        FilterOp::NotIn,
        vec![text("NEW")],
    )]));
    assert_eq!(
        w,
        r#"(NOT "crm_leads"."status_id" IN (?)) OR "crm_leads"."status_id" IS NULL"#
    );
    let (w, _) = where_of(&query(vec![field("STATUS_ID", FilterOp::In, vec![])]));
    assert_eq!(w, "? = ?");
    let (w, _) = where_of(&query(vec![field(
        "OPPORTUNITY",
        FilterOp::Between,
        vec![FieldValue::Int(1), FieldValue::Int(5)],
    )]));
    assert_eq!(w, r#""crm_leads"."opportunity" BETWEEN ? AND ?"#);
    let (w, _) = where_of(&query(vec![field(
        "OPPORTUNITY",
        FilterOp::NotBetween,
        vec![FieldValue::Int(1), FieldValue::Int(5)],
    )]));
    assert_eq!(
        w,
        r#"(NOT ("crm_leads"."opportunity" BETWEEN ? AND ?)) OR "crm_leads"."opportunity" IS NULL"#
    );
    // Wrong operand count: matches nothing.
    let (w, _) = where_of(&query(vec![field(
        "OPPORTUNITY",
        FilterOp::Between,
        vec![FieldValue::Int(1)],
    )]));
    assert_eq!(w, "? = ?");
}

#[test]
fn like_escapes_and_lowers() {
    let (w, values) = where_of(&query(vec![field(
        "TITLE",
        FilterOp::Like,
        vec![text("50%_a\\b")],
    )]));
    assert_eq!(w, r#"LOWER("crm_leads"."title") LIKE LOWER(?) ESCAPE '\'"#);
    assert_eq!(strings(&values)[0], "%50\\%\\_a\\\\b%");
    let (_, values) = where_of(&query(vec![field(
        "TITLE",
        FilterOp::LikeRaw,
        vec![text("ab%")],
    )]));
    assert_eq!(strings(&values)[0], "ab%");
    let (_, values) = where_of(&query(vec![field(
        "TITLE",
        FilterOp::LikeRaw,
        vec![text("ab\\")],
    )]));
    assert_eq!(strings(&values)[0], "ab\\\\");
    let (w, _) = where_of(&query(vec![field(
        "ASSIGNED_BY_ID",
        FilterOp::NotLike,
        vec![text("1")],
    )]));
    assert!(
        w.starts_with(r#"(NOT LOWER(CAST("crm_leads"."assigned_by_id" AS TEXT)) LIKE"#),
        "{w}"
    );
}

#[test]
fn multi_field_conditions_are_sub_queries() {
    let cond = |op, values| Condition::Multi {
        kind: MultiType::Phone,
        op,
        values,
    };
    let (w, values) = where_of(&query(vec![cond(FilterOp::Eq, vec![text("555")])]));
    assert_eq!(
        w,
        r#""crm_leads"."id" IN (SELECT "m"."owner_id" FROM "crm_multifields" AS "m" WHERE "m"."entity" = ? AND "m"."type_id" = ? AND LOWER("m"."value") = LOWER(?))"#
    );
    assert_eq!(strings(&values)[..3], ["LEAD", "PHONE", "555"]);
    let (w, _) = where_of(&query(vec![cond(FilterOp::NotLike, vec![text("5")])]));
    assert!(w.starts_with(r#"NOT "crm_leads"."id" IN (SELECT"#), "{w}");
    assert!(w.contains(r#"LOWER("m"."value") LIKE LOWER(?)"#), "{w}");
    let (w, _) = where_of(&query(vec![cond(FilterOp::Eq, vec![FieldValue::Null])]));
    assert_eq!(
        w,
        r#"NOT "crm_leads"."id" IN (SELECT "m"."owner_id" FROM "crm_multifields" AS "m" WHERE "m"."entity" = ? AND "m"."type_id" = ?)"#
    );
}

#[test]
fn count_uses_the_same_conditions() {
    let q = query(vec![field("TITLE", FilterOp::Eq, vec![text("a")])]);
    let (sql, values) = build_count(&LEAD, &q).build(SqliteQueryBuilder);
    assert_eq!(
        sql,
        r#"SELECT COUNT(*) FROM "crm_leads" WHERE LOWER("crm_leads"."title") = LOWER(?)"#
    );
    assert_eq!(strings(&values), vec!["a"]);
}

#[test]
fn postgres_renders_the_same_statement() {
    let q = query(vec![field("TITLE", FilterOp::Like, vec![text("a")])]);
    let (sql, _) = build_select(&LEAD, &q).build(sea_query::PostgresQueryBuilder);
    assert!(
        sql.contains(r#"LOWER("crm_leads"."title") LIKE LOWER($1) ESCAPE E'\\'"#),
        "{sql}"
    );
}

#[test]
fn validate_refuses_what_the_catalogue_does_not_have() {
    assert!(validate(
        &LEAD,
        &query(vec![field("TITLE", FilterOp::Eq, vec![text("a")])])
    )
    .is_ok());
    let phone = pos("PHONE");
    let bad = query(vec![Condition::Field {
        field: phone,
        op: FilterOp::Eq,
        values: vec![text("1")],
    }]);
    assert!(validate(&LEAD, &bad).is_err());
    let bad = query(vec![Condition::Field {
        field: 999,
        op: FilterOp::Eq,
        values: vec![text("1")],
    }]);
    assert!(validate(&LEAD, &bad).is_err());
    assert!(validate(
        &LEAD,
        &query(vec![field("TITLE", FilterOp::Between, vec![text("a")])])
    )
    .is_err());
    let mut q = query(vec![]);
    q.order = vec![(OrderKey::Field(phone), Direction::Asc)];
    assert!(validate(&LEAD, &q).is_err());
    q.order = vec![(
        OrderKey::UserField {
            field_id: 1,
            storage: StorageType::None,
        },
        Direction::Asc,
    )];
    assert!(validate(&LEAD, &q).is_err());
    let bad = query(vec![Condition::UserField {
        field_id: 1,
        storage: StorageType::Integer,
        op: FilterOp::Between,
        values: vec![FieldValue::Int(1)],
    }]);
    assert!(validate(&LEAD, &bad).is_err());
}

#[test]
fn user_field_conditions_are_correlated_sub_queries_on_the_typed_column() {
    let q = query(vec![
        Condition::UserField {
            field_id: 7,
            storage: StorageType::Integer,
            op: FilterOp::Gt,
            values: vec![FieldValue::Int(5)],
        },
        Condition::UserField {
            field_id: 8,
            storage: StorageType::Text,
            op: FilterOp::NotLike,
            values: vec![text("x")],
        },
        Condition::UserField {
            field_id: 9,
            storage: StorageType::Real,
            op: FilterOp::Eq,
            values: vec![FieldValue::Null],
        },
    ]);
    assert!(validate(&LEAD, &q).is_ok());
    let (w, values) = where_of(&q);
    assert_eq!(
        w,
        r#"EXISTS(SELECT "u"."owner_id" FROM "crm_uf_values" AS "u" WHERE "u"."entity" = ? AND "u"."field_id" = ? AND "u"."owner_id" = "crm_leads"."id" AND "u"."value_int" > ?) AND (NOT EXISTS(SELECT "u"."owner_id" FROM "crm_uf_values" AS "u" WHERE "u"."entity" = ? AND "u"."field_id" = ? AND "u"."owner_id" = "crm_leads"."id" AND LOWER("u"."value_text") LIKE LOWER(?) ESCAPE '\')) AND (NOT EXISTS(SELECT "u"."owner_id" FROM "crm_uf_values" AS "u" WHERE "u"."entity" = ? AND "u"."field_id" = ? AND "u"."owner_id" = "crm_leads"."id"))"#
    );
    assert_eq!(
        strings(&values)[..8],
        ["LEAD", "7", "5", "LEAD", "8", "%x%", "LEAD", "9"]
    );
}

#[test]
fn user_field_order_is_a_correlated_first_value() {
    let mut q = query(vec![]);
    q.order = vec![(
        OrderKey::UserField {
            field_id: 4,
            storage: StorageType::Real,
        },
        Direction::Desc,
    )];
    let (sql, values) = build_select(&LEAD, &q).build(SqliteQueryBuilder);
    assert!(
        sql.contains(r#"ORDER BY (SELECT "u"."value_real" FROM "crm_uf_values" AS "u" WHERE "u"."entity" = ? AND "u"."field_id" = ? AND "u"."owner_id" = "crm_leads"."id" ORDER BY "u"."position" ASC LIMIT ?) DESC NULLS LAST, "crm_leads"."id" DESC LIMIT"#),
        "{sql}"
    );
    assert_eq!(strings(&values)[..3], ["LEAD", "4", "1"]);
}

#[test]
fn groups_or_their_conditions_and_empty_ones_match_nothing() {
    let group = Condition::Any(vec![
        field("NAME", FilterOp::Like, vec![text("an")]),
        field("LAST_NAME", FilterOp::Eq, vec![text("x")]),
    ]);
    let (w, values) = where_of(&query(vec![
        group.clone(),
        field("TITLE", FilterOp::Eq, vec![text("t")]),
    ]));
    assert_eq!(
        w,
        r#"(LOWER("crm_leads"."name") LIKE LOWER(?) ESCAPE '\' OR LOWER("crm_leads"."last_name") = LOWER(?)) AND LOWER("crm_leads"."title") = LOWER(?)"#
    );
    assert_eq!(strings(&values)[..3], ["%an%", "x", "t"]);
    let (w, _) = where_of(&query(vec![Condition::Any(vec![])]));
    assert_eq!(w, "? = ?");
    assert!(validate(&LEAD, &query(vec![group])).is_ok());
    let bad = Condition::Any(vec![field("TITLE", FilterOp::Between, vec![text("a")])]);
    assert!(validate(&LEAD, &query(vec![bad])).is_err());
}

#[test]
fn text_equality_folds_case_and_codes_ids_numbers_compare_exactly() {
    let (w, values) = where_of(&query(vec![
        field("TITLE", FilterOp::In, vec![text("Alpha"), text("Ёж")]),
        field("TITLE", FilterOp::NotIn, vec![text("b")]),
        field("STATUS_ID", FilterOp::Eq, vec![text("NEW")]),
        field("STATUS_ID", FilterOp::In, vec![text("NEW"), text("JUNK")]),
        field("ID", FilterOp::Eq, vec![FieldValue::Int(7)]),
        field("OPPORTUNITY", FilterOp::NotEq, vec![FieldValue::Float(1.5)]),
        field("TITLE", FilterOp::Gt, vec![text("m")]),
    ]));
    assert_eq!(
        w,
        r#"LOWER("crm_leads"."title") IN (LOWER(?), LOWER(?)) AND ((NOT LOWER("crm_leads"."title") IN (LOWER(?))) OR "crm_leads"."title" IS NULL) AND "crm_leads"."status_id" = ? AND "crm_leads"."status_id" IN (?, ?) AND "crm_leads"."id" = ? AND ("crm_leads"."opportunity" <> ? OR "crm_leads"."opportunity" IS NULL) AND "crm_leads"."title" > ?"#
    );
    assert_eq!(
        strings(&values)[..9],
        ["Alpha", "Ёж", "b", "NEW", "NEW", "JUNK", "7", "1.5", "m"]
    );
}

#[test]
fn nested_groups_render_as_nested_parentheses() {
    let (w, _) = where_of(&query(vec![
        field("STATUS_ID", FilterOp::Eq, vec![text("NEW")]),
        Condition::Any(vec![
            field("OPPORTUNITY", FilterOp::Gt, vec![FieldValue::Int(5)]),
            Condition::All(vec![
                field("ID", FilterOp::Lt, vec![FieldValue::Int(3)]),
                Condition::Any(vec![
                    field("NAME", FilterOp::Like, vec![text("a")]),
                    field("LAST_NAME", FilterOp::Like, vec![text("a")]),
                ]),
            ]),
        ]),
    ]));
    assert_eq!(
        w,
        r#""crm_leads"."status_id" = ? AND ("crm_leads"."opportunity" > ? OR ("crm_leads"."id" < ? AND (LOWER("crm_leads"."name") LIKE LOWER(?) ESCAPE '\' OR LOWER("crm_leads"."last_name") LIKE LOWER(?) ESCAPE '\')))"#
    );
}
