//! The UI's languages: English and Brazilian Portuguese, one Fluent bundle each,
//! built once from the `.ftl` files embedded at compile time. A page gets a
//! [`Tr`] for the user's setting or, failing that, the browser's Accept-Language.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language of the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Brazilian Portuguese.
    PtBr,
}

impl Lang {
    /// Every language, in the order the language menu lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::PtBr];

    /// The BCP 47 tag (`en`, `pt-BR`), also the value stored in the user's setting.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::PtBr => "pt-BR",
        }
    }

    /// The language's own name.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::PtBr => "Português (Brasil)",
        }
    }

    /// The language of a stored tag, if it is one of ours.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// The best of our languages for an `Accept-Language` header (English when nothing matches).
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::En;
        };
        let requested = fluent_langneg::accepted_languages::parse(header);
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            &AVAILABLE,
            AVAILABLE.first(),
            fluent_langneg::NegotiationStrategy::Filtering,
        );
        chosen
            .first()
            .and_then(|id| Lang::from_tag(&id.to_string()))
            .unwrap_or(Lang::En)
    }
}

/// The `.ftl` files of one language, one per area of the UI.
macro_rules! sources {
    ($dir:literal) => {
        &[
            include_str!(concat!("../../locales/", $dir, "/main.ftl")),
            include_str!(concat!("../../locales/", $dir, "/developer.ftl")),
            include_str!(concat!("../../locales/", $dir, "/outbound.ftl")),
            include_str!(concat!("../../locales/", $dir, "/apps.ftl")),
            include_str!(concat!("../../locales/", $dir, "/crm.ftl")),
            include_str!(concat!("../../locales/", $dir, "/crm-fields.ftl")),
            include_str!(concat!("../../locales/", $dir, "/users.ftl")),
            include_str!(concat!("../../locales/", $dir, "/tasks.ftl")),
            include_str!(concat!("../../locales/", $dir, "/directories.ftl")),
            include_str!(concat!("../../locales/", $dir, "/workgroups.ftl")),
            include_str!(concat!("../../locales/", $dir, "/oauth.ftl")),
            include_str!(concat!("../../locales/", $dir, "/notifications.ftl")),
            include_str!(concat!("../../locales/", $dir, "/chat.ftl")),
            include_str!(concat!("../../locales/", $dir, "/feed.ftl")),
        ]
    };
}

/// English sources.
const EN_SOURCES: &[&str] = sources!("en");
/// Brazilian Portuguese sources.
const PT_SOURCES: &[&str] = sources!("pt-BR");

/// A bundle from a language's sources. A syntax error in an embedded file is a
/// build defect that the unit tests catch; the broken message is skipped.
fn bundle(lang: Lang, sources: &[&str]) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.tag().parse().expect("valid tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    for source in sources {
        let resource =
            FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(res, errors)| {
                tracing::error!(?errors, "syntax errors in a UI translation file");
                res
            });
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(?errors, "duplicate messages in the UI translation files");
        }
    }
    bundle
}

static EN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle(Lang::En, EN_SOURCES));
static PT: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| bundle(Lang::PtBr, PT_SOURCES));

/// Named text arguments for a message.
fn fluent_args<'a>(args: &[(&'a str, &'a str)]) -> FluentArgs<'a> {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, FluentValue::from(*value));
    }
    fluent_args
}

/// Our languages as identifiers, for negotiation.
static AVAILABLE: LazyLock<Vec<LanguageIdentifier>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .filter_map(|l| l.tag().parse().ok())
        .collect()
});

/// Translations for one page in one language.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    /// The page's language.
    pub lang: Lang,
}

