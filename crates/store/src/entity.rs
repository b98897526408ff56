//! Record-type metadata: which fields a record type has, how each is typed on the
//! wire and in storage, and its flags. One catalogue drives validation, `*.fields`
//! descriptors, filtering, ordering and the SQL column names; a field that is not in
//! a catalogue can never reach SQL.

/// The wire type of a field, as `*.fields` reports it (`type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Whole number (`integer`).
    Integer,
    /// Floating-point number (`double`); legacy methods return money as `"15000.00"`.
    Double,
    /// Free text (`string`).
    String,
    /// One character, in practice `Y`/`N` (`char`).
    Char,
    /// Calendar date (`date`), stored as `YYYY-MM-DD`.
    Date,
    /// Instant (`datetime`), stored as Unix seconds, written with the portal offset.
    DateTime,
    /// A user id (`user`).
    User,
    /// A value from a CRM directory (`crm_status`) with the directory's `ENTITY_ID`.
    CrmStatus(&'static str),
    /// A currency code (`crm_currency`).
    CrmCurrency,
    /// A company id (`crm_company`).
    CrmCompany,
    /// A contact id (`crm_contact`).
    CrmContact,
    /// A lead id (`crm_lead`).
    CrmLead,
    /// A deal pipeline id (`crm_category`).
    CrmCategory,
    /// An estimate (quote) id (`crm_quote`).
    CrmQuote,
    /// A location code (`location`).
    Location,
    /// A stored file's id (`file`).
    File,
    /// A list of department ids (`iblock_section`, the user's `UF_DEPARTMENT`),
    /// stored in one text column as `,1,3,` (ids between commas, so one `LIKE
    /// '%,3,%'` finds the members of department 3); no departments is NULL.
    DepartmentIds,
    /// A true/false flag (`boolean` in user records, `true`/`false` on the wire).
    Boolean,
    /// A multi-field (`crm_multifield`): PHONE, EMAIL, WEB, IM, LINK.
    MultiField(MultiType),
    /// A list of links to records of another CRM entity, by that entity's code
    /// (`CONTACT`, `COMPANY`): deal `CONTACT_IDS`, contact `COMPANY_IDS`, company
    /// `CONTACT_ID`. Not a column: links live in their own table
    /// ([`crate::links::LinkStore`]).
    Links(&'static str),
}

impl FieldKind {
    /// The `type` string of `*.fields` descriptors.
    pub fn wire_name(self) -> &'static str {
        match self {
            FieldKind::Integer => "integer",
            FieldKind::Double => "double",
            FieldKind::String => "string",
            FieldKind::Char => "char",
            FieldKind::Date => "date",
            FieldKind::DateTime => "datetime",
            FieldKind::User => "user",
            FieldKind::CrmStatus(_) => "crm_status",
            FieldKind::CrmCurrency => "crm_currency",
            FieldKind::CrmCompany => "crm_company",
            FieldKind::CrmContact => "crm_contact",
            FieldKind::CrmLead => "crm_lead",
            FieldKind::CrmCategory => "crm_category",
            FieldKind::CrmQuote => "crm_quote",
            FieldKind::Location => "location",
            FieldKind::File => "file",
            FieldKind::DepartmentIds => "iblock_section",
            FieldKind::Boolean => "boolean",
            FieldKind::MultiField(_) => "crm_multifield",
            FieldKind::Links(target) => match target {
                "CONTACT" => "crm_contact",
                "COMPANY" => "crm_company",
                "LEAD" => "crm_lead",
                "DEAL" => "crm_deal",
                _ => "crm_entity",
            },
        }
    }

    /// Whether this is the single-id kind that refers to records of the entity
    /// with this code (`CrmContact` for `CONTACT`, …).
    pub fn refers_to(self, code: &str) -> bool {
        matches!(
            (self, code),
            (FieldKind::CrmContact, "CONTACT")
                | (FieldKind::CrmCompany, "COMPANY")
                | (FieldKind::CrmLead, "LEAD")
        )
    }

    /// How values of this kind are stored.
    pub fn storage(self) -> StorageType {
        match self {
            FieldKind::Integer
            | FieldKind::User
            | FieldKind::CrmCompany
            | FieldKind::CrmContact
            | FieldKind::CrmLead
            | FieldKind::CrmCategory
            | FieldKind::CrmQuote
            | FieldKind::File
            | FieldKind::DateTime
            | FieldKind::Boolean => StorageType::Integer,
            FieldKind::Double => StorageType::Real,
            FieldKind::String
            | FieldKind::Char
            | FieldKind::Date
            | FieldKind::CrmStatus(_)
            | FieldKind::CrmCurrency
            | FieldKind::Location
            | FieldKind::DepartmentIds => StorageType::Text,
            FieldKind::MultiField(_) | FieldKind::Links(_) => StorageType::None,
        }
    }
}

/// Storage class of a field's column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageType {
    /// 64-bit integer column.
    Integer,
    /// Double column.
    Real,
    /// Text column.
    Text,
    /// Not a column of the record's table (multi-fields live in their own table).
    None,
}

/// The kinds of CRM multi-field (`TYPE_ID`), each with its allowed `VALUE_TYPE`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MultiType {
    /// Telephone numbers.
    Phone,
    /// E-mail addresses.
    Email,
    /// Web sites.
    Web,
    /// Messenger accounts.
    Im,
    /// Open Channels user links (service field).
    Link,
}

