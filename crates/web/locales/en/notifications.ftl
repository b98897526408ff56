# Notifications: the bell of the top bar and the Notifications page.
notifications-title = Notifications
notifications-unread = { $count ->
    [0] No unread notifications
    [one] One unread notification
   *[other] { $count } unread notifications
}
notifications-mark-read = Mark as read
notifications-mark-all-read = Mark all as read
notifications-new = New
notifications-system = System
notifications-empty = No notifications yet.
notifications-no-older = No older notifications.
notifications-older = Older notifications
