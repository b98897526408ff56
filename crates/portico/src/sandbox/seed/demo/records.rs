//! The fields of each demo record, made from its [`Dice`] and the ids of the
//! records made before it: employees in departments, contacts in companies,
//! deals on a company and one of its contacts, leads, deals and companies
//! assigned to employees, tasks with a responsible employee and a CRM link.

use portico_protocol::params::ParamMap;
use serde_json::{json, Value};

use super::super::kinds::Kind;
use super::dice::Dice;
use super::names::*;

/// The administrator, who answers for records when there are no employees.
const ADMIN: i64 = 1;

/// The company's root department.
const ROOT_DEPARTMENT: i64 = 1;

/// A JSON object as method fields.
fn fields(value: Value) -> ParamMap {
    match value {
        Value::Object(map) => map,
        _ => ParamMap::new(),
    }
}

/// One of `ids` (`fallback` when there are none).
fn one_of(dice: &mut Dice, ids: &[i64], fallback: i64) -> i64 {
    if ids.is_empty() {
        fallback
    } else {
        ids[dice.below(ids.len())]
    }
}

/// A person's first and last name, and `M` or `F`.
pub fn person(dice: &mut Dice) -> (&'static str, &'static str, &'static str) {
    let (first, gender) = if dice.chance(50) {
        (dice.pick(FIRST_NAMES_F), "F")
    } else {
        (dice.pick(FIRST_NAMES_M), "M")
    };
    (first, dice.pick(LAST_NAMES), gender)
}

/// A company's name and the slug of its web and e-mail domain.
pub fn company_name(dice: &mut Dice) -> (String, String) {
    let word = dice.pick(COMPANY_WORDS);
    let noun = dice.pick(COMPANY_NOUNS);
    let trade = dice.pick(COMPANY_TRADES);
    let form = dice.pick(COMPANY_FORMS);
    let slug = format!("{word}{noun}").to_ascii_lowercase();
    (format!("{word} {noun} {trade} {form}"), slug)
}

/// The name of company `index`, as its record has it.
pub fn company_title(index: usize) -> String {
    company_name(&mut Dice::new(Kind::Companies, index)).0
}

/// The full name of record `index` of `kind` (contacts and leads).
pub fn person_name(kind: Kind, index: usize) -> String {
    let (first, last, _) = person(&mut Dice::new(kind, index));
    format!("{first} {last}")
}

/// A telephone number in the range reserved for fiction.
fn phone(dice: &mut Dice) -> String {
    format!("+1 555 01{:02}", dice.below(100))
}

/// A multi-field value (`PHONE`, `EMAIL`, `WEB`) of one entry.
fn multi(value: String, value_type: &str) -> Value {
    json!([{ "VALUE": value, "VALUE_TYPE": value_type }])
}

/// An amount between 1,000 and 100,000, in steps of 50.
fn amount(dice: &mut Dice) -> i64 {
    1_000 + 50 * dice.below(1_981) as i64
}

/// Department `index`: the first ones under the root department, later
/// ones regional sub-departments of those (`parents` holds the ids made so
/// far).
pub fn department(index: usize, parents: &[i64]) -> ParamMap {
    let base = DEPARTMENTS.len();
    if index < base {
        return fields(json!({
            "NAME": DEPARTMENTS[index],
            "PARENT": ROOT_DEPARTMENT,
            "SORT": 10 * (index + 1),
        }));
    }
    let round = index / base - 1;
    let region = REGIONS[round % REGIONS.len()];
    let name = match round / REGIONS.len() {
        0 => format!("{} {region}", DEPARTMENTS[index % base]),
        n => format!("{} {region} {}", DEPARTMENTS[index % base], n + 1),
    };
    fields(json!({
        "NAME": name,
        "PARENT": parents[index % base],
        "SORT": 10 * (index + 1),
    }))
}

/// Employee `index`, in one of `departments` (the root one when none).
pub fn user(index: usize, departments: &[i64]) -> ParamMap {
    let mut dice = Dice::new(Kind::Users, index);
    let (first, last, gender) = person(&mut dice);
    let email = format!("{first}.{last}.{}@example.com", index + 1).to_ascii_lowercase();
    let department = dice.below(departments.len());
    let positions = POSITIONS[department % POSITIONS.len()];
    fields(json!({
        "EMAIL": email,
        "NAME": first,
        "LAST_NAME": last,
        "PERSONAL_GENDER": gender,
        "WORK_POSITION": dice.pick(&positions),
        "WORK_PHONE": phone(&mut dice),
        "PERSONAL_CITY": dice.pick(CITIES),
        "UF_DEPARTMENT": [departments.get(department).copied().unwrap_or(ROOT_DEPARTMENT)],
    }))
}

