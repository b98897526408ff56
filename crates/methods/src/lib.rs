//! The REST methods of Portico and the registry that declares each of them once.
//!
//! A method sees a [`Ctx`] (store, caller, clock, registry) and the decoded
//! [`Params`](portico_protocol::params::Params), never HTTP; the same method thus
//! serves `/rest/...`, `batch` sub-calls and the request builder. One module per
//! scope: [`core`] (`basic`), [`user`], [`crm`], [`tasks`] (`task`), [`im`],
//! [`log`] (the live feed).

pub mod apps;
pub mod context;
pub mod core;
pub mod crm;
pub mod department;
pub mod dispatch;
pub mod events;
pub mod im;
pub mod imbot;
pub mod leniency;
pub mod listing;
pub mod log;
pub mod operating;
pub mod placement;
pub mod plan;
pub mod registry;
pub mod sonet_group;
pub mod tasks;
pub mod user;
pub mod values;

pub use context::{AuthKind, Caller, Clock, Ctx, SubCallObserver};
pub use dispatch::call;
pub use operating::{call_counted, Counted, Operating, OperatingLimit, TimeSource};
pub use plan::Plan;
pub use registry::{MethodOutput, MethodSpec, ParamSpec, Registry};

/// The registry of every method Portico serves.
pub fn registry() -> Registry {
    let mut r = Registry::default();
    core::register(&mut r);
    events::register(&mut r);
    user::register(&mut r);
    crm::register(&mut r);
    department::register(&mut r);
    sonet_group::register(&mut r);
    tasks::register(&mut r);
    im::register(&mut r);
    log::register(&mut r);
    placement::register(&mut r);
    imbot::register(&mut r);
    r
}
