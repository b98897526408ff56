"""The request shapes of bench/million.sh, shared by the REST side
(million_api.py) and the SQLite-alone side (million_sql.py): each case is one
`crm.lead.list` (or `crm.duplicate.findbycomm`) query, the plain SQL that
answers it without Portico, and what its answer must be on the leads
bench/seed.py makes.

Deep positions scale with the number of leads, so a 100,000-lead run asks the
same relative questions as the 1,000,000-lead one (start=950000 becomes 95000).
"""

PAGE = 50

# `filter[>OPPORTUNITY]=1000 & filter[STATUS_ID]=NEW`: 72% of seed.py's leads.
FILTER = [("filter[>OPPORTUNITY]", "1000"), ("filter[STATUS_ID]", "NEW")]
FILTER_SQL = "opportunity > 1000 AND status_id = 'NEW'"

SELECTIVE_NEEDLE = "ead 4242"
BROAD_NEEDLE = "ead 1"


def lead_status(i):
    """seed.py's STATUS_ID of lead number i (1-based)."""
    return "IN_PROCESS" if i % 5 == 4 else "NEW"


def lead_opportunity(i):
    """seed.py's OPPORTUNITY of lead number i."""
    return (i * 7919) % 10000


def lead_phone(i):
    """seed.py's WORK phone of lead number i."""
    return f"+1555{i:07d}"


def in_filter(i):
    """Whether lead number i matches FILTER."""
    return lead_status(i) == "NEW" and lead_opportunity(i) > 1000


