//! The plan's word in Developer resources: on a plan without REST (`free`)
//! inbound webhooks, outbound webhooks and local applications cannot be
//! created, and the pages say why and which plans enable them.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use portico_methods::Plan;

use crate::state::AppState;
use crate::ui::i18n::Tr;
use crate::ui::page::{self, Section};
use crate::ui::session::Signed;

/// What a refused form would have created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Creation {
    /// An inbound webhook.
    Webhook,
    /// An outbound webhook.
    Outbound,
    /// A local application.
    App,
}

/// Why nothing using REST can be created, naming the plan and the plans that enable it.
fn explanation(tr: &Tr, plan: Plan) -> Markup {
    html! {
        p.warning #plan-no-rest { (tr.t_with("plan-no-rest", &[("plan", plan.name())])) }
    }
}

/// The notice of the Developer resources page, when the plan has no REST.
pub fn notice(state: &AppState, tr: &Tr) -> Option<Markup> {
    let plan = state.rest_limits.plan;
    (!plan.has_rest()).then(|| explanation(tr, plan))
}

/// The page answered instead of a creation form when the plan has no REST
/// (403, with the explanation).
pub fn refusal(state: &AppState, signed: &Signed, creation: Creation) -> Option<Response> {
    let plan = state.rest_limits.plan;
    if plan.has_rest() {
        return None;
    }
    let tr = &signed.tr;
    let title = tr.t(match creation {
        Creation::Webhook => "webhook-new-title",
        Creation::Outbound => "outbound-new-title",
        Creation::App => "app-new-title",
    });
    let body = html! {
        h1 { (title) }
        (explanation(tr, plan))
        a.button href="/developer" { (tr.t("nav-developer")) }
    };
    let page = page::page(signed, Section::Developer, &title, body);
    Some((StatusCode::FORBIDDEN, page).into_response())
}