impl MultiType {
    /// All kinds, in catalogue order.
    pub const ALL: [MultiType; 5] = [
        MultiType::Phone,
        MultiType::Email,
        MultiType::Web,
        MultiType::Im,
        MultiType::Link,
    ];

    /// The wire `TYPE_ID` (and field name): `PHONE`, `EMAIL`, …
    pub fn as_str(self) -> &'static str {
        match self {
            MultiType::Phone => "PHONE",
            MultiType::Email => "EMAIL",
            MultiType::Web => "WEB",
            MultiType::Im => "IM",
            MultiType::Link => "LINK",
        }
    }

    /// Parses a `TYPE_ID` / field name (exact upper case).
    pub fn parse(s: &str) -> Option<MultiType> {
        MultiType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The `VALUE_TYPE`s Bitrix24 accepts for this kind.
    pub fn value_types(self) -> &'static [&'static str] {
        match self {
            MultiType::Phone => &["WORK", "MOBILE", "FAX", "HOME", "PAGER", "MAILING", "OTHER"],
            MultiType::Email => &["WORK", "HOME", "MAILING", "OTHER"],
            MultiType::Web => &["WORK", "HOME", "VK", "LIVEJOURNAL", "TWITTER", "OTHER"],
            MultiType::Im => &[
                "TELEGRAM", "VK", "SKYPE", "VIBER", "BITRIX24", "OPENLINE", "IMOL", "ICQ", "MSN",
                "JABBER", "OTHER",
            ],
            MultiType::Link => &["USER", "OTHER"],
        }
    }
}

/// One field of a record type.
#[derive(Clone, Copy, Debug)]
pub struct FieldDef {
    /// Wire name, upper case (`TITLE`).
    pub name: &'static str,
    /// SQL column, or `""` for fields without a column (multi-fields).
    pub column: &'static str,
    /// Wire type.
    pub kind: FieldKind,
    /// Caption shown in `*.fields` (`title`), English.
    pub title: &'static str,
    /// Cannot be written by clients (`isReadOnly`).
    pub read_only: bool,
    /// Writable only on create (`isImmutable`).
    pub immutable: bool,
    /// Must be given on create (`isRequired`).
    pub required: bool,
    /// Value is a list (`isMultiple`).
    pub multiple: bool,
    /// Kept for old clients (`isDeprecated`).
    pub deprecated: bool,
}

impl FieldDef {
    /// A plain writable field.
    pub const fn new(
        name: &'static str,
        column: &'static str,
        kind: FieldKind,
        title: &'static str,
    ) -> Self {
        FieldDef {
            name,
            column,
            kind,
            title,
            read_only: false,
            immutable: false,
            required: false,
            multiple: false,
            deprecated: false,
        }
    }

    /// Marks the field read-only.
    pub const fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Marks the field immutable after create.
    pub const fn immutable(mut self) -> Self {
        self.immutable = true;
        self
    }

    /// Marks the field required on create.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Marks the field deprecated.
    pub const fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    /// Marks the field's value a list.
    pub const fn multiple(mut self) -> Self {
        self.multiple = true;
        self
    }

    /// A multi-field of the given kind (`PHONE`, …), stored in the multi-field table.
    pub const fn multi(kind: MultiType, name: &'static str, title: &'static str) -> Self {
        let mut f = FieldDef::new(name, "", FieldKind::MultiField(kind), title);
        f.multiple = true;
        f
    }

    /// A list of links to records of the entity with code `target`; not a column.
    pub const fn links(name: &'static str, target: &'static str, title: &'static str) -> Self {
        let mut f = FieldDef::new(name, "", FieldKind::Links(target), title);
        f.multiple = true;
        f
    }

    /// Whether the field has a column in the record's table.
    pub fn is_stored(&self) -> bool {
        !self.column.is_empty()
    }
}

/// A record type: its table, its owner code in shared tables, and its fields.
#[derive(Debug)]
pub struct EntityDef {
    /// Short code used in shared tables (multi-fields): `LEAD`, `USER`, …
    pub code: &'static str,
    /// SQL table holding one row per record; its primary key column is `id`.
    pub table: &'static str,
    /// The fields, `ID` first.
    pub fields: &'static [FieldDef],
}

impl EntityDef {
    /// Position of the field with this wire name (exact, upper case).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The field with this wire name.
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Whether records of this type carry multi-fields.
    pub fn has_multifields(&self) -> bool {
        self.fields
            .iter()
            .any(|f| matches!(f.kind, FieldKind::MultiField(_)))
    }

    /// Position of the link-list field to the entity with code `target`
    /// (deal `CONTACT_IDS` for `CONTACT`).
    pub fn links_field(&self, target: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| matches!(f.kind, FieldKind::Links(t) if t == target))
    }

    /// Position of the column that mirrors the primary link to `target`: the
    /// stored single-id field referring to `target` (deal and lead `CONTACT_ID`,
    /// contact `COMPANY_ID`), when the entity also has a link list to `target`.
    /// Backends keep it equal to the primary link's id, or NULL.
    pub fn primary_link_field(&self, target: &str) -> Option<usize> {
        self.links_field(target)?;
        self.fields
            .iter()
            .position(|f| f.is_stored() && f.kind.refers_to(target))
    }
}
