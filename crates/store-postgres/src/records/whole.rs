//! One record with its multi-fields and user-field values in ONE statement:
//! the row, and each of the two child tables folded into arrays by a lateral
//! subquery. One round trip and one snapshot (a single statement sees one),
//! where reading the three apart needs a read-only transaction and five.

use portico_store::{FieldValue, MultiFieldValue, MultiType, Record};
use tokio_postgres::Row;

use crate::user_field_values::{group_value, uf_value};
use crate::DbResult;

/// The arrays [`select_whole`] adds after the record's columns.
const WHOLE_ARRAYS: &str = "m.ids, m.types, m.value_types, m.vals, \
     u.fields, u.ints, u.reals, u.texts";

/// The lateral subqueries behind [`WHOLE_ARRAYS`]: entries of entity `$2`
/// owned by `r`, in the order the separate reads use.
const WHOLE_JOINS: &str = " LEFT JOIN LATERAL (SELECT array_agg(id ORDER BY id) AS ids, \
     array_agg(type_id ORDER BY id) AS types, array_agg(value_type ORDER BY id) AS value_types, \
     array_agg(value ORDER BY id) AS vals FROM crm_multifields \
     WHERE entity = $2 AND owner_id = r.\"id\") m ON true \
     LEFT JOIN LATERAL (SELECT array_agg(field_id ORDER BY field_id, position) AS fields, \
     array_agg(value_int ORDER BY field_id, position) AS ints, \
     array_agg(value_real ORDER BY field_id, position) AS reals, \
     array_agg(value_text ORDER BY field_id, position) AS texts FROM crm_uf_values \
     WHERE entity = $2 AND owner_id = r.\"id\") u ON true";

/// `SELECT <columns of r>, <arrays> FROM <table> r … WHERE r.id = $1`, with
/// `$2` the entity's code; `columns` are quoted column names.
pub(crate) fn select_whole(table: &str, columns: &[String]) -> String {
    let qualified: Vec<String> = columns.iter().map(|c| format!("r.{c}")).collect();
    format!(
        "SELECT {}, {WHOLE_ARRAYS} FROM {table} r{WHOLE_JOINS} WHERE r.\"id\" = $1",
        qualified.join(", ")
    )
}

/// Fills `record`'s multi-fields and user-field values from the arrays that
/// start at column `at` of a [`select_whole`] row.
pub(crate) fn attach(row: &Row, at: usize, record: &mut Record) -> DbResult<()> {
    let ids: Vec<i64> = row.try_get::<_, Option<_>>(at)?.unwrap_or_default();
    let types: Vec<String> = row.try_get::<_, Option<_>>(at + 1)?.unwrap_or_default();
    let value_types: Vec<String> = row.try_get::<_, Option<_>>(at + 2)?.unwrap_or_default();
    let values: Vec<String> = row.try_get::<_, Option<_>>(at + 3)?.unwrap_or_default();
    for (((id, type_id), value_type), value) in
        ids.into_iter().zip(types).zip(value_types).zip(values)
    {
        let Some(kind) = MultiType::parse(&type_id) else {
            tracing::warn!(type_id, "skipping multi-field entry of unknown type");
            continue;
        };
        record.multi.push(MultiFieldValue {
            id,
            kind,
            value_type,
            value,
        });
    }
    let fields: Vec<i64> = row.try_get::<_, Option<_>>(at + 4)?.unwrap_or_default();
    let ints: Vec<Option<i64>> = row.try_get::<_, Option<_>>(at + 5)?.unwrap_or_default();
    let reals: Vec<Option<f64>> = row.try_get::<_, Option<_>>(at + 6)?.unwrap_or_default();
    let texts: Vec<Option<String>> = row.try_get::<_, Option<_>>(at + 7)?.unwrap_or_default();
    for (((field_id, int), real), text) in fields.into_iter().zip(ints).zip(reals).zip(texts) {
        let value: FieldValue = uf_value(int, real, text);
        group_value(&mut record.uf, field_id, value);
    }
    Ok(())
}