impl Tr {
    /// Translations in `lang`.
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    fn bundle(&self) -> &'static FluentBundle<FluentResource> {
        match self.lang {
            Lang::En => &EN,
            Lang::PtBr => &PT,
        }
    }

    /// The message `id` (its id itself, logged, when missing).
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with named arguments.
    pub fn t_with(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.format(id, Some(&fluent_args(args)))
    }

    /// The message `id` with one numeric argument (plural-aware).
    pub fn t_count(&self, id: &str, name: &str, count: i64) -> String {
        let mut fluent_args = FluentArgs::new();
        fluent_args.set(name, FluentValue::from(count));
        self.format(id, Some(&fluent_args))
    }

    /// The message `id` with named arguments, or `None` when this language
    /// has no such message (for ids built at run time, such as a CRM field's
    /// `field-…` label, that may have no message; nothing is logged).
    pub fn lookup(&self, id: &str, args: &[(&str, &str)]) -> Option<String> {
        self.try_format(id, Some(&fluent_args(args)))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        self.try_format(id, args).unwrap_or_else(|| {
            tracing::warn!(id, lang = self.lang.tag(), "missing UI message");
            id.to_owned()
        })
    }

    /// The formatted message, `None` when it does not exist.
    fn try_format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let bundle = self.bundle();
        let pattern = bundle.get_message(id).and_then(|m| m.value())?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "UI message formatted with errors");
        }
        Some(text.into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The message ids of a language's sources; panics on a syntax error.
    fn ids(sources: &[&str]) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for source in sources {
            let resource = FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|(_, errors)| panic!("syntax errors: {errors:?}"));
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    assert!(
                        ids.insert(m.id.name.to_owned()),
                        "duplicate id {}",
                        m.id.name
                    );
                }
            }
        }
        ids
    }

    /// Every string literal passed to `.t(`, `.t_with(` or `.t_count(` in the UI's sources.
    fn used_ids() -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read ui dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("read source");
                for call in [".t(\"", ".t_with(\"", ".t_count(\""] {
                    for (at, _) in text.match_indices(call) {
                        let rest = &text[at + call.len()..];
                        if let Some(end) = rest.find('"') {
                            used.insert(rest[..end].to_owned());
                        }
                    }
                }
            }
        }
        used
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let en = ids(EN_SOURCES);
        let pt = ids(PT_SOURCES);
        let only_en: Vec<_> = en.difference(&pt).collect();
        let only_pt: Vec<_> = pt.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in pt-BR: {only_en:?}");
        assert!(only_pt.is_empty(), "missing in en: {only_pt:?}");
    }

    #[test]
    fn every_message_the_code_uses_exists() {
        let en = ids(EN_SOURCES);
        let missing: Vec<_> = used_ids()
            .into_iter()
            .filter(|id| !en.contains(id))
            .collect();
        assert!(missing.is_empty(), "used but not defined: {missing:?}");
    }

    #[test]
    fn messages_format_in_each_language() {
        assert_eq!(Tr::new(Lang::En).t("nav-developer"), "Developer resources");
        assert_eq!(
            Tr::new(Lang::PtBr).t("nav-developer"),
            "Recursos para desenvolvedores"
        );
        let missing = "no-such-message";
        assert_eq!(Tr::new(Lang::En).t(missing), missing);
        assert_eq!(Tr::new(Lang::En).lookup(missing, &[]), None);
        assert_eq!(
            Tr::new(Lang::PtBr).lookup("field-title", &[("entity", "LEAD")]),
            Some("Nome do lead".to_owned())
        );
    }

    #[test]
    fn accept_language_picks_our_language() {
        assert_eq!(Lang::negotiate(Some("pt-BR,pt;q=0.9,en;q=0.8")), Lang::PtBr);
        assert_eq!(Lang::negotiate(Some("pt")), Lang::PtBr);
        assert_eq!(Lang::negotiate(Some("de-DE,en;q=0.5")), Lang::En);
        assert_eq!(Lang::negotiate(Some("fr")), Lang::En);
        assert_eq!(Lang::negotiate(None), Lang::En);
        assert_eq!(Lang::from_tag("PT-br"), Some(Lang::PtBr));
    }
}