/// Company `index`, assigned to one of `users`.
pub fn company(index: usize, users: &[i64]) -> ParamMap {
    let mut dice = Dice::new(Kind::Companies, index);
    let (title, slug) = company_name(&mut dice);
    let company_type = dice.weighted(&[
        ("CUSTOMER", 60),
        ("PARTNER", 15),
        ("SUPPLIER", 15),
        ("COMPETITOR", 5),
        ("OTHER", 5),
    ]);
    fields(json!({
        "TITLE": title,
        "COMPANY_TYPE": company_type,
        "INDUSTRY": dice.pick(&["IT", "TELECOM", "MANUFACTURING", "BANKING", "CONSULTING",
            "FINANCE", "GOVERNMENT", "DELIVERY", "ENTERTAINMENT", "OTHER"]),
        "EMPLOYEES": dice.pick(&["EMPLOYEES_1", "EMPLOYEES_2", "EMPLOYEES_3", "EMPLOYEES_4"]),
        "REVENUE": 10 * amount(&mut dice),
        "CURRENCY_ID": "USD",
        "PHONE": multi(phone(&mut dice), "WORK"),
        "EMAIL": multi(format!("info@{slug}.example.com"), "WORK"),
        "WEB": multi(format!("https://www.{slug}.example.com"), "WORK"),
        "ADDRESS_CITY": dice.pick(CITIES),
        "ASSIGNED_BY_ID": one_of(&mut dice, users, ADMIN),
        "OPENED": "Y",
    }))
}

/// Contact `index`: most work at one of `companies` (its position there is
/// returned), all are assigned to one of `users`.
pub fn contact(index: usize, users: &[i64], companies: &[i64]) -> (ParamMap, Option<usize>) {
    let mut dice = Dice::new(Kind::Contacts, index);
    let (first, last, _) = person(&mut dice);
    let employer = (!companies.is_empty() && dice.chance(80)).then(|| dice.below(companies.len()));
    let domain = match employer {
        Some(c) => format!(
            "{}.example.com",
            company_name(&mut Dice::new(Kind::Companies, c)).1
        ),
        None => "example.net".to_owned(),
    };
    let mut record = fields(json!({
        "NAME": first,
        "LAST_NAME": last,
        "POST": dice.pick(CLIENT_POSITIONS),
        "TYPE_ID": dice.weighted(&[("CLIENT", 70), ("PARTNER", 15), ("SUPPLIER", 10), ("OTHER", 5)]),
        "SOURCE_ID": dice.pick(&["CALL", "EMAIL", "WEB", "PARTNER", "RECOMMENDATION", "TRADE_SHOW"]),
        "PHONE": multi(phone(&mut dice), "MOBILE"),
        "EMAIL": multi(format!("{first}.{last}{}@{domain}", index + 1).to_ascii_lowercase(), "WORK"),
        "ASSIGNED_BY_ID": one_of(&mut dice, users, ADMIN),
        "OPENED": "Y",
    }));
    if let Some(c) = employer {
        record.insert("COMPANY_ID".to_owned(), companies[c].into());
    }
    (record, employer)
}

/// Lead `index`: a person from a prospect company, assigned to one of `users`.
pub fn lead(index: usize, users: &[i64]) -> ParamMap {
    let mut dice = Dice::new(Kind::Leads, index);
    let (first, last, _) = person(&mut dice);
    let (prospect, slug) = company_name(&mut dice);
    let status = dice.weighted(&[
        ("NEW", 35),
        ("IN_PROCESS", 30),
        ("PROCESSED", 20),
        ("JUNK", 15),
    ]);
    fields(json!({
        "TITLE": format!("{}: {prospect}", dice.pick(NEEDS)),
        "NAME": first,
        "LAST_NAME": last,
        "COMPANY_TITLE": prospect,
        "POST": dice.pick(CLIENT_POSITIONS),
        "STATUS_ID": status,
        "SOURCE_ID": dice.pick(&["CALL", "EMAIL", "WEB", "ADVERTISING", "PARTNER", "WEBFORM"]),
        "OPPORTUNITY": amount(&mut dice),
        "CURRENCY_ID": "USD",
        "PHONE": multi(phone(&mut dice), "WORK"),
        "EMAIL": multi(format!("{first}.{last}@{slug}.example.org").to_ascii_lowercase(), "WORK"),
        "ADDRESS_CITY": dice.pick(CITIES),
        "ASSIGNED_BY_ID": one_of(&mut dice, users, ADMIN),
        "OPENED": "Y",
    }))
}

/// The ids of the records a deal may point at.
pub struct DealLinks<'a> {
    /// Employees.
    pub users: &'a [i64],
    /// Companies.
    pub companies: &'a [i64],
    /// Contacts.
    pub contacts: &'a [i64],
    /// The positions of each company's contacts, by company position.
    pub contacts_of: &'a [Vec<usize>],
}

