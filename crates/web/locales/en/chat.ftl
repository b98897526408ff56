# Chat pages: the dialog list, a dialog with its messages, the new group chat form.
nav-chat = Chat
chat-dialogs = Dialogs
chat-no-dialogs = No dialogs yet.
chat-unread = { $count ->
    [one] One unread message
   *[other] { $count } unread messages
}
chat-open-with = Write to
chat-open = Open dialog
chat-choose = Choose a dialog on the left, open one with a colleague, or create a group chat.
chat-group-new = New group chat
chat-group-title = Title
chat-group-type = Kind
chat-group-members = Members
chat-group-create = Create chat
chat-type-private = Private dialog
chat-type-closed = Closed chat: only its members read it
chat-type-open = Open chat: anyone may read and join it
chat-members = { $count ->
    [one] One member
   *[other] { $count } members
}
chat-no-messages = No messages yet.
chat-system = System
chat-edited = edited
chat-deleted = This message was deleted.
chat-message = Message
chat-send = Send
chat-leave = Leave the chat
chat-join = Join the chat
chat-error-denied = You may not do this in this chat.
chat-error-empty = A message cannot be empty.
