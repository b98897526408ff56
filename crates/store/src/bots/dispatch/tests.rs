//! Which events chat writes raise for which bots.

use super::*;
use crate::bots::{BotType, CommandLang};

fn bot(id: i64, bot_type: BotType, api_version: u8) -> Bot {
    crate::bots::test_bot(id, bot_type, api_version)
}

fn chat(kind: &str) -> ChatFacts {
    ChatFacts {
        id: 5,
        chat_type: kind.to_owned(),
        ..ChatFacts::default()
    }
}

fn message(text: &str, mentioned: Vec<i64>) -> MessageFacts {
    MessageFacts {
        id: 9,
        author_id: 2,
        text: text.to_owned(),
        mentioned,
        ..MessageFacts::default()
    }
}

fn employee() -> UserFacts {
    UserFacts {
        id: 2,
        first_name: "Ana".to_owned(),
        ..UserFacts::default()
    }
}

fn summary(events: &[BotEventOut]) -> Vec<(i64, &str, Option<&str>)> {
    events
        .iter()
        .map(|e| (e.bot_id, e.code.as_str(), e.handler_url.as_deref()))
        .collect()
}

#[test]
fn a_dialog_message_goes_to_the_bot_in_its_generation() {
    let classic = [bot(10, BotType::Bot, 1)];
    let events = message_added(
        &classic,
        &[],
        &[],
        &chat("P"),
        &message("hi", vec![]),
        &employee(),
    );
    assert_eq!(
        summary(&events),
        [(10, MESSAGE_ADD, Some("https://b10.example/add"))]
    );
    let v2 = [bot(11, BotType::Bot, 2)];
    let events = message_added(
        &v2,
        &[],
        &[],
        &chat("P"),
        &message("hi", vec![]),
        &employee(),
    );
    assert_eq!(summary(&events), [(11, V2_MESSAGE_ADD, None)]);
}

#[test]
fn group_messages_reach_mentioned_bots_and_supervisors() {
    let bots = [
        bot(10, BotType::Bot, 1),
        bot(11, BotType::Supervisor, 1),
        bot(12, BotType::Bot, 2),
    ];
    let plain = message_added(
        &bots,
        &[],
        &[],
        &chat("C"),
        &message("hello all", vec![]),
        &employee(),
    );
    assert_eq!(
        summary(&plain),
        [(11, MESSAGE_ADD, Some("https://b11.example/add"))]
    );
    let mention = message_added(
        &bots,
        &[],
        &[],
        &chat("C"),
        &message("[USER=12]x[/USER] hi", vec![12]),
        &employee(),
    );
    assert_eq!(
        summary(&mention),
        [
            (11, MESSAGE_ADD, Some("https://b11.example/add")),
            (12, V2_MESSAGE_ADD, None)
        ]
    );
    let by_bot = UserFacts {
        is_bot: true,
        ..employee()
    };
    assert!(message_added(&bots, &[], &[], &chat("C"), &message("x", vec![]), &by_bot).is_empty());
}

#[test]
fn a_typed_command_goes_to_its_bot_as_a_command() {
    assert_eq!(
        typed_command("/Help me now"),
        Some(("help".to_owned(), "me now".to_owned()))
    );
    assert_eq!(typed_command("no command"), None);
    let bots = [bot(10, BotType::Bot, 1)];
    let help = BotCommand {
        id: 3,
        bot_id: 10,
        command: "help".to_owned(),
        common: false,
        hidden: false,
        extranet_support: false,
        langs: vec![CommandLang {
            language_id: "en".to_owned(),
            title: "Help".to_owned(),
            params: String::new(),
        }],
        handler_url: Some("https://b10.example/cmd".to_owned()),
        created_at: 0,
    };
    let events = message_added(
        &bots,
        &[],
        std::slice::from_ref(&help),
        &chat("P"),
        &message("/help now", vec![]),
        &employee(),
    );
    assert_eq!(
        summary(&events),
        [(10, COMMAND_ADD, Some("https://b10.example/cmd"))]
    );
    assert_eq!(events[0].data["COMMAND"]["3"]["COMMAND_PARAMS"], "now");
    let unknown = message_added(
        &bots,
        &[],
        std::slice::from_ref(&help),
        &chat("P"),
        &message("/other", vec![]),
        &employee(),
    );
    assert_eq!(
        summary(&unknown),
        [(10, MESSAGE_ADD, Some("https://b10.example/add"))]
    );
    let outsider = bot(20, BotType::Bot, 1);
    let theirs = BotCommand {
        bot_id: 20,
        ..help.clone()
    };
    let group = chat("C");
    let slash = message("/help", vec![]);
    let others = std::slice::from_ref(&outsider);
    let private = message_added(
        &[],
        others,
        std::slice::from_ref(&theirs),
        &group,
        &slash,
        &employee(),
    );
    assert!(
        private.is_empty(),
        "another bot's command that is not common"
    );
    let common = BotCommand {
        common: true,
        ..theirs
    };
    let events = message_added(&[], others, &[common], &group, &slash, &employee());
    assert_eq!(
        summary(&events),
        [(20, COMMAND_ADD, Some("https://b10.example/cmd"))]
    );
}

#[test]
fn edits_reach_classic_bots_only_with_the_handler_bound() {
    let mut bound = bot(10, BotType::Bot, 1);
    bound.handlers.message_update = Some("https://b10.example/upd".to_owned());
    let bots = [bound, bot(11, BotType::Bot, 1), bot(12, BotType::Bot, 2)];
    let chat = chat("P");
    let edit = message_changed(&bots, &chat, &message("x", vec![]), &employee(), false);
    assert_eq!(
        summary(&edit),
        [
            (10, MESSAGE_UPDATE, Some("https://b10.example/upd")),
            (12, V2_MESSAGE_UPDATE, None)
        ]
    );
    let delete = message_changed(&bots, &chat, &message("x", vec![]), &employee(), true);
    assert_eq!(summary(&delete), [(12, V2_MESSAGE_DELETE, None)]);
    let join = joined(&bots[1], &chat, &employee()).expect("join");
    assert_eq!(
        (join.code.as_str(), join.handler_url.as_deref()),
        (JOIN_CHAT, Some("https://b11.example/join"))
    );
}
