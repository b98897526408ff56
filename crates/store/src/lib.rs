//! Storage for Portico: the traits every backend implements (split by area), the
//! models they exchange, the field catalogues of the record types (users, CRM
//! entities) and the dynamic list-query builder shared by all backends.
//!
//! Values cross this boundary already typed ([`FieldValue`]); turning wire
//! parameters into typed values and back is the job of the `methods` crate.

pub mod app_events;
pub mod apps;
pub mod bots;
pub mod cache;
pub mod chats;
pub mod conformance;
pub mod crm;
pub mod currencies;
pub mod deliveries;
pub mod departments;
pub mod entity;
pub mod error;
pub mod events;
pub mod feed;
pub mod links;
pub mod list;
pub mod live;
pub mod meta;
pub mod notifications;
pub mod offline_events;
pub mod outbound;
pub mod pipelines;
pub mod placements;
pub mod records;
pub mod rest_limits;
pub mod rest_stats;
pub mod roles;
pub mod sandbox;
pub mod sandbox_deliveries;
pub mod scrum;
pub mod secrets;
pub mod sessions;
pub mod sign_in_attempts;
pub mod sizes;
pub mod statuses;
pub mod tasks;
pub mod transfer;
pub mod user_fields;
pub mod users;
pub mod webhooks;
pub mod workgroups;

pub use app_events::{AppEventStore, AppHandlerFilter, InstallCallback, NewAppHandler};
pub use apps::{AccessGrant, App, AppChange, AppStore, NewApp, NewGrant};
pub use bots::{
    Bot, BotCommand, BotEventOut, BotOwner, BotStore, BotType, EventMode, QueuedBotEvent,
};
pub use chats::{
    Chat, ChatChange, ChatKind, ChatMember, ChatStore, ChatSummary, JoinNotice, Message,
    MessageChange, MessageQuery, NewChat, NewMessage, SystemNotice,
};
pub use currencies::{Currency, CurrencyChange, CurrencyLang, CurrencyStore};
pub use deliveries::{
    AttemptRecord, AttemptVerdict, ClaimedDelivery, DeliveriesDue, Delivery, DeliveryAttempt,
    DeliveryQuery, DeliveryState, DeliveryStore, QueuedTest, TEST_EVENT_CODE,
};
pub use departments::{Department, DepartmentFields, DepartmentStore};
pub use entity::{EntityDef, FieldDef, FieldKind, MultiType, StorageType};
pub use error::StoreError;
pub use events::{Event, EventStamp, EventStore, RecordChange, UserFieldChangeKind};
pub use feed::{
    FeedComment, FeedPage, FeedPost, FeedPostFields, FeedQuery, FeedStore, FeedTag, FeedWindow,
    Recipient,
};
pub use links::{Link, LinkChange, LinkEnd, LinkEvent, LinkStore};
pub use list::{Condition, Direction, ListPage, ListQuery, OrderKey};
pub use live::{LiveEvent, LivePush, LiveStore, LiveWake};
pub use meta::MetaStore;
pub use notifications::{
    NewNotification, Notification, NotificationCounts, NotificationStore, NotifyKind, ReadScope,
    TagField,
};
pub use offline_events::OfflineEventStore;
pub use outbound::{
    DisableReason, Disabled, NewOutboundWebhook, OutboundWebhook, OutboundWebhookChange,
    OutboundWebhookStore,
};
pub use pipelines::{Category, CategoryChange, CategoryDeletion, NewCategory, PipelineStore};
pub use placements::{NewPlacement, Placement, PlacementStore};
pub use records::{
    FieldValue, LinkListWrite, MultiFieldChange, MultiFieldValue, Record, RecordStore, RecordWrite,
};
pub use rest_limits::{
    BucketAdmission, BucketRule, OperatingBasket, OperatingWindow, RestLimitStore,
};
pub use rest_stats::{IntegrationKind, RestStatCounts, RestStatKey, RestStatsStore};
pub use roles::{Action, Level, Levels, NewRole, Role, RoleStore};
pub use sandbox::{Fault, NewFault, SandboxStore};
pub use sandbox_deliveries::{
    Capture, CaptureQuery, HandlerMode, NewCapture, SandboxDeliveryStore,
};
pub use scrum::{Epic, ScrumEntity, ScrumItem, ScrumPlacement, ScrumStore, SprintStart};
pub use sessions::{Session, SessionStore};
pub use sign_in_attempts::{Admission, AttemptCount, AttemptRule, SignInAttemptStore};
pub use statuses::{NewStatus, Semantics, Status, StatusChange, StatusStore};
pub use tasks::{ChecklistItem, ElapsedItem, TaskComment, TaskHistoryEntry, TaskStore};
pub use user_fields::{UserField, UserFieldStore, UserType};
pub use users::{NewUser, User, UserAdded, UserEventData, UserStore};
pub use webhooks::{NewWebhook, Webhook, WebhookChange, WebhookStore};
pub use workgroups::{GroupMember, Workgroup, WorkgroupStore};

/// Everything a backend provides, gathered so it can be held as `Arc<dyn Store>`.
pub trait Store:
    UserStore
    + AppStore
    + PlacementStore
    + AppEventStore
    + OfflineEventStore
    + WebhookStore
    + RecordStore
    + LinkStore
    + StatusStore
    + PipelineStore
    + RoleStore
    + UserFieldStore
    + SessionStore
    + MetaStore
    + SignInAttemptStore
    + RestLimitStore
    + RestStatsStore
    + SandboxStore
    + SandboxDeliveryStore
    + EventStore
    + OutboundWebhookStore
    + DeliveryStore
    + CurrencyStore
    + DepartmentStore
    + WorkgroupStore
    + TaskStore
    + ScrumStore
    + LiveStore
    + NotificationStore
    + ChatStore
    + FeedStore
    + BotStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: UserStore
        + AppStore
        + PlacementStore
        + AppEventStore
        + OfflineEventStore
        + WebhookStore
        + RecordStore
        + LinkStore
        + StatusStore
        + PipelineStore
        + RoleStore
        + UserFieldStore
        + SessionStore
        + MetaStore
        + SignInAttemptStore
        + RestLimitStore
        + RestStatsStore
        + SandboxStore
        + SandboxDeliveryStore
        + EventStore
        + OutboundWebhookStore
        + DeliveryStore
        + CurrencyStore
        + DepartmentStore
        + WorkgroupStore
        + TaskStore
        + ScrumStore
        + LiveStore
        + NotificationStore
        + ChatStore
        + FeedStore
        + BotStore
        + Send
        + Sync
        + 'static
{
}
