# users
