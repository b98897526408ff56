# The users page (administrators only).
users-title = Users
users-col-id = ID
users-col-login = Login
users-col-name = Name
users-col-email = E-mail
users-col-role = Role
users-col-admin = Administrator
users-col-active = Active
users-col-actions = Actions
users-you = This is you
users-activate = Activate
users-deactivate = Deactivate
users-grant-admin = Make administrator
users-revoke-admin = Revoke administrator
users-activate-label = Activate { $login }
users-deactivate-label = Deactivate { $login }
users-grant-admin-label = Make { $login } an administrator
users-revoke-admin-label = Revoke administrator rights from { $login }
users-add-title = Add user
users-field-login = Login
users-field-name = First name
users-field-last-name = Last name
users-field-email = E-mail
users-field-password = Password
users-password-hint = { $min ->
    [one] At least one character.
   *[other] At least { $min } characters.
}
users-field-admin = Administrator
users-field-role = CRM role
users-role-default = { $name } (default)
users-role-hint = The role sets which CRM records the user may see and change. Administrators have all rights whatever their role.
users-role-admin-note = Administrator: all rights
users-add-submit = Add user
users-done-added = The user was added. They can sign in now.
users-done-activated = The user was activated.
users-done-deactivated = The user was deactivated and signed out everywhere.
users-done-admin-granted = The user is now an administrator.
users-done-admin-revoked = The user is no longer an administrator.
users-error-login = { $max ->
    [one] The login is required: one character, without spaces.
   *[other] The login is required: up to { $max } characters, without spaces.
}
users-error-name = { $max ->
    [one] Names may have at most one character.
   *[other] Names may have at most { $max } characters.
}
users-error-email = The e-mail address is not valid.
users-error-role = Choose one of the listed roles.
users-error-password = { $min ->
    [one] The password must have at least one character.
   *[other] The password must have at least { $min } characters.
}
users-error-login-taken = The login “{ $login }” is already taken.
users-error-self-deactivate = You cannot deactivate your own account.
users-error-self-revoke = You cannot revoke your own administrator rights.
