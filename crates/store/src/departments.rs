//! The company structure (`department.*`): a tree of departments under one
//! top-level department (id 1, which every employee belongs to unless told
//! otherwise), each with a sort weight and an optional head.

use async_trait::async_trait;

use crate::error::StoreError;

/// Conflict: a second top-level department.
pub const SECOND_ROOT: &str = "departments_root";
/// Conflict: a parent that does not exist, or that would make a cycle.
pub const BAD_PARENT: &str = "departments_parent";

/// A department.
#[derive(Clone, Debug, PartialEq)]
pub struct Department {
    /// Department id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Sort weight among its siblings.
    pub sort: i64,
    /// Parent department; `None` for the top-level one.
    pub parent: Option<i64>,
    /// The head (a user id), if any.
    pub head: Option<i64>,
}

/// What is needed to create a department, or its whole new state.
#[derive(Clone, Debug, PartialEq)]
pub struct DepartmentFields {
    /// Name.
    pub name: String,
    /// Sort weight.
    pub sort: i64,
    /// Parent; `None` only for the top-level department.
    pub parent: Option<i64>,
    /// Head user id.
    pub head: Option<i64>,
}

/// Department storage.
#[async_trait]
pub trait DepartmentStore: Send + Sync {
    /// Every department in tree order: a parent before its children,
    /// siblings by sort weight then id.
    async fn list_departments(&self) -> Result<Vec<Department>, StoreError>;
    /// Creates a department and returns its id: `Conflict(SECOND_ROOT)`
    /// without a parent when the top-level one exists, `Conflict(BAD_PARENT)`
    /// with a parent that does not exist.
    async fn insert_department(&self, fields: DepartmentFields) -> Result<i64, StoreError>;
    /// Replaces a department's fields; `false` when there is none with this
    /// id. A parent that does not exist or lies below it is
    /// `Conflict(BAD_PARENT)`; taking the parent away from a department below
    /// the top is `Conflict(SECOND_ROOT)`.
    async fn update_department(
        &self,
        id: i64,
        fields: DepartmentFields,
    ) -> Result<bool, StoreError>;
    /// Deletes a department with the departments below it; `false` when
    /// there is none with this id.
    async fn delete_department(&self, id: i64) -> Result<bool, StoreError>;
}

/// `departments` in tree order (see [`DepartmentStore::list_departments`]).
pub fn tree_order(mut all: Vec<Department>) -> Vec<Department> {
    all.sort_by_key(|d| (d.sort, d.id));
    let mut ordered = Vec::with_capacity(all.len());
    let mut placed = std::collections::HashSet::new();
    fn visit(
        parent: Option<i64>,
        all: &[Department],
        ordered: &mut Vec<Department>,
        placed: &mut std::collections::HashSet<i64>,
    ) {
        for d in all.iter().filter(|d| d.parent == parent) {
            if placed.insert(d.id) {
                ordered.push(d.clone());
                visit(Some(d.id), all, ordered, placed);
            }
        }
    }
    visit(None, &all, &mut ordered, &mut placed);
    // Departments whose parent is gone (never left by the store) come last.
    for d in &all {
        if !placed.contains(&d.id) {
            ordered.push(d.clone());
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(id: i64, parent: Option<i64>, sort: i64) -> Department {
        Department {
            id,
            name: format!("d{id}"),
            sort,
            parent,
            head: None,
        }
    }

    #[test]
    fn parents_come_before_children_and_siblings_by_sort() {
        let all = vec![
            d(3, Some(1), 100),
            d(1, None, 500),
            d(2, Some(1), 200),
            d(4, Some(3), 1),
        ];
        let ids: Vec<i64> = tree_order(all).iter().map(|d| d.id).collect();
        assert_eq!(ids, [1, 3, 4, 2]);
    }
}
