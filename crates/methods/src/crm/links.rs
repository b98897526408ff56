//! Links between CRM records through the API: the `crm.{owner}.{target}.*`
//! methods (`items.get`, `items.set`, `items.delete`, `add`, `delete`, `fields`)
//! written once and declared for each pair — deal → contacts, lead → contacts,
//! contact → companies, and company → contacts, which reads and writes the
//! contact → company links from the company's side — plus the helpers the
//! legacy entity methods use for link-list fields (`CONTACT_IDS`, …).
//!
//! Wire shapes follow Bitrix24: items are `{"CONTACT_ID": 5, "SORT": 10,
//! "ROLE_ID": 0, "IS_PRIMARY": "Y"}` with numbers as JSON numbers; writes answer
//! `true`; a missing owner is the legacy `Not found`, a missing target the
//! legacy `Contact with ID 5 is not found.` Seen from the company's side,
//! `SORT` and `IS_PRIMARY` are those of the stored contact → company link (the
//! contact's order and primary company), as in Bitrix24, where one row serves
//! both directions.
//!
//! Rights ([`crate::crm::rights`]): reading an owner's links needs read on the
//! owner, changing them update on the owner, and every record linked (here or
//! through a link-list field of a write) read on that record.
//!
//! Events: every link write raises, once, the `…UPDATE` event of the method's
//! record (the deal of `crm.deal.contact.add`, the company of
//! `crm.company.contact.items.set`), in the write's transaction; a `delete`
//! that finds no link raises nothing.

use std::borrow::Cow;

use portico_protocol::params::{php_array, value_as_bool, value_as_i64, Params};
use portico_protocol::ApiError;
use portico_store::crm::{by_code, COMPANY, CONTACT, DEAL, LEAD};
use portico_store::links::reversed;
use portico_store::{
    EntityDef, FieldKind, Link, LinkChange, LinkEnd, LinkEvent, LinkListWrite, StoreError,
};
use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::crm::company::Company;
use crate::crm::contact::Contact;
use crate::crm::deal::Deal;
use crate::crm::entity::{CrmEntity, Noun};
use crate::crm::lead::Lead;
use crate::crm::rights::{self, Action};
use crate::handler;
use crate::registry::{MethodOutput, ParamSpec, Registry};
use crate::values::{field_descriptor, param_id, store_error};

/// The names of a pair's six methods.
pub struct LinkNames {
    /// `crm.{o}.{t}.items.get`.
    pub items_get: &'static str,
    /// `crm.{o}.{t}.items.set`.
    pub items_set: &'static str,
    /// `crm.{o}.{t}.items.delete`.
    pub items_delete: &'static str,
    /// `crm.{o}.{t}.add`.
    pub add: &'static str,
    /// `crm.{o}.{t}.delete`.
    pub delete: &'static str,
    /// `crm.{o}.{t}.fields`.
    pub fields: &'static str,
}

/// A pair of entities served by the link methods: `id` names an `OWNER`
/// record, items name `TARGET` records under `KEY` (`CONTACT_ID`).
pub trait LinkPair: Send + Sync + 'static {
    /// The entity of `id`.
    const OWNER: &'static EntityDef;
    /// The entity of the items.
    const TARGET: &'static EntityDef;
    /// The item key naming a target (`CONTACT_ID`, `COMPANY_ID`).
    const KEY: &'static str;
    /// The method names.
    const NAMES: LinkNames;
    /// The owner's name in descriptions.
    const OWNER_NOUN: Noun;
    /// The target's name in descriptions.
    const TARGET_NOUN: Noun;
}

