//! The per-bot `auth` blocks of a bot's event (reference chat §3.3, §9.3),
//! filled in at send time: for an application's bot, tokens minted now for
//! the BOT user (as the application's handlers get tokens of the user who
//! made the change); for a webhook's bot, which has no OAuth client to mint
//! tokens with, the portal's part, the bot's id, its `CLIENT_ID` and its
//! application token.

use std::collections::HashMap;

use portico_store::bots::payload::{auth_targets, fill_bot_auth, stored_client_id, BotAuth};
use portico_store::ClaimedDelivery;
use serde_json::Value;

use super::Worker;

impl Worker {
    /// The event's `data` with each addressed bot's auth block filled in;
    /// `application_token` is the handler's.
    pub(super) async fn bot_event_data(
        &self,
        claimed: &ClaimedDelivery,
        application_token: &str,
        now: i64,
    ) -> Result<Value, String> {
        let code = &claimed.event.code;
        let mut data = claimed.event.data.clone();
        let mut blocks = HashMap::new();
        for bot in auth_targets(code, &data) {
            let client_id = stored_client_id(&data, bot);
            let block = self
                .bot_auth(claimed, bot, client_id, application_token, now)
                .await?;
            blocks.insert(bot, block);
        }
        if !blocks.is_empty() {
            fill_bot_auth(code, &mut data, &|bot| {
                blocks.get(&bot).cloned().unwrap_or_default()
            });
        }
        Ok(data)
    }

    /// The auth block of bot `bot_id` for this delivery.
    async fn bot_auth(
        &self,
        claimed: &ClaimedDelivery,
        bot_id: i64,
        client_id: Option<String>,
        application_token: &str,
        now: i64,
    ) -> Result<BotAuth, String> {
        let portal = &self.config.portal;
        let Some(app_id) = claimed.webhook.app_id else {
            let mut pairs = vec![
                ("domain", portal.domain.clone()),
                ("server_endpoint", portal.server_endpoint.clone()),
                ("client_endpoint", portal.client_endpoint.clone()),
                ("member_id", portal.member_id.clone()),
                ("user_id", bot_id.to_string()),
            ];
            if let Some(client_id) = client_id {
                pairs.push(("client_id", client_id));
            }
            pairs.push(("application_token", application_token.to_owned()));
            return Ok(BotAuth { pairs });
        };
        let app = self.application(app_id).await?;
        let (access, refresh) = self
            .mint(app_id, bot_id, now, self.config.refresh_token_ttl)
            .await?;
        let ttl = self.config.access_token_ttl;
        Ok(BotAuth {
            pairs: vec![
                ("access_token", access),
                ("expires", (now + ttl).to_string()),
                ("expires_in", ttl.to_string()),
                ("scope", app.scopes.join(",")),
                ("domain", portal.domain.clone()),
                ("server_endpoint", portal.server_endpoint.clone()),
                ("status", "L".to_owned()),
                ("client_endpoint", portal.client_endpoint.clone()),
                ("member_id", portal.member_id.clone()),
                ("refresh_token", refresh),
                ("user_id", bot_id.to_string()),
                ("client_id", app.client_id),
                ("application_token", application_token.to_owned()),
            ],
        })
    }
}
