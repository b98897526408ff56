# Labels of the standard CRM fields (the `crm.{entity}.fields` codes), one message
# per code: `field-` + the code in lower case with `-` for `_`. A code whose
# title differs between entities selects on `$entity` (LEAD, DEAL, CONTACT, COMPANY).
field-id = ID
field-title = { $entity ->
    [LEAD] Lead Name
    [COMPANY] Company name
   *[other] Name
}
field-honorific = Salutation
field-name = First name
field-second-name = Middle name
field-last-name = Last name
field-birthdate = Date of birth
field-company-title = Company name
field-source-id = Source
field-source-description = Source information
field-status-id = Stage
field-status-description = Stage information
field-status-semantic-id = Status details
field-post = Position
field-address = Address
field-address-2 = Address (line 2)
field-address-city = City
field-address-postal-code = Zip
field-address-region = Region
field-address-province = State / Province
field-address-country = Country
field-address-country-code = Country code
field-address-loc-addr-id = Location address ID
field-currency-id = Currency
field-opportunity = Amount
field-is-manual-opportunity = Manual amount
field-opened = Available to everyone
field-comments = Comment
field-has-phone = Has phone
field-has-email = Has e-mail
field-has-imol = Has Open Channel
field-assigned-by-id = Responsible person
field-created-by-id = Created by
field-modify-by-id = Modified by
field-moved-by-id = Stage changed by
field-date-create = Created on
field-date-modify = Modified on
field-moved-time = Stage changed on
field-date-closed = Completed on
field-company-id = Company
field-contact-id = { $entity ->
    [COMPANY] Contacts
   *[other] Contact
}
field-contact-ids = Contacts
field-quote-id = Estimate
field-photo = Photo
field-is-return-customer = { $entity ->
    [LEAD] Repeat lead
   *[other] Repeat deal
}
field-originator-id = External source
field-origin-id = Item ID in data source
field-utm-source = Ad system
field-utm-medium = Medium
field-utm-campaign = Ad campaign UTM
field-utm-content = Campaign contents
field-utm-term = Campaign search term
field-last-activity-time = Last activity
field-last-activity-by = Last activity by
field-phone = Phone
field-email = E-mail
field-web = Website
field-im = Messenger
field-link = LINK
field-type-id = { $entity ->
    [CONTACT] Contact type
   *[other] Type
}
field-category-id = Pipeline
field-stage-id = Deal stage
field-stage-semantic-id = Stage group
field-is-new = New deal
field-is-recurring = Recurring deal
field-is-repeated-approach = Repeat inquiry
field-probability = Probability
field-tax-value = Tax rate
field-begindate = Start date
field-closedate = End date
field-closed = Closed
field-lead-id = Lead
field-additional-info = Additional information
field-location-id = Location
field-export = Included in export
field-company-ids = Companies
field-origin-version = Original version
field-company-type = Company type
field-logo = Logo
field-address-legal = Legal address
field-reg-address = Legal address
field-reg-address-2 = Legal address (line 2)
field-reg-address-city = Legal address city
field-reg-address-postal-code = Legal address zip
field-reg-address-region = Legal address region
field-reg-address-province = Legal address state / province
field-reg-address-country = Legal address country
field-reg-address-country-code = Legal address country code
field-reg-address-loc-addr-id = Legal location address ID
field-banking-details = Payment details
field-industry = Industry
field-employees = Employees
field-revenue = Annual revenue
field-is-my-company = My company
field-last-communication-time = Last communication