/// Declares a link pair: its marker type, the two entities (catalogue and
/// method type), the item key, and the method-name prefix (`crm.deal.contact`).
macro_rules! link_pair {
    ($(#[$doc:meta])* $pair:ident, $owner:ident: $owner_ty:ty, $target:ident: $target_ty:ty, $key:literal, $prefix:literal) => {
        $(#[$doc])*
        pub struct $pair;

        impl LinkPair for $pair {
            const OWNER: &'static EntityDef = &$owner;
            const TARGET: &'static EntityDef = &$target;
            const KEY: &'static str = $key;
            const NAMES: LinkNames = LinkNames {
                items_get: concat!($prefix, ".items.get"),
                items_set: concat!($prefix, ".items.set"),
                items_delete: concat!($prefix, ".items.delete"),
                add: concat!($prefix, ".add"),
                delete: concat!($prefix, ".delete"),
                fields: concat!($prefix, ".fields"),
            };
            const OWNER_NOUN: Noun = <$owner_ty as CrmEntity>::NOUN;
            const TARGET_NOUN: Noun = <$target_ty as CrmEntity>::NOUN;
        }
    };
}

link_pair!(
    /// `crm.deal.contact.*`: a deal's contacts.
    DealContact, DEAL: Deal, CONTACT: Contact, "CONTACT_ID", "crm.deal.contact"
);
link_pair!(
    /// `crm.lead.contact.*`: a lead's contacts.
    LeadContact, LEAD: Lead, CONTACT: Contact, "CONTACT_ID", "crm.lead.contact"
);
link_pair!(
    /// `crm.contact.company.*`: a contact's companies.
    ContactCompany, CONTACT: Contact, COMPANY: Company, "COMPANY_ID", "crm.contact.company"
);
link_pair!(
    /// `crm.company.contact.*`: a company's contacts (contact → company links read
    /// from the company).
    CompanyContact, COMPANY: Company, CONTACT: Contact, "CONTACT_ID", "crm.company.contact"
);

/// Declares the link methods of every pair.
pub fn register(r: &mut Registry) {
    register_pair::<DealContact>(r);
    register_pair::<LeadContact>(r);
    register_pair::<ContactCompany>(r);
    register_pair::<CompanyContact>(r);
}

const ID: ParamSpec = ParamSpec {
    name: "id",
    kind: "integer",
    required: true,
    description: "ID of the record whose links are read or changed.",
    description_pt: "ID do registro cujos vínculos são lidos ou alterados.",
};
const ITEMS: ParamSpec = ParamSpec {
    name: "items",
    kind: "array",
    required: true,
    description: "The new links: objects with the linked record's ID (CONTACT_ID or COMPANY_ID), optional SORT and IS_PRIMARY (Y/N); an empty list removes all.",
    description_pt: "Os novos vínculos: objetos com o ID do registro vinculado (CONTACT_ID ou COMPANY_ID), SORT e IS_PRIMARY (Y/N) opcionais; uma lista vazia remove todos.",
};
const LINK_FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "The link: the linked record's ID (CONTACT_ID or COMPANY_ID), optional SORT and IS_PRIMARY (Y/N).",
    description_pt: "O vínculo: o ID do registro vinculado (CONTACT_ID ou COMPANY_ID), SORT e IS_PRIMARY (Y/N) opcionais.",
};
const UNLINK_FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "The linked record to remove: CONTACT_ID or COMPANY_ID.",
    description_pt: "O registro vinculado a remover: CONTACT_ID ou COMPANY_ID.",
};

/// Example parameters of `items.set`, `add` and `delete` for an item key.
fn examples(key: &str) -> [&'static str; 3] {
    if key == "COMPANY_ID" {
        [
            r#"{"id": 1, "items": [{"COMPANY_ID": 3, "SORT": 10, "IS_PRIMARY": "Y"}, {"COMPANY_ID": 4}]}"#,
            r#"{"id": 1, "fields": {"COMPANY_ID": 5, "SORT": 30, "IS_PRIMARY": "N"}}"#,
            r#"{"id": 1, "fields": {"COMPANY_ID": 5}}"#,
        ]
    } else {
        [
            r#"{"id": 1, "items": [{"CONTACT_ID": 3, "SORT": 10, "IS_PRIMARY": "Y"}, {"CONTACT_ID": 4}]}"#,
            r#"{"id": 1, "fields": {"CONTACT_ID": 5, "SORT": 30, "IS_PRIMARY": "N"}}"#,
            r#"{"id": 1, "fields": {"CONTACT_ID": 5}}"#,
        ]
    }
}

