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

# Common use cases of the messenger, the live feed and chat bots.
case-send-notification = Send a notification
case-send-notification-desc = Notify an employee from another system: the bell on their portal pages lights up at once.
case-publish-report = Publish a report in the live feed
case-publish-report-desc = Post a report to the live feed for everyone, or for chosen people, workgroups or departments.
group-chatbot = Add a chatbot
case-inform-employees = Inform employees in chat
case-inform-employees-desc = Send a message to an employee's chat or to a group chat from another system.
case-forward-to-bot = Forward messages from chat to the bot
case-forward-to-bot-desc = Register a chat bot: what employees write to it in chat is sent to your handler URL, and it answers in the dialog.
