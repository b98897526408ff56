//! The "Common use cases" tab: cards grouped by task as in Bitrix24's Developer
//! resources. Each case opens the inbound-webhook form preset with its scopes and a
//! suggested method for the request builder; under "Other", cards open the
//! local-application form (for administrators, who alone may create one) and
//! the outbound-webhook form. Only cases that work today are listed.

use maud::{html, Markup};

use crate::ui::i18n::Tr;

/// One ready-made scenario.
#[derive(Clone, Copy, Debug)]
pub struct UseCase {
    /// Stable id, used in `?case=`.
    pub id: &'static str,
    /// Message id of its title (its description is `{title}-desc`).
    pub title: &'static str,
    /// Scopes the webhook gets.
    pub scopes: &'static [&'static str],
    /// The method the builder opens with.
    pub method: &'static str,
}

/// A group of cases with its heading's message id.
pub struct CaseGroup {
    /// Message id of the heading.
    pub title: &'static str,
    /// The cases.
    pub cases: &'static [UseCase],
}

/// Every group and case, in display order.
pub const GROUPS: &[CaseGroup] = &[
    CaseGroup {
        title: "group-import-export",
        cases: &[
            UseCase {
                id: "import-clients",
                title: "case-import-clients",
                scopes: &["crm"],
                method: "crm.contact.add",
            },
            UseCase {
                id: "export-clients",
                title: "case-export-clients",
                scopes: &["crm"],
                method: "crm.contact.list",
            },
        ],
    },
    CaseGroup {
        title: "group-integrate",
        cases: &[
            UseCase {
                id: "sync-clients",
                title: "case-sync-clients",
                scopes: &["crm"],
                method: "crm.duplicate.findbycomm",
            },
            UseCase {
                id: "add-leads",
                title: "case-add-leads",
                scopes: &["crm"],
                method: "crm.lead.add",
            },
        ],
    },
    CaseGroup {
        title: "group-automate-sales",
        cases: &[
            UseCase {
                id: "move-lead",
                title: "case-move-lead",
                scopes: &["crm"],
                method: "crm.lead.update",
            },
            UseCase {
                id: "move-deal",
                title: "case-move-deal",
                scopes: &["crm"],
                method: "crm.deal.update",
            },
        ],
    },
    CaseGroup {
        title: "group-automate-management",
        cases: &[
            UseCase {
                id: "assign-task",
                title: "case-assign-task",
                scopes: &["task"],
                method: "tasks.task.add",
            },
            UseCase {
                id: "send-notification",
                title: "case-send-notification",
                scopes: &["im"],
                method: "im.notify.system.add",
            },
            UseCase {
                id: "publish-report",
                title: "case-publish-report",
                scopes: &["log"],
                method: "log.blogpost.add",
            },
            UseCase {
                id: "monitor-tasks",
                title: "case-monitor-tasks",
                scopes: &["task"],
                method: "tasks.task.list",
            },
        ],
    },
    CaseGroup {
        title: "group-chatbot",
        cases: &[
            UseCase {
                id: "inform-employees",
                title: "case-inform-employees",
                scopes: &["im"],
                method: "im.message.add",
            },
            UseCase {
                id: "forward-to-bot",
                title: "case-forward-to-bot",
                scopes: &["im", "imbot"],
                method: "imbot.register",
            },
        ],
    },
    CaseGroup {
        title: "group-other",
        cases: &[UseCase {
            id: "inbound-webhook",
            title: "case-inbound-webhook",
            scopes: &[],
            method: "profile",
        }],
    },
];

/// The group whose cards end with the outbound-webhook card (it opens its
/// own form, not the inbound one).
const OUTBOUND_GROUP: &str = "group-other";

/// The case with this id.
pub fn find(id: &str) -> Option<&'static UseCase> {
    GROUPS
        .iter()
        .flat_map(|g| g.cases.iter())
        .find(|c| c.id == id)
}

/// The cards of the "Common use cases" tab; `admin` adds the local-application card.
pub fn cards(tr: &Tr, admin: bool) -> Markup {
    html! {
        div.case-groups {
            @for group in GROUPS {
                section.case-group {
                    h2 { (tr.t(group.title)) }
                    @for case in group.cases {
                        a.use-case href={ "/developer/webhooks/new?case=" (case.id) } data-case=(case.id) {
                            strong { (tr.t(case.title)) }
                            span { (tr.t(&format!("{}-desc", case.title))) }
                        }
                    }
                    @if group.title == OUTBOUND_GROUP && admin {
                        a.use-case #case-local-app href="/developer/apps/new" data-case="local-app" {
                            strong { (tr.t("case-local-app")) }
                            span { (tr.t("case-local-app-desc")) }
                        }
                    }
                    @if group.title == OUTBOUND_GROUP {
                        a.use-case #case-outbound href="/developer/outbound/new" data-case="outbound-webhook" {
                            strong { (tr.t("case-outbound-webhook")) }
                            span { (tr.t("case-outbound-webhook-desc")) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn every_case_is_translated_and_its_method_exists() {
        let registry = portico_methods::registry();
        for lang in Lang::ALL {
            let tr = Tr::new(lang);
            for group in GROUPS {
                assert_ne!(tr.t(group.title), group.title);
                for case in group.cases {
                    assert_ne!(tr.t(case.title), case.title, "{lang:?}");
                    let desc = format!("{}-desc", case.title);
                    assert_ne!(tr.t(&desc), desc, "{lang:?}");
                    let spec = registry.get(case.method).expect("suggested method exists");
                    let scopes: Vec<String> = case.scopes.iter().map(|s| s.to_string()).collect();
                    assert!(
                        spec.granted_by(&scopes),
                        "{} granted by {:?}",
                        case.method,
                        case.scopes
                    );
                }
            }
        }
        assert_eq!(
            find("import-clients").map(|c| c.method),
            Some("crm.contact.add")
        );
    }
}