/// Declares the six methods of one pair.
pub fn register_pair<P: LinkPair>(r: &mut Registry) {
    let (o, t, key) = (&P::OWNER_NOUN, &P::TARGET_NOUN, P::KEY);
    // Portuguese agreement: "um negócio" / "uma empresa", "vinculados" / "vinculadas".
    let a_o = if o.pt_feminine { "uma" } else { "um" };
    let a_t = if t.pt_feminine { "uma" } else { "um" };
    let (the_t, all_t, linked_t, linked_one) = if t.pt_feminine {
        ("as", "todas as", "vinculadas", "vinculada")
    } else {
        ("os", "todos os", "vinculados", "vinculado")
    };
    let [set_example, add_example, delete_example] = examples(key);
    let mut s = r.scope("crm", &[]);
    s.method(
        P::NAMES.items_get,
        format!(
            "Returns the {} linked to a {}: {key}, SORT, ROLE_ID and IS_PRIMARY of each, in SORT order.",
            t.en_plural, o.en
        ),
        format!(
            "Retorna {the_t} {} {linked_t} a {a_o} {}: {key}, SORT, ROLE_ID e IS_PRIMARY de cada, na ordem de SORT.",
            t.pt_plural, o.pt
        ),
        &[ID],
        r#"{"id": 1}"#,
        handler!(items_get::<P>),
    );
    s.method(
        P::NAMES.items_set,
        format!(
            "Replaces the {} linked to a {} with the given items; the first item with IS_PRIMARY=Y (else the first item) becomes primary.",
            t.en_plural, o.en
        ),
        format!(
            "Substitui {the_t} {} {linked_t} a {a_o} {} pelos itens informados; o primeiro item com IS_PRIMARY=Y (senão o primeiro item) passa a ser o principal.",
            t.pt_plural, o.pt
        ),
        &[ID, ITEMS],
        set_example,
        handler!(items_set::<P>),
    );
    s.method(
        P::NAMES.items_delete,
        format!("Removes every {} linked to a {}.", t.en, o.en),
        format!(
            "Remove {all_t} {} {linked_t} a {a_o} {}.",
            t.pt_plural, o.pt
        ),
        &[ID],
        r#"{"id": 1}"#,
        handler!(items_delete::<P>),
    );
    s.method(
        P::NAMES.add,
        format!(
            "Links a {} to a {}, or changes SORT and IS_PRIMARY of the link when it exists.",
            t.en, o.en
        ),
        format!(
            "Vincula {a_t} {} a {a_o} {}, ou altera SORT e IS_PRIMARY do vínculo se já estiver {linked_one}.",
            t.pt, o.pt
        ),
        &[ID, LINK_FIELDS],
        add_example,
        handler!(add::<P>),
    );
    s.method(
        P::NAMES.delete,
        format!("Unlinks a {} from a {}.", t.en, o.en),
        format!("Desvincula {a_t} {} de {a_o} {}.", t.pt, o.pt),
        &[ID, UNLINK_FIELDS],
        delete_example,
        handler!(delete::<P>),
    );
    s.method(
        P::NAMES.fields,
        format!(
            "Describes the fields of a link between a {} and a {}.",
            o.en, t.en
        ),
        format!(
            "Descreve os campos de um vínculo entre {a_o} {} e {a_t} {}.",
            o.pt, t.pt
        ),
        &[],
        r#"{}"#,
        handler!(fields::<P>),
    );
}

/// Whether `P`'s owner is stored as the target of the links (company → contact).
fn is_reversed<P: LinkPair>() -> Result<bool, ApiError> {
    reversed(P::OWNER, P::TARGET).ok_or_else(ApiError::internal)
}

/// Fails with the legacy `Not found` unless the owner record exists, and with
/// `Access denied.` unless the caller may do `action` to it (read to see its
/// links, update to change them; see [`rights::fetch`]).
async fn require_owner<P: LinkPair>(ctx: &Ctx, id: i64, action: Action) -> Result<(), ApiError> {
    match rights::fetch(ctx, P::OWNER, id, action).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::legacy("Not found")),
    }
}

/// `Contact`, `Company`, … for error texts.
fn title(entity: &EntityDef) -> &'static str {
    match entity.code {
        "CONTACT" => "Contact",
        "COMPANY" => "Company",
        "DEAL" => "Deal",
        "LEAD" => "Lead",
        _ => "Record",
    }
}

/// Fails with the legacy `Contact with ID 5 is not found.` unless every record
/// exists, and with `Access denied.` unless the caller may read each of them:
/// nobody links a record they may not see.
async fn require_targets(
    ctx: &Ctx,
    target: &'static EntityDef,
    ids: &[i64],
) -> Result<(), ApiError> {
    for &id in ids {
        if rights::fetch(ctx, target, id, Action::Read)
            .await?
            .is_none()
        {
            return Err(ApiError::legacy(format!(
                "{} with ID {id} is not found.",
                title(target)
            )));
        }
    }
    Ok(())
}

/// A link write's failure: a record gone meanwhile is the legacy `Not found`.
pub(crate) fn link_error(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::legacy("Not found"),
        other => store_error(other),
    }
}

/// An item as `items.get` returns it.
fn render(key: &str, l: &Link) -> Value {
    let mut item = Map::with_capacity(4);
    item.insert(key.to_string(), Value::from(l.id));
    item.insert("SORT".into(), Value::from(l.sort));
    item.insert("ROLE_ID".into(), Value::from(0));
    item.insert(
        "IS_PRIMARY".into(),
        Value::from(if l.is_primary { "Y" } else { "N" }),
    );
    Value::Object(item)
}

