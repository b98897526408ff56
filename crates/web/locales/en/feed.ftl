# The Feed page (live feed posts and comments).
nav-feed = Feed
scope-log = Live feed
event-ONLIVEFEEDPOSTADD = a feed post was published
event-ONLIVEFEEDPOSTUPDATE = a feed post was changed
event-ONLIVEFEEDPOSTDELETE = a feed post was deleted
feed-live-news = There is new activity in the feed.
feed-live-reload = Show it
feed-new-post = New post
feed-field-title = Title (optional)
feed-field-text = Message
feed-recipients = Recipients
feed-to-all = All employees
feed-to-chosen = Chosen recipients:
feed-to-users = Users
feed-to-groups = Workgroups
feed-to-departments = Departments
feed-publish = Publish
feed-empty = No posts yet. Write the first one above.
feed-pages = Feed pages
feed-newer = ← Newer posts
feed-older = Older posts →
feed-to = to
feed-important = Important
feed-delete = Delete post
feed-comments = { $count ->
    [0] No comments
    [one] { $count } comment
   *[other] { $count } comments
}
feed-comment-label = Write a comment
feed-comment-send = Comment
feed-error-text = Write a message.
feed-error-title = The title may have at most 255 characters.
feed-error-recipients = Choose at least one user, workgroup or department, or send it to all employees.
feed-error-comment = Write a comment.
feed-error-refused = The feed refused this: { $reason }
feed-error-denied = Only the author and administrators may delete this post.
