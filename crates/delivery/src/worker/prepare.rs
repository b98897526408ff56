//! The request of one attempt: the Bitrix24 body with the handler's `auth`
//! block (for an application's handler, tokens minted for the user at send
//! time; for a bot's event, its per-bot blocks too, see [`super::bot_auth`])
//! and the signing secret.

use std::borrow::Cow;

use portico_store::app_events::{APP_INSTALL_EVENT, APP_UNINSTALL_EVENT};
use portico_store::apps::{App, NewGrant};
use portico_store::bots::BOT_EVENT_ENTITY;
use portico_store::offline_events::OFFLINE_NOTICE_EVENT;
use portico_store::secrets::new_oauth_token;
use portico_store::ClaimedDelivery;

use super::Worker;
use crate::payload::{encode_event_body, AppAuth, EventPayload, HandlerAuth};
use crate::sender::Attempt;
use crate::signing::SigningSecret;

impl Worker {
    /// The request of one attempt: the Bitrix24 body and the signing secret
    /// (an application's handler has none: it is sent unsigned, and verified
    /// by its application token as in Bitrix24).
    pub(super) async fn prepare(
        &self,
        claimed: &ClaimedDelivery,
        ts: i64,
    ) -> Result<Attempt, String> {
        let webhook = &claimed.webhook;
        let secret = if webhook.signing_secret_sealed.is_empty() {
            None
        } else {
            let secret = self
                .secrets
                .decrypt(&webhook.signing_secret_sealed)
                .ok_or("the signing secret cannot be unsealed with this portal's key")
                .and_then(|text| {
                    SigningSecret::parse(&text)
                        .map_err(|_| "the stored signing secret is malformed")
                })?;
            Some(secret)
        };
        let (token_sealed, app) = match webhook.app_id {
            Some(app_id) => self.app_auth(claimed, app_id, ts).await?,
            None => (webhook.application_token_sealed.clone(), None),
        };
        let token = self
            .secrets
            .decrypt(&token_sealed)
            .ok_or("the application token cannot be unsealed with this portal's key")?;
        let event = &claimed.event;
        let (data, app) = if event.entity == BOT_EVENT_ENTITY {
            // A 2.0 handler's top-level auth is the portal's part only.
            let v2 = event.code.starts_with("ONIMBOTV2");
            let data = self.bot_event_data(claimed, &token, ts).await?;
            (Cow::Owned(data), app.filter(|_| !v2))
        } else {
            (Cow::Borrowed(&event.data), app)
        };
        let auth = HandlerAuth {
            application_token: token,
            ..self.config.portal.clone()
        };
        let body = encode_event_body(&EventPayload {
            event: &event.code,
            handler_id: (event.code != APP_INSTALL_EVENT).then_some(webhook.id),
            data: &data,
            ts,
            auth: &auth,
            app: app.as_ref(),
        });
        Ok(Attempt {
            url: webhook.handler_url.clone(),
            message_id: claimed.event.message_id.clone(),
            timestamp: ts,
            body,
            secret,
        })
    }

    /// For a handler of application `app_id`: the application's sealed token
    /// and, when the event is delivered for a user (the binding's `auth_type`,
    /// else the user who made the change), tokens minted for that user now.
    async fn app_auth(
        &self,
        claimed: &ClaimedDelivery,
        app_id: i64,
        now: i64,
    ) -> Result<(Vec<u8>, Option<AppAuth>), String> {
        let app = self.application(app_id).await?;
        let user = claimed
            .webhook
            .auth_user_id
            .or(claimed.event.user_id)
            .filter(|_| claimed.event.code != APP_UNINSTALL_EVENT);
        let Some(user_id) = user else {
            return Ok((app.application_token_sealed, None));
        };
        let sends_refresh =
            [APP_INSTALL_EVENT, OFFLINE_NOTICE_EVENT].contains(&claimed.event.code.as_str());
        // A refresh token nobody receives lives no longer than its access
        // token, so the grants of ordinary deliveries are forgotten with it.
        let refresh_ttl = if sends_refresh {
            self.config.refresh_token_ttl
        } else {
            self.config.access_token_ttl
        };
        let (access, refresh) = self.mint(app_id, user_id, now, refresh_ttl).await?;
        let access_ttl = self.config.access_token_ttl;
        let auth = AppAuth {
            access_token: access,
            expires: now + access_ttl,
            expires_in: access_ttl,
            scope: app.scopes.join(","),
            status: "L".to_owned(),
            user_id,
            refresh_token: sends_refresh.then_some(refresh),
        };
        Ok((app.application_token_sealed, Some(auth)))
    }

    /// Application `app_id`, read now.
    pub(super) async fn application(&self, app_id: i64) -> Result<App, String> {
        let apps = self
            .apps
            .as_ref()
            .ok_or("this worker cannot deliver to applications")?;
        apps.app_by_id(app_id)
            .await
            .map_err(|e| format!("cannot read the application: {e}"))?
            .ok_or_else(|| "the application was removed".to_owned())
    }

    /// Mints, at `now`, an access token of application `app_id` for
    /// `user_id` (living the configured access lifetime) and a refresh token
    /// living `refresh_ttl` seconds; both stored as a grant.
    pub(super) async fn mint(
        &self,
        app_id: i64,
        user_id: i64,
        now: i64,
        refresh_ttl: i64,
    ) -> Result<(String, String), String> {
        let apps = self
            .apps
            .as_ref()
            .ok_or("this worker cannot deliver to applications")?;
        let access = new_oauth_token();
        let refresh = new_oauth_token();
        apps.insert_grant(NewGrant {
            app_id,
            user_id,
            access_hash: self.secrets.lookup_hash(&access),
            access_expires_at: now + self.config.access_token_ttl,
            refresh_hash: self.secrets.lookup_hash(&refresh),
            refresh_expires_at: now + refresh_ttl,
            issued_at: now,
        })
        .await
        .map_err(|e| format!("cannot issue the application's tokens: {e}"))?;
        Ok((access, refresh))
    }
}