/// The owner's links, from whichever side they are stored.
async fn read<P: LinkPair>(ctx: &Ctx, id: i64) -> Result<Vec<Link>, ApiError> {
    let links = if is_reversed::<P>()? {
        ctx.store.linked_owners(P::OWNER, id, P::TARGET).await
    } else {
        ctx.store.links(P::OWNER, id, P::TARGET).await
    };
    links.map_err(store_error)
}

/// The event of a one-link write: the `…UPDATE` of the method's record, which
/// is the stored link's `end`.
fn subject_event(ctx: &Ctx, end: LinkEnd) -> LinkEvent {
    LinkEvent {
        stamp: ctx.event_stamp(),
        end,
    }
}

/// Replaces the owner's links, from whichever side they are stored, raising
/// the owner's `…UPDATE`.
async fn replace_all<P: LinkPair>(
    ctx: &Ctx,
    id: i64,
    items: Vec<LinkChange>,
) -> Result<(), ApiError> {
    let done = if is_reversed::<P>()? {
        ctx.store
            .set_linked_owners(P::OWNER, id, P::TARGET, items, Some(ctx.event_stamp()))
            .await
    } else {
        ctx.store
            .set_links(P::OWNER, id, P::TARGET, items, Some(ctx.event_stamp()))
            .await
    };
    done.map_err(link_error)
}

/// An array parameter (`fields`, an item of `items`: an object or a list),
/// else the legacy error.
fn object<'a>(v: Option<&'a Value>, what: &str) -> Result<Cow<'a, Map<String, Value>>, ApiError> {
    v.and_then(php_array)
        .ok_or_else(|| ApiError::legacy(format!("Parameter '{what}' must be array.")))
}

/// One link from an object with `KEY`, `SORT`, `IS_PRIMARY` (keys in any case).
fn parse_link(key: &str, item: &Map<String, Value>) -> Result<LinkChange, ApiError> {
    let get = |name: &str| {
        item.iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()))
    };
    let id = match get(key) {
        None => return Err(ApiError::legacy(format!("Field '{key}' is required."))),
        Some(v) => value_as_i64(v).filter(|id| *id > 0).ok_or_else(|| {
            ApiError::legacy(format!("Field '{key}' must be a positive integer."))
        })?,
    };
    let sort = get("SORT")
        .map(|v| {
            value_as_i64(v).ok_or_else(|| ApiError::legacy("Field 'SORT' must be an integer."))
        })
        .transpose()?;
    let is_primary = get("IS_PRIMARY")
        .map(|v| {
            value_as_bool(v).ok_or_else(|| ApiError::legacy("Field 'IS_PRIMARY' must be Y or N."))
        })
        .transpose()?;
    Ok(LinkChange {
        id,
        sort,
        is_primary,
    })
}

/// `crm.{o}.{t}.items.get`: the owner's links.
pub async fn items_get<P: LinkPair>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    require_owner::<P>(&ctx, id, Action::Read).await?;
    let links = read::<P>(&ctx, id).await?;
    let items = links.iter().map(|l| render(P::KEY, l)).collect();
    Ok(MethodOutput::value(Value::Array(items)))
}

