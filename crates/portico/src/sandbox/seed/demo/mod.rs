//! `--seed demo`: a portal that looks lived in — departments, employees,
//! companies with their contacts, leads, deals and tasks, linked to each
//! other — made from fixed word lists and a seeded random source, so two
//! sandboxes seeded with the same sizes hold the same records with the same
//! ids. Only the dates Portico stamps itself (creation, modification) differ.

mod dice;
mod names;
mod records;

use anyhow::bail;

use super::kinds::{Kind, Seeded};
use super::ordered::{Failure, Refusal};
use super::seeder::{Seeder, IN_FLIGHT};
use records::{DealLinks, TaskLinks};

/// Most records of one kind `--seed-size` accepts.
pub const MAX_SIZE: usize = 10_000_000;

/// How many records of each kind `--seed demo` makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSizes {
    counts: [usize; 7],
}

impl Default for DemoSizes {
    /// Small enough to start in about a second: 4 departments, 10 users,
    /// 20 companies, 50 contacts, 100 leads, 50 deals, 50 tasks.
    fn default() -> Self {
        DemoSizes {
            counts: [4, 10, 20, 50, 100, 50, 50],
        }
    }
}

impl DemoSizes {
    /// The default sizes changed by `text`, as `leads=100000,deals=500`.
    pub fn parse(text: &str) -> anyhow::Result<DemoSizes> {
        let mut sizes = DemoSizes::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((name, value)) = part.split_once('=') else {
                bail!("--seed-size takes KIND=N pairs separated by commas, like leads=1000,deals=50; got '{part}'");
            };
            let Some(kind) = Kind::from_name(name.trim()) else {
                let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                bail!(
                    "--seed-size: unknown kind '{}'; the kinds are {}",
                    name.trim(),
                    kinds.join(", ")
                );
            };
            match value.trim().parse::<usize>() {
                Ok(n) if n <= MAX_SIZE => sizes.counts[kind as usize] = n,
                _ => bail!(
                    "--seed-size: {kind} must be a number from 0 to {MAX_SIZE}, not '{value}'"
                ),
            }
        }
        Ok(sizes)
    }

    /// How many records of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        self.counts[kind as usize]
    }
}

/// The error of a demo record that was not made (a bug: demo records are
/// valid by construction).
fn failed(kind: Kind, failure: Failure) -> anyhow::Error {
    let why = match failure.refusal {
        Refusal::Method(e) => format!("{} refused it: {e}", kind.add_method()),
        Refusal::Input(message) => message,
    };
    anyhow::anyhow!("demo {kind}[{}]: {why}", failure.index)
}

/// Makes the demo records, kind after kind.
pub async fn seed(seeder: &Seeder<'_>, sizes: &DemoSizes) -> anyhow::Result<Seeded> {
    let mut seeded = Seeded::default();
    let count = |kind| sizes.count(kind);
    // Sub-departments point at departments made just before: one at a time.
    let departments = seeder
        .add_in_order(Kind::Departments, count(Kind::Departments), 1, |i, made| {
            Ok(records::department(i, made))
        })
        .await
        .map_err(|f| failed(Kind::Departments, f))?;
    seeded.add(Kind::Departments, departments.len());

    let users = seeder
        .add_in_order(Kind::Users, count(Kind::Users), IN_FLIGHT, |i, _| {
            Ok(records::user(i, &departments))
        })
        .await
        .map_err(|f| failed(Kind::Users, f))?;
    seeded.add(Kind::Users, users.len());

    let companies = seeder
        .add_in_order(
            Kind::Companies,
            count(Kind::Companies),
            IN_FLIGHT,
            |i, _| Ok(records::company(i, &users)),
        )
        .await
        .map_err(|f| failed(Kind::Companies, f))?;
    seeded.add(Kind::Companies, companies.len());

    let mut contacts_of: Vec<Vec<usize>> = vec![Vec::new(); companies.len()];
    let contacts = seeder
        .add_in_order(Kind::Contacts, count(Kind::Contacts), IN_FLIGHT, |i, _| {
            let (record, employer) = records::contact(i, &users, &companies);
            if let Some(c) = employer {
                contacts_of[c].push(i);
            }
            Ok(record)
        })
        .await
        .map_err(|f| failed(Kind::Contacts, f))?;
    seeded.add(Kind::Contacts, contacts.len());

    let leads = seeder
        .add_in_order(Kind::Leads, count(Kind::Leads), IN_FLIGHT, |i, _| {
            Ok(records::lead(i, &users))
        })
        .await
        .map_err(|f| failed(Kind::Leads, f))?;
    seeded.add(Kind::Leads, leads.len());

    let deal_links = DealLinks {
        users: &users,
        companies: &companies,
        contacts: &contacts,
        contacts_of: &contacts_of,
    };
    let mut deal_titles = Vec::with_capacity(count(Kind::Deals));
    let deals = seeder
        .add_in_order(Kind::Deals, count(Kind::Deals), IN_FLIGHT, |i, _| {
            let (record, title) = records::deal(i, &deal_links);
            deal_titles.push(title);
            Ok(record)
        })
        .await
        .map_err(|f| failed(Kind::Deals, f))?;
    seeded.add(Kind::Deals, deals.len());

    let task_links = TaskLinks {
        users: &users,
        companies: &companies,
        contacts: &contacts,
        leads: &leads,
        deals: &deals,
        deal_titles: &deal_titles,
    };
    let tasks = seeder
        .add_in_order(Kind::Tasks, count(Kind::Tasks), IN_FLIGHT, |i, _| {
            Ok(records::task(i, &task_links))
        })
        .await
        .map_err(|f| failed(Kind::Tasks, f))?;
    seeded.add(Kind::Tasks, tasks.len());
    Ok(seeded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_change_the_defaults_they_name() {
        let sizes = DemoSizes::parse("leads=100000, deals=0").expect("sizes");
        assert_eq!(sizes.count(Kind::Leads), 100_000);
        assert_eq!(sizes.count(Kind::Deals), 0);
        assert_eq!(sizes.count(Kind::Users), 10);
    }

    #[test]
    fn bad_sizes_are_refused_with_the_kinds() {
        let unknown = DemoSizes::parse("lead=5").expect_err("unknown kind");
        assert!(
            unknown.to_string().contains("departments, users"),
            "{unknown}"
        );
        assert!(DemoSizes::parse("leads=-1").is_err());
        assert!(DemoSizes::parse("leads").is_err());
        assert!(DemoSizes::parse("leads=10000001").is_err());
    }
}