/// Deal `index`: on a company and one of its contacts (or a contact alone),
/// assigned to an employee; its fields and its title.
pub fn deal(index: usize, links: &DealLinks<'_>) -> (ParamMap, String) {
    let mut dice = Dice::new(Kind::Deals, index);
    let company = (!links.companies.is_empty()).then(|| dice.below(links.companies.len()));
    let staff = company
        .map(|c| links.contacts_of[c].as_slice())
        .unwrap_or(&[]);
    let contact = if !staff.is_empty() {
        Some(staff[dice.below(staff.len())])
    } else if !links.contacts.is_empty() && dice.chance(70) {
        Some(dice.below(links.contacts.len()))
    } else {
        None
    };
    let customer = match (company, contact) {
        (Some(c), _) => company_title(c),
        (None, Some(p)) => person_name(Kind::Contacts, p),
        (None, None) => company_name(&mut dice).0,
    };
    let title = format!("{} for {customer}", dice.pick(PRODUCTS));
    let (stage, probability) = dice.weighted(&[
        (("NEW", 10), 20),
        (("PREPARATION", 20), 20),
        (("PREPAYMENT_INVOICE", 40), 15),
        (("EXECUTING", 60), 15),
        (("FINAL_INVOICE", 80), 10),
        (("WON", 100), 12),
        (("LOSE", 0), 8),
    ]);
    let mut record = fields(json!({
        "TITLE": title,
        "STAGE_ID": stage,
        "PROBABILITY": probability,
        "TYPE_ID": dice.pick(&["SALE", "COMPLEX", "GOODS", "SERVICES", "SERVICE"]),
        "SOURCE_ID": dice.pick(&["CALL", "EMAIL", "WEB", "PARTNER", "RECOMMENDATION"]),
        "OPPORTUNITY": 5 * amount(&mut dice),
        "CURRENCY_ID": "USD",
        "ASSIGNED_BY_ID": one_of(&mut dice, links.users, ADMIN),
        "OPENED": "Y",
    }));
    if let Some(c) = company {
        record.insert("COMPANY_ID".to_owned(), links.companies[c].into());
    }
    if let Some(p) = contact {
        record.insert("CONTACT_IDS".to_owned(), json!([links.contacts[p]]));
    }
    (record, title)
}

/// The ids of the records a task may point at.
pub struct TaskLinks<'a> {
    /// Employees.
    pub users: &'a [i64],
    /// Companies.
    pub companies: &'a [i64],
    /// Contacts.
    pub contacts: &'a [i64],
    /// Leads.
    pub leads: &'a [i64],
    /// Deals.
    pub deals: &'a [i64],
    /// The deals' titles, by position.
    pub deal_titles: &'a [String],
}

/// Task `index`: for an employee, about a deal, contact, lead or company.
pub fn task(index: usize, links: &TaskLinks<'_>) -> ParamMap {
    let mut dice = Dice::new(Kind::Tasks, index);
    let mut about: Vec<(Kind, usize)> = Vec::new();
    for (kind, count, weight) in [
        (Kind::Deals, links.deals.len(), 50),
        (Kind::Contacts, links.contacts.len(), 20),
        (Kind::Leads, links.leads.len(), 20),
        (Kind::Companies, links.companies.len(), 10),
    ] {
        if count > 0 {
            about.extend(std::iter::repeat_n((kind, count), weight));
        }
    }
    let (title, binding) = match about.get(dice.below(about.len())) {
        Some((Kind::Deals, n)) => {
            let d = dice.below(*n);
            let title = dice.pick(DEAL_TASKS).replace("{}", &links.deal_titles[d]);
            (title, Some(format!("D_{}", links.deals[d])))
        }
        Some((kind @ (Kind::Contacts | Kind::Leads), n)) => {
            let p = dice.below(*n);
            let ids = if *kind == Kind::Leads {
                links.leads
            } else {
                links.contacts
            };
            let title = dice
                .pick(PERSON_TASKS)
                .replace("{}", &person_name(*kind, p));
            let prefix = kind.crm_prefix().unwrap_or("C");
            (title, Some(format!("{prefix}_{}", ids[p])))
        }
        Some((_, n)) => {
            let c = dice.below(*n);
            let title = dice.pick(COMPANY_TASKS).replace("{}", &company_title(c));
            (title, Some(format!("CO_{}", links.companies[c])))
        }
        None => (format!("Plan the week ({})", index + 1), None),
    };
    let responsible = one_of(&mut dice, links.users, ADMIN);
    let mut record = fields(json!({
        "TITLE": title,
        "DESCRIPTION": "Made by the sandbox's demo seed.",
        "RESPONSIBLE_ID": responsible,
        "CREATED_BY": if dice.chance(30) { ADMIN } else { one_of(&mut dice, links.users, ADMIN) },
        "PRIORITY": dice.weighted(&[(1, 80), (2, 20)]),
        "STATUS": dice.weighted(&[(2, 50), (3, 25), (5, 25)]),
    }));
    if let Some(binding) = binding {
        record.insert("UF_CRM_TASK".to_owned(), json!([binding]));
    }
    if links.users.len() > 1 && dice.chance(30) {
        let auditor = one_of(&mut dice, links.users, ADMIN);
        if auditor != responsible {
            record.insert("AUDITORS".to_owned(), json!([auditor]));
        }
    }
    record
}