/// `crm.{o}.{t}.items.set`: replaces the owner's links.
pub async fn items_set<P: LinkPair>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    let raw: Vec<&Value> = match params.get("items") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Object(m)) => m.values().collect(),
        _ => return Err(ApiError::legacy("Parameter 'items' must be array.")),
    };
    let items = raw
        .into_iter()
        .map(|v| object(Some(v), "items").and_then(|m| parse_link(P::KEY, &m)))
        .collect::<Result<Vec<_>, _>>()?;
    require_owner::<P>(&ctx, id, Action::Update).await?;
    let ids: Vec<i64> = items.iter().map(|l| l.id).collect();
    require_targets(&ctx, P::TARGET, &ids).await?;
    replace_all::<P>(&ctx, id, items).await?;
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.{o}.{t}.items.delete`: removes all the owner's links.
pub async fn items_delete<P: LinkPair>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    require_owner::<P>(&ctx, id, Action::Update).await?;
    replace_all::<P>(&ctx, id, Vec::new()).await?;
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.{o}.{t}.add`: adds (or changes) one link.
pub async fn add<P: LinkPair>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    let fields = object(params.resolve("fields"), "fields")?;
    let link = parse_link(P::KEY, &fields)?;
    require_owner::<P>(&ctx, id, Action::Update).await?;
    require_targets(&ctx, P::TARGET, &[link.id]).await?;
    let done = if is_reversed::<P>()? {
        let change = LinkChange { id, ..link };
        ctx.store
            .add_link(
                P::TARGET,
                link.id,
                P::OWNER,
                change,
                Some(subject_event(&ctx, LinkEnd::Target)),
            )
            .await
    } else {
        let event = Some(subject_event(&ctx, LinkEnd::Owner));
        ctx.store
            .add_link(P::OWNER, id, P::TARGET, link, event)
            .await
    };
    done.map_err(link_error)?;
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.{o}.{t}.delete`: removes one link (`true` also when there was none).
pub async fn delete<P: LinkPair>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let id = param_id(&params)?;
    let fields = object(params.resolve("fields"), "fields")?;
    let link = parse_link(P::KEY, &fields)?;
    require_owner::<P>(&ctx, id, Action::Update).await?;
    let done = if is_reversed::<P>()? {
        let event = Some(subject_event(&ctx, LinkEnd::Target));
        ctx.store
            .remove_link(P::TARGET, link.id, P::OWNER, id, event)
            .await
    } else {
        let event = Some(subject_event(&ctx, LinkEnd::Owner));
        ctx.store
            .remove_link(P::OWNER, id, P::TARGET, link.id, event)
            .await
    };
    done.map_err(link_error)?;
    Ok(MethodOutput::value(Value::Bool(true)))
}

/// `crm.{o}.{t}.fields`: the descriptors of a link's fields.
pub async fn fields<P: LinkPair>(_ctx: Ctx, _params: Params) -> Result<MethodOutput, ApiError> {
    let d = |kind: &str, required: bool, read_only: bool, title: &str| {
        field_descriptor(kind, required, read_only, false, title)
    };
    let key_title = format!("{} ID", title(P::TARGET));
    let mut out = Map::new();
    out.insert(P::KEY.to_string(), d("integer", true, false, &key_title));
    out.insert("SORT".into(), d("integer", false, false, "Sort index"));
    out.insert("ROLE_ID".into(), d("integer", false, true, "Role"));
    out.insert("IS_PRIMARY".into(), d("char", false, false, "Primary"));
    Ok(MethodOutput::value(Value::Object(out)))
}

// --- Link-list fields of the legacy entity methods -------------------------

/// The entity a link-list field of `entity` links to.
fn list_target(entity: &EntityDef, idx: usize) -> Result<&'static EntityDef, ApiError> {
    match entity.fields.get(idx).map(|f| f.kind) {
        Some(FieldKind::Links(code)) => by_code(code).ok_or_else(ApiError::internal),
        _ => Err(ApiError::internal()),
    }
}

/// Checks that every record named by link lists of a write exists, before the
/// record is written (legacy `Contact with ID 5 is not found.`).
pub async fn check_targets(
    ctx: &Ctx,
    entity: &EntityDef,
    lists: &[(usize, Vec<i64>)],
) -> Result<(), ApiError> {
    for (idx, ids) in lists {
        require_targets(ctx, list_target(entity, *idx)?, ids).await?;
    }
    Ok(())
}

/// The link lists a write names, as the store writes them with the record in
/// its transaction (see [`portico_store::LinkListWrite`]); the first id of
/// each list becomes primary.
pub fn list_writes(
    entity: &EntityDef,
    lists: Vec<(usize, Vec<i64>)>,
) -> Result<Vec<LinkListWrite>, ApiError> {
    lists
        .into_iter()
        .map(|(idx, ids)| {
            Ok(LinkListWrite {
                target: list_target(entity, idx)?.code,
                links: ids.into_iter().map(LinkChange::to).collect(),
            })
        })
        .collect()
}

/// The ids in a link-list field of a record (contact `COMPANY_IDS` in the
/// contact's order; company `CONTACT_ID` by contact id).
pub async fn read_list(
    ctx: &Ctx,
    entity: &'static EntityDef,
    id: i64,
    idx: usize,
) -> Result<Vec<i64>, ApiError> {
    let target = list_target(entity, idx)?;
    let links = match reversed(entity, target) {
        Some(false) => ctx.store.links(entity, id, target).await,
        Some(true) => ctx.store.linked_owners(entity, id, target).await,
        None => return Err(ApiError::internal()),
    };
    Ok(links
        .map_err(store_error)?
        .into_iter()
        .map(|l| l.id)
        .collect())
}
