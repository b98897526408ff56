# The CRM pages: lists of leads, deals, contacts and companies, and their records.
crm-error-denied = Your CRM role does not allow you to see these records.
crm-search-label = Search
crm-search-placeholder-title = Search by name
crm-search-placeholder-name = Search by first or last name
crm-search-clear = Clear search
crm-total = { $count ->
    [one] One record
   *[other] { $count } records
}
crm-empty = There are no records yet.
crm-no-match = No records match the search.
crm-col-id = ID
crm-col-title = Name
crm-col-name = Name
crm-col-stage = Stage
crm-col-type = Type
crm-col-amount = Amount
crm-col-responsible = Responsible
crm-col-created = Created
crm-untitled = Untitled #{ $id }
crm-pages = Pages
crm-previous = ← Previous
crm-next = Next →
crm-page = Page { $page }
