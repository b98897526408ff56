//! The kinds of records a sandbox is seeded with, in the order they are made,
//! and the REST methods that make and describe each of them.

use std::fmt;

/// A kind of seeded record. The order of [`Kind::ALL`] is the order of
/// seeding: a record may only point at records of kinds made before it (or
/// earlier records of its own kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `department.add`.
    Departments,
    /// `user.add`.
    Users,
    /// `crm.company.add`.
    Companies,
    /// `crm.contact.add`.
    Contacts,
    /// `crm.lead.add`.
    Leads,
    /// `crm.deal.add`.
    Deals,
    /// `tasks.task.add`.
    Tasks,
}

impl Kind {
    /// Every kind, in seeding order.
    pub const ALL: [Kind; 7] = [
        Kind::Departments,
        Kind::Users,
        Kind::Companies,
        Kind::Contacts,
        Kind::Leads,
        Kind::Deals,
        Kind::Tasks,
    ];

    /// The plural name used in `--seed-size`, fixtures and summaries.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Departments => "departments",
            Kind::Users => "users",
            Kind::Companies => "companies",
            Kind::Contacts => "contacts",
            Kind::Leads => "leads",
            Kind::Deals => "deals",
            Kind::Tasks => "tasks",
        }
    }

    /// One record of the kind, for messages ("a company").
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Departments => "department",
            Kind::Users => "user",
            Kind::Companies => "company",
            Kind::Contacts => "contact",
            Kind::Leads => "lead",
            Kind::Deals => "deal",
            Kind::Tasks => "task",
        }
    }

    /// The kind named `name` (plural, as in [`Kind::name`]).
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The method that makes one record.
    pub fn add_method(self) -> &'static str {
        match self {
            Kind::Departments => "department.add",
            Kind::Users => "user.add",
            Kind::Companies => "crm.company.add",
            Kind::Contacts => "crm.contact.add",
            Kind::Leads => "crm.lead.add",
            Kind::Deals => "crm.deal.add",
            Kind::Tasks => "tasks.task.add",
        }
    }

    /// The method that describes the record's fields.
    pub fn fields_method(self) -> &'static str {
        match self {
            Kind::Departments => "department.fields",
            Kind::Users => "user.fields",
            Kind::Companies => "crm.company.fields",
            Kind::Contacts => "crm.contact.fields",
            Kind::Leads => "crm.lead.fields",
            Kind::Deals => "crm.deal.fields",
            Kind::Tasks => "tasks.task.getFields",
        }
    }

    /// Whether the add method takes the record under `fields` (CRM and
    /// tasks) rather than at the top level (`user.add`, `department.add`).
    pub fn takes_fields_object(self) -> bool {
        !matches!(self, Kind::Departments | Kind::Users)
    }

    /// The prefix of a CRM binding (`UF_CRM_TASK` values like `D_12`), for
    /// the CRM kinds.
    pub fn crm_prefix(self) -> Option<&'static str> {
        match self {
            Kind::Companies => Some("CO"),
            Kind::Contacts => Some("C"),
            Kind::Leads => Some("L"),
            Kind::Deals => Some("D"),
            _ => None,
        }
    }

    /// The kind a field of a seeded record points at, for the fields that
    /// hold ids of one kind: `ASSIGNED_BY_ID` holds users, `COMPANY_ID`
    /// companies, and so on. `UF_CRM_TASK` points at any CRM kind (see
    /// [`Kind::crm_prefix`]) and is not listed here.
    pub fn of_link_field(field: &str) -> Option<Kind> {
        match field {
            "ASSIGNED_BY_ID" | "RESPONSIBLE_ID" | "CREATED_BY" | "ACCOMPLICES" | "AUDITORS"
            | "UF_HEAD" => Some(Kind::Users),
            "PARENT" | "UF_DEPARTMENT" => Some(Kind::Departments),
            "COMPANY_ID" | "COMPANY_IDS" => Some(Kind::Companies),
            "CONTACT_ID" | "CONTACT_IDS" => Some(Kind::Contacts),
            "LEAD_ID" => Some(Kind::Leads),
            "PARENT_ID" => Some(Kind::Tasks),
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How many records of each kind were made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    counts: Vec<(Kind, usize)>,
}

impl Seeded {
    /// Notes `count` records of `kind`.
    pub fn add(&mut self, kind: Kind, count: usize) {
        match self.counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += count,
            None => {
                self.counts.push((kind, count));
                self.counts.sort();
            }
        }
    }

    /// How many records of `kind` were made.
    pub fn count(&self, kind: Kind) -> usize {
        self.counts
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }

    /// `10 users, 1 company, …` (the kinds with records), or `nothing`.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = Kind::ALL
            .into_iter()
            .filter(|k| self.count(*k) > 0)
            .map(|k| match self.count(k) {
                1 => format!("1 {}", k.singular()),
                n => format!("{n} {}", k.name()),
            })
            .collect();
        if parts.is_empty() {
            "nothing".to_owned()
        } else {
            parts.join(", ")
        }
    }

    /// `{"departments": 4, "users": 10, …}`, every kind.
    pub fn to_json(&self) -> serde_json::Value {
        let map: serde_json::Map<String, serde_json::Value> = Kind::ALL
            .into_iter()
            .map(|k| (k.name().to_owned(), self.count(k).into()))
            .collect();
        serde_json::Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_names_the_kinds_with_records_in_seeding_order() {
        let mut seeded = Seeded::default();
        seeded.add(Kind::Leads, 100);
        seeded.add(Kind::Users, 10);
        seeded.add(Kind::Tasks, 0);
        seeded.add(Kind::Companies, 1);
        assert_eq!(seeded.summary(), "10 users, 1 company, 100 leads");
        assert_eq!(seeded.to_json()["deals"], 0);
        assert_eq!(Seeded::default().summary(), "nothing");
    }
}
