//! The fixed word lists the demo records are made from. Changing them changes
//! every demo portal, so they only grow at the end.

/// Women's first names (ASCII, so they make e-mail addresses as they are).
pub const FIRST_NAMES_F: &[&str] = &[
    "Ana", "Maria", "Julia", "Sofia", "Laura", "Emma", "Olivia", "Chloe", "Hannah", "Lena",
    "Camila", "Beatriz", "Isabel", "Clara", "Marta", "Elena", "Paula", "Nina", "Alice", "Grace",
    "Yuki", "Priya", "Amara", "Zoe",
];

/// Men's first names.
pub const FIRST_NAMES_M: &[&str] = &[
    "John", "Pedro", "Lucas", "Daniel", "Gabriel", "Rafael", "Thomas", "Liam", "Noah", "Felix",
    "Mateus", "Bruno", "Carlos", "Diego", "Hugo", "Oscar", "Samuel", "Victor", "Adam", "Leo",
    "Kenji", "Arjun", "Kofi", "Ivan",
];

/// Last names.
pub const LAST_NAMES: &[&str] = &[
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Lima",
    "Pereira",
    "Costa",
    "Almeida",
    "Ferreira",
    "Rodrigues",
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Wilson",
    "Davies",
    "Evans",
    "Walker",
    "Miller",
    "Clark",
    "Schmidt",
    "Weber",
    "Fischer",
    "Martin",
    "Bernard",
    "Dubois",
    "Rossi",
    "Russo",
    "Garcia",
    "Martinez",
    "Lopez",
    "Novak",
    "Kowalski",
    "Tanaka",
    "Sato",
    "Patel",
    "Mensah",
    "Ivanova",
    "Jensen",
    "Nielsen",
];

/// Departments under the company's root department.
pub const DEPARTMENTS: &[&str] = &[
    "Sales",
    "Marketing",
    "Customer Support",
    "Finance",
    "Engineering",
    "Operations",
    "Human Resources",
    "Legal",
    "Procurement",
    "Logistics",
];

/// Regions that name sub-departments ("Sales North").
pub const REGIONS: &[&str] = &["North", "South", "East", "West", "Central", "International"];

/// Employees' positions, two for each of [`DEPARTMENTS`] (in its order).
pub const POSITIONS: &[[&str; 2]] = &[
    ["Sales manager", "Account executive"],
    ["Marketing specialist", "Content writer"],
    ["Support engineer", "Customer success manager"],
    ["Accountant", "Financial analyst"],
    ["Software developer", "QA engineer"],
    ["Operations analyst", "Office manager"],
    ["Recruiter", "HR generalist"],
    ["Legal counsel", "Paralegal"],
    ["Buyer", "Procurement specialist"],
    ["Logistics coordinator", "Warehouse supervisor"],
];

/// Customers' positions.
pub const CLIENT_POSITIONS: &[&str] = &[
    "CEO",
    "CTO",
    "Purchasing manager",
    "Head of operations",
    "Marketing director",
    "Office manager",
    "Project manager",
    "Finance director",
    "IT manager",
    "Owner",
];

/// First words of company names.
pub const COMPANY_WORDS: &[&str] = &[
    "Blue", "Silver", "Green", "Northern", "Atlantic", "Pacific", "Golden", "Bright", "Swift",
    "Summit", "Prime", "Crystal", "Iron", "Maple", "Cedar", "Harbor", "Stellar", "Urban", "Royal",
    "Nova",
];

/// Second words of company names.
pub const COMPANY_NOUNS: &[&str] = &[
    "River", "Peak", "Bridge", "Field", "Stone", "Wave", "Forge", "Lake", "Valley", "Point",
    "Works", "Gate", "Harvest", "Signal", "Anchor", "Beacon", "Grove", "Path", "Crest", "Line",
];

/// Trades in company names.
pub const COMPANY_TRADES: &[&str] = &[
    "Logistics",
    "Software",
    "Foods",
    "Consulting",
    "Textiles",
    "Motors",
    "Telecom",
    "Energy",
    "Pharma",
    "Retail",
    "Construction",
    "Media",
];

/// Legal forms in company names.
pub const COMPANY_FORMS: &[&str] = &["Ltd", "Inc", "LLC", "Group", "GmbH", "S.A.", "Co"];

/// Cities of addresses.
pub const CITIES: &[&str] = &[
    "Sao Paulo",
    "Rio de Janeiro",
    "Lisbon",
    "London",
    "Berlin",
    "Paris",
    "Madrid",
    "New York",
    "Toronto",
    "Warsaw",
    "Tokyo",
    "Bangalore",
];

/// What a lead asks for.
pub const NEEDS: &[&str] = &[
    "Website redesign",
    "CRM rollout",
    "Office equipment",
    "Annual support contract",
    "Cloud migration",
    "Fleet tracking",
    "Staff training",
    "Marketing campaign",
    "Security audit",
    "Bulk order",
];

/// What a deal sells.
pub const PRODUCTS: &[&str] = &[
    "Enterprise licence",
    "Implementation project",
    "Hardware supply",
    "Consulting hours",
    "Maintenance plan",
    "Training package",
    "Custom integration",
    "Subscription renewal",
];

/// Task titles about a deal (`{}` is the deal's title).
pub const DEAL_TASKS: &[&str] = &[
    "Prepare the proposal: {}",
    "Send the contract: {}",
    "Follow up on the invoice: {}",
    "Schedule a demo: {}",
];

/// Task titles about a person (`{}` is the contact's or lead's name).
pub const PERSON_TASKS: &[&str] = &[
    "Call {}",
    "Send a presentation to {}",
    "Meet {} at their office",
    "Qualify {}",
];

/// Task titles about a company (`{}` is its name).
pub const COMPANY_TASKS: &[&str] = &[
    "Review the account of {}",
    "Update the billing details of {}",
    "Plan the quarterly review with {}",
];