def scaled(leads, position):
    """`position` of a 1,000,000-lead table, scaled to `leads`, on a page boundary."""
    return (position * leads // 1_000_000) // PAGE * PAGE


class Case:
    """One measured request: its REST query and the SQL of SQLite alone.

    `kind` says how it is timed: `same` repeats one request; `first` is a first
    page with `total`, timed right after a write and repeated; `jump` asks one
    deep page at `starts`, each start once (a repeated deep page could be
    answered from what the server remembers of the previous call, which is no
    random jump). `count_sql` is None when the REST answer carries no `total`
    (cursor paging, duplicate search); `page_sql` returns the rows of the REST
    answer, in the same order, with the id first (the bench compares the ids);
    for a jump it has an `{offset}` placeholder.
    """

    def __init__(self, name, label, method, query, total, page_sql, count_sql=None,
                 kind="same", starts=()):
        self.name = name
        self.label = label
        self.method = method
        self.query = query
        self.total = total
        self.page_sql = page_sql
        self.count_sql = count_sql
        self.kind = kind
        self.starts = list(starts)

    def query_at(self, start):
        """The REST query of a jump to `start`."""
        return self.query + [("start", start)]

    def sql_at(self, start):
        """The page SQL of a jump to `start`."""
        return self.page_sql.format(offset=start)


def jump_starts(leads, position, n, rows):
    """`n` distinct starts around `position` (scaled) in a set of `rows` rows: it,
    then ±1%, ±2%, … of the table, leaving out those past the last full page."""
    first = scaled(leads, position)
    step = max(scaled(leads, 10_000), PAGE)
    out = [first]
    k = 1
    while len(out) < n and k * step <= first:
        out += [s for s in (first + k * step, first - k * step) if s + PAGE <= rows]
        k += 1
    return out[:n]


def cases(leads, min_id, repeat):
    """The single-client cases for `leads` seeded leads whose first id is `min_id`."""
    filtered = sum(1 for i in range(1, leads + 1) if in_filter(i))
    selective = sum(1 for i in range(1, leads + 1) if SELECTIVE_NEEDLE in f"Lead {i}")
    broad = sum(1 for i in range(1, leads + 1) if BROAD_NEEDLE in f"Lead {i}")
    deep = jump_starts(leads, 950_000, repeat, leads)
    jump = jump_starts(leads, 500_000, repeat, filtered)
    cursor_after = min_id - 1 + scaled(leads, 900_000)
    phone_of = max(1, 424_242 * leads // 1_000_000)
    page = f"LIMIT {PAGE}"
    spread = f"{len(deep)} starts within ±{max(abs(s - deep[0]) for s in deep):,}, each asked once"
    spread_j = f"{len(jump)} starts within ±{max(abs(s - jump[0]) for s in jump):,}, each asked once"
    return [
        Case("unfiltered_deep", f"no filter, `start={deep[0]}` (random jump: {spread})",
             "crm.lead.list", [], leads,
             f"SELECT * FROM crm_leads ORDER BY id {page} OFFSET {{offset}}",
             "SELECT COUNT(*) FROM crm_leads", kind="jump", starts=deep),
        Case("filtered_first", "`>OPPORTUNITY=1000` + `STATUS_ID=NEW`, first page with `total`",
             "crm.lead.list", FILTER, filtered,
             f"SELECT * FROM crm_leads WHERE {FILTER_SQL} ORDER BY id {page}",
             f"SELECT COUNT(*) FROM crm_leads WHERE {FILTER_SQL}", kind="first"),
        Case("filtered_jump", f"the same filter, `start={jump[0]}` (random jump: {spread_j})",
             "crm.lead.list", FILTER, filtered,
             f"SELECT * FROM crm_leads WHERE {FILTER_SQL} ORDER BY id {page} OFFSET {{offset}}",
             f"SELECT COUNT(*) FROM crm_leads WHERE {FILTER_SQL}", kind="jump", starts=jump),
        Case("title_selective", f"`%TITLE={SELECTIVE_NEEDLE}` ({selective} matches), first page with `total`",
             "crm.lead.list", [("filter[%TITLE]", SELECTIVE_NEEDLE)], selective,
             f"SELECT * FROM crm_leads WHERE title LIKE '%{SELECTIVE_NEEDLE}%' ORDER BY id {page}",
             f"SELECT COUNT(*) FROM crm_leads WHERE title LIKE '%{SELECTIVE_NEEDLE}%'", kind="first"),
        Case("title_broad", f"`%TITLE={BROAD_NEEDLE}` ({broad:,} matches), first page with `total`",
             "crm.lead.list", [("filter[%TITLE]", BROAD_NEEDLE)], broad,
             f"SELECT * FROM crm_leads WHERE title LIKE '%{BROAD_NEEDLE}%' ORDER BY id {page}",
             f"SELECT COUNT(*) FROM crm_leads WHERE title LIKE '%{BROAD_NEEDLE}%'", kind="first"),
        Case("title_desc_jump", f"`order[TITLE]=DESC`, `start={jump[0]}` (random jump: {spread_j})",
             "crm.lead.list", [("order[TITLE]", "DESC")], leads,
             f"SELECT * FROM crm_leads ORDER BY title DESC, id {page} OFFSET {{offset}}",
             "SELECT COUNT(*) FROM crm_leads", kind="jump", starts=jump),
        Case("cursor", f"`start=-1`, `>ID={cursor_after}`, `order[ID]=ASC` (cursor)", "crm.lead.list",
             [("order[ID]", "ASC"), ("filter[>ID]", cursor_after), ("start", -1)], None,
             f"SELECT * FROM crm_leads WHERE id > {cursor_after} ORDER BY id {page}"),
        Case("findbycomm", f"`crm.duplicate.findbycomm`, one phone ({lead_phone(phone_of)})",
             "crm.duplicate.findbycomm",
             [("type", "PHONE"), ("values[]", lead_phone(phone_of))], None,
             # Portico's own candidate query for a phone: its digits in order.
             "SELECT owner_id, value FROM crm_multifields WHERE entity = 'LEAD' "
             "AND type_id = 'PHONE' AND value LIKE '%" + "%".join(lead_phone(phone_of)[1:]) + "%'"),
    ]


def windows(leads, filtered):
    """The sequential-page windows of the filtered walk: (label, first start).

    Each window is 20 pages. The deepest one is the walk's last 20 pages: the
    72% filter has ~720,000 rows at 1,000,000 leads, so no page starts at 900,000.
    """
    last = max(0, (filtered - 1) // PAGE * PAGE - 19 * PAGE)
    return [("near 0", 0), (f"near {scaled(leads, 450_000):,}", scaled(leads, 450_000)),
            (f"the last 20 pages (from {last:,})", last)]
