# Tasks pages, the tasks block of CRM records, deal pipelines, task use cases.
nav-tasks = Tasks
task-new = New task
task-create = Create task
task-tabs = Task lists
task-tab-mine = My tasks
task-tab-created = Created by me
task-tab-all = All tasks
task-total = { $count ->
    [one] One task
   *[other] { $count } tasks
}
task-empty = No tasks here.
task-filter-any = Any
task-filter-deadline = Deadline by
task-filter-apply = Filter
task-field-title = Title
task-field-description = Description
task-field-status = Status
task-field-responsible = Responsible
task-field-creator = Created by
task-field-deadline = Deadline
task-field-crm = CRM
task-crm-hint = A CRM record as L_12 (lead), D_12 (deal), C_12 (contact) or CO_12 (company).
task-status-new = New
task-status-pending = Pending
task-status-in-progress = In progress
task-status-supposedly-completed = Awaiting approval
task-status-completed = Completed
task-status-deferred = Deferred
task-status-declined = Declined
task-action-start = Start
task-action-pause = Pause
task-action-complete = Complete
task-action-renew = Renew
task-comments = Comments
task-no-comments = No comments yet.
task-comment-label = Your comment
task-comment-add = Add comment
task-none-linked = No tasks are linked to this record.
task-link-lead = Lead #{ $id }
task-link-deal = Deal #{ $id }
task-link-contact = Contact #{ $id }
task-link-company = Company #{ $id }
task-back-to-list = Back to the tasks
task-error-not-allowed = You may not do this with the task.
task-error-refused = The task was not saved
task-error-comment = A comment needs some text.
task-error-title = A task needs a title of at most 255 characters.
task-error-description = The description is too long.
task-error-responsible = Choose the responsible person.
task-error-crm = The CRM link must look like L_12, D_12, C_12 or CO_12.
deal-pipeline = Pipeline
deal-all-pipelines = All pipelines
deal-move-to = Move to stage
deal-move = Move
deal-error-stage = That stage is not one of the deal's pipeline.
group-automate-management = Automate management
case-assign-task = Assign a task
case-assign-task-desc = Create a task for an employee from another system, linked to a CRM record.
case-monitor-tasks = Monitor tasks
case-monitor-tasks-desc = Read tasks by status, responsible person or deadline to report on them.
task-edit = Edit task
task-save = Save task
task-back = Back
task-field-accomplices = Accomplices
task-field-auditors = Auditors
task-field-group = Workgroup
task-no-group = No workgroup
task-action-defer = Defer
task-action-approve = Approve
task-action-disapprove = Send back
task-action-edit = Edit
task-action-delegate = Delegate
task-delegate-to = Delegate to
task-checklist = Checklist
task-checklist-empty = The checklist is empty.
task-checklist-item = New item
task-checklist-add = Add item
task-checklist-complete = Done
task-checklist-renew = Not done
task-checklist-delete = Delete
task-time = Time spent
task-time-total = { $minutes ->
    [one] 1 minute in all
   *[other] { $minutes } minutes in all
}
task-time-minutes = { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}
task-time-minutes-label = Minutes
task-time-comment = What was done
task-time-add = Add time
task-error-checklist = A checklist item needs a title of at most 2000 characters.
task-error-time = Time needs a whole number of minutes (at most a week) and a comment of at most 2000 characters.
