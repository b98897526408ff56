# The portal's frame, sign-in and errors.
skip-to-content = Skip to content
language = Language
language-apply = Apply
sign-out = Sign out
nav-main = Main menu
nav-developer = Developer resources
nav-crm = CRM
nav-leads = Leads
nav-deals = Deals
nav-contacts = Contacts
nav-companies = Companies
nav-users = Users
sign-in-title = Sign in to Portico
sign-in-login = Login
sign-in-password = Password
sign-in-submit = Sign in
sign-in-failed = Wrong login or password.
sign-in-throttled = { $minutes ->
    [one] Too many failed attempts. Try again in a minute.
   *[other] Too many failed attempts. Try again in { $minutes } minutes.
}
sign-in-busy = The portal is busy checking other sign-ins. Try again in a moment.
error-back-home = Back to the portal
error-not-found = Page not found.
error-internal = Something went wrong on the server. The error was logged.
error-csrf = The form has expired or did not come from this portal. Reload the page and try again.
error-admin-only = Only administrators may open this page.
error-bad-form = The form could not be read.
action-save = Save
action-cancel = Cancel
action-delete = Delete
action-edit = Edit
action-search = Search
action-copy = Copy
action-copied = Copied
yes = Yes
no = No
