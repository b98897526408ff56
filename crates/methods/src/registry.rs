//! The method registry: each REST method is declared once — name, scope, English and
//! Portuguese descriptions, parameters, an example and its handler — and that one
//! declaration drives dispatch, `methods`, `method.get`, `scope` and the docs.

use std::borrow::Cow;
use std::collections::HashMap;

use futures::future::BoxFuture;
use portico_protocol::params::Params;
use portico_protocol::ApiError;
use serde_json::Value;

use crate::context::Ctx;

/// The `basic` scope: methods everyone may call without selecting a scope.
pub const BASIC: &str = "basic";

/// What a method returns: the `result` and, for lists, `total` and `next`.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodOutput {
    /// The `result` value.
    pub result: Value,
    /// `total` of list methods.
    pub total: Option<i64>,
    /// `next` of list methods, only when more rows follow.
    pub next: Option<i64>,
    /// The result already written as JSON text, given only to a call whose
    /// answer is a JSON body ([`Ctx::json_answer`]); `result` is then `null`
    /// and the answer carries these bytes instead.
    pub result_json: Option<Vec<u8>>,
}

impl MethodOutput {
    /// A plain result without pagination.
    pub fn value(result: Value) -> Self {
        MethodOutput {
            result,
            total: None,
            next: None,
            result_json: None,
        }
    }

    /// A plain result written straight to JSON text (see [`Self::result_json`]).
    pub fn json(result_json: Vec<u8>) -> Self {
        MethodOutput {
            result: Value::Null,
            total: None,
            next: None,
            result_json: Some(result_json),
        }
    }

    /// The result as a value, parsed back from its JSON text when it was
    /// written straight to it.
    pub fn into_value(self) -> Value {
        match self.result_json {
            Some(text) => serde_json::from_slice(&text).unwrap_or(Value::Null),
            None => self.result,
        }
    }
}

/// A method's handler.
pub type Handler = fn(Ctx, Params) -> BoxFuture<'static, Result<MethodOutput, ApiError>>;

/// One parameter of a method, for documentation and the request builder.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// Name as sent on the wire.
    pub name: &'static str,
    /// Type: `integer`, `string`, `boolean`, `object`, `array`.
    pub kind: &'static str,
    /// Whether the method refuses calls without it.
    pub required: bool,
    /// English description.
    pub description: &'static str,
    /// Brazilian Portuguese description.
    pub description_pt: &'static str,
}

/// The declaration of a REST method.
#[derive(Clone, Debug)]
pub struct MethodSpec {
    /// Canonical name, lower case (`crm.lead.add`).
    pub name: &'static str,
    /// The scope that grants it (`basic` for everyone).
    pub scope: &'static str,
    /// Further scopes that also grant it (`user_basic`, `user_brief` for `user.*`).
    pub also_granted_by: &'static [&'static str],
    /// English description.
    pub description: Cow<'static, str>,
    /// Brazilian Portuguese description.
    pub description_pt: Cow<'static, str>,
    /// Parameters.
    pub params: &'static [ParamSpec],
    /// An example call's parameters as JSON text.
    pub example: &'static str,
    /// Whether it may run inside `batch`.
    pub batchable: bool,
    /// The handler.
    pub handler: Handler,
}

impl MethodSpec {
    /// Whether a caller holding `scopes` may call this method.
    pub fn granted_by(&self, scopes: &[String]) -> bool {
        self.scope == BASIC
            || scopes
                .iter()
                .any(|s| s == self.scope || self.also_granted_by.contains(&s.as_str()))
    }
}

/// All methods, looked up case-insensitively.
#[derive(Default)]
pub struct Registry {
    specs: Vec<MethodSpec>,
    by_name: HashMap<String, usize>,
}

impl Registry {
    /// Declares a method. Panics on a duplicate name: that is a programming error
    /// caught by the registry's unit test at build time, never by a request.
    pub fn add(&mut self, spec: MethodSpec) {
        let key = spec.name.to_ascii_lowercase();
        assert!(
            self.by_name.insert(key, self.specs.len()).is_none(),
            "duplicate method {}",
            spec.name
        );
        self.specs.push(spec);
    }

    /// The method with this name (any case).
    pub fn get(&self, name: &str) -> Option<&MethodSpec> {
        let idx = match self.by_name.get(name) {
            Some(i) => *i,
            None => *self.by_name.get(&name.to_ascii_lowercase())?,
        };
        self.specs.get(idx)
    }

    /// Declares methods of one scope (also granted by `also_granted_by`).
    pub fn scope(
        &mut self,
        scope: &'static str,
        also_granted_by: &'static [&'static str],
    ) -> ScopeDecl<'_> {
        ScopeDecl {
            registry: self,
            scope,
            also_granted_by,
        }
    }

    /// Every method, in declaration order.
    pub fn all(&self) -> &[MethodSpec] {
        &self.specs
    }

    /// Every scope that grants at least one method, sorted, `basic` excluded.
    pub fn scopes(&self) -> Vec<&'static str> {
        let mut s: Vec<&'static str> = self
            .specs
            .iter()
            .flat_map(|m| std::iter::once(m.scope).chain(m.also_granted_by.iter().copied()))
            .filter(|s| *s != BASIC)
            .collect();
        s.sort_unstable();
        s.dedup();
        s
    }
}

/// Declares the methods of one scope; see [`Registry::scope`].
pub struct ScopeDecl<'r> {
    registry: &'r mut Registry,
    scope: &'static str,
    also_granted_by: &'static [&'static str],
}

impl ScopeDecl<'_> {
    /// Declares a batchable method of this scope and returns it for adjustments.
    pub fn method(
        &mut self,
        name: &'static str,
        description: impl Into<Cow<'static, str>>,
        description_pt: impl Into<Cow<'static, str>>,
        params: &'static [ParamSpec],
        example: &'static str,
        handler: Handler,
    ) -> &mut MethodSpec {
        self.registry.add(MethodSpec {
            name,
            scope: self.scope,
            also_granted_by: self.also_granted_by,
            description: description.into(),
            description_pt: description_pt.into(),
            params,
            example,
            batchable: true,
            handler,
        });
        self.registry.specs.last_mut().expect("just added")
    }
}

/// Declares a handler function as a [`Handler`]: `handler!(lead_add)`.
#[macro_export]
macro_rules! handler {
    ($f:path) => {
        (|ctx: $crate::Ctx,
          params: ::portico_protocol::params::Params|
         -> ::futures::future::BoxFuture<
            'static,
            Result<$crate::MethodOutput, ::portico_protocol::ApiError>,
        > { Box::pin($f(ctx, params)) }) as $crate::registry::Handler
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_name(name: &str) -> bool {
        let mut parts = name.split('.');
        let first_ok = parts
            .next()
            .is_some_and(|p| p.starts_with(|c: char| c.is_ascii_lowercase()));
        first_ok
            && name.split('.').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            })
    }

    #[test]
    fn every_method_is_well_declared() {
        let r = crate::registry();
        assert!(r.all().len() > 10);
        for m in r.all() {
            assert!(valid_name(m.name), "bad name {}", m.name);
            assert!(
                !m.description.trim().is_empty(),
                "{} lacks a description",
                m.name
            );
            assert!(
                !m.description_pt.trim().is_empty(),
                "{} lacks a Portuguese description",
                m.name
            );
            for p in m.params {
                assert!(
                    !p.description.is_empty() && !p.description_pt.is_empty(),
                    "{}: param {}",
                    m.name,
                    p.name
                );
            }
            if m.scope != BASIC {
                let prefix = m.name.split('.').next().unwrap_or_default();
                // `tasks.task.*` belongs to scope `task`, as in Bitrix24.
                assert!(
                    m.scope.starts_with(prefix) || prefix.starts_with(m.scope),
                    "{} is outside its scope {}",
                    m.name,
                    m.scope
                );
            }
            assert!(
                serde_json::from_str::<Value>(m.example).is_ok(),
                "{} example is not JSON",
                m.name
            );
            assert!(r.get(&m.name.to_ascii_uppercase()).is_some());
        }
    }

    #[test]
    #[should_panic(expected = "duplicate method")]
    fn duplicate_names_are_refused() {
        let mut r = crate::registry();
        let first = r.all()[0].clone();
        r.add(first);
    }
}
