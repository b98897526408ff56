//! A post as `log.blogpost.get` answers it: every scalar a string (`ID`,
//! `AUTHOR_ID`, `NUM_COMMENTS`, …; `BLOG_ID` is the author's id, each author
//! having one blog), `DATE_PUBLISH` with the portal's offset,
//! `CATEGORY_ID` the comma-separated tag ids, `MICRO` `Y` for a post without
//! a title (whose `TITLE` is then the start of its text), the post's user
//! fields as full descriptors with their `VALUE` (only the "important" pair
//! carries one), `FILES` (always empty: files are not stored) and `TAG`, the
//! tag names, for a post with tags.

use portico_protocol::envelope::format_datetime;
use portico_store::{FeedPost, Recipient};
use serde_json::{json, Value};

use crate::context::Ctx;

/// How many characters of its text a post without a title shows as `TITLE`.
const MICRO_TITLE_CHARS: usize = 100;

/// One user field of blog posts, as Bitrix24 describes it.
struct PostField {
    id: &'static str,
    name: &'static str,
    type_id: &'static str,
    multiple: &'static str,
    show_in_list: &'static str,
    searchable: &'static str,
    class: &'static str,
    description: &'static str,
    base_type: &'static str,
    /// Edit form, list column and filter labels.
    labels: [Option<&'static str>; 3],
}

/// The user fields every post row carries, in Bitrix24's order.
const POST_FIELDS: [PostField; 8] = [
    PostField {
        id: "1",
        name: "UF_BLOG_POST_DOC",
        type_id: "file",
        multiple: "Y",
        show_in_list: "N",
        searchable: "Y",
        class: "Bitrix\\Main\\UserField\\Types\\FileType",
        description: "File",
        base_type: "file",
        labels: [None, None, None],
    },
    PostField {
        id: "5",
        name: "UF_BLOG_POST_URL_PRV",
        type_id: "url_preview",
        multiple: "N",
        show_in_list: "N",
        searchable: "Y",
        class: "Bitrix\\Main\\UrlPreview\\UrlPreviewUserType",
        description: "Link preview content",
        base_type: "int",
        labels: [None, None, None],
    },
    PostField {
        id: "9",
        name: "UF_GRATITUDE",
        type_id: "integer",
        multiple: "N",
        show_in_list: "N",
        searchable: "N",
        class: "Bitrix\\Main\\UserField\\Types\\IntegerType",
        description: "Integer",
        base_type: "int",
        labels: [None, None, None],
    },
    PostField {
        id: "19",
        name: "UF_BLOG_POST_FILE",
        type_id: "disk_file",
        multiple: "Y",
        show_in_list: "N",
        searchable: "Y",
        class: "Bitrix\\Disk\\Uf\\FileUserType",
        description: "File (Drive)",
        base_type: "int",
        labels: [None, None, None],
    },
    PostField {
        id: "83",
        name: "UF_BLOG_POST_IMPRTNT",
        type_id: "integer",
        multiple: "N",
        show_in_list: "Y",
        searchable: "N",
        class: "Bitrix\\Main\\UserField\\Types\\IntegerType",
        description: "Integer",
        base_type: "int",
        labels: [
            Some("Important Message"),
            Some("Important"),
            Some("Important"),
        ],
    },
    PostField {
        id: "85",
        name: "UF_IMPRTANT_DATE_END",
        type_id: "datetime",
        multiple: "N",
        show_in_list: "N",
        searchable: "N",
        class: "Bitrix\\Main\\UserField\\Types\\DateTimeType",
        description: "Date with time",
        base_type: "datetime",
        labels: [Some("Expiration Date"), Some("Expiration"), None],
    },
    PostField {
        id: "131",
        name: "UF_BLOG_POST_VOTE",
        type_id: "vote",
        multiple: "N",
        show_in_list: "Y",
        searchable: "N",
        class: "Bitrix\\Vote\\Uf\\VoteUserType",
        description: "Poll",
        base_type: "int",
        labels: [None, None, None],
    },
    PostField {
        id: "439",
        name: "UF_MAIL_MESSAGE",
        type_id: "mail_message",
        multiple: "N",
        show_in_list: "N",
        searchable: "N",
        class: "Bitrix\\Mail\\MessageUserType",
        description: "Email",
        base_type: "int",
        labels: [None, None, None],
    },
];

/// The `SETTINGS` of a field of type `type_id`.
fn settings(type_id: &str) -> Value {
    match type_id {
        "file" => json!({"SIZE": 20, "LIST_WIDTH": 0, "LIST_HEIGHT": 0, "MAX_SHOW_SIZE": 0,
            "MAX_ALLOWED_SIZE": 0, "EXTENSIONS": [], "TARGET_BLANK": "Y", "DEFAULT_VIEW": null}),
        "integer" => json!({"SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": null}),
        "disk_file" => {
            json!({"IBLOCK_ID": null, "SECTION_ID": null, "UF_TO_SAVE_ALLOW_EDIT": false})
        }
        "datetime" => json!({"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""},
            "USE_SECOND": "Y", "USE_TIMEZONE": "N"}),
        "vote" => json!({"CHANNEL_ID": 1, "UNIQUE": 8,
            "UNIQUE_IP_DELAY": {"DELAY": "10", "DELAY_TYPE": "D"}, "NOTIFY": "I"}),
        "mail_message" => Value::Null,
        _ => json!([]),
    }
}

/// The descriptor of `field` on post `post_id` holding `value`.
fn descriptor(field: &PostField, post_id: i64, value: Value) -> Value {
    let [edit, column, filter] = field.labels;
    json!({
        "ID": field.id,
        "ENTITY_ID": "BLOG_POST",
        "FIELD_NAME": field.name,
        "USER_TYPE_ID": field.type_id,
        "XML_ID": if field.name == "UF_MAIL_MESSAGE" { "" } else { field.name },
        "SORT": "100",
        "MULTIPLE": field.multiple,
        "MANDATORY": "N",
        "SHOW_FILTER": "N",
        "SHOW_IN_LIST": field.show_in_list,
        "EDIT_IN_LIST": "Y",
        "IS_SEARCHABLE": field.searchable,
        "SETTINGS": settings(field.type_id),
        "EDIT_FORM_LABEL": edit,
        "LIST_COLUMN_LABEL": column,
        "LIST_FILTER_LABEL": filter,
        "ERROR_MESSAGE": null,
        "HELP_MESSAGE": null,
        "USER_TYPE": {
            "USER_TYPE_ID": field.type_id,
            "CLASS_NAME": field.class,
            "DESCRIPTION": field.description,
            "BASE_TYPE": field.base_type,
        },
        "VALUE": value,
        "ENTITY_VALUE_ID": post_id,
        "VALUE_EXISTS": true,
        "VALUE_RAW": null,
        "CUSTOM_DATA": [],
    })
}

/// The `TITLE` of a post without one: the start of its text on one line.
pub fn micro_title(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut title: String = flat.chars().take(MICRO_TITLE_CHARS).collect();
    if flat.chars().count() > MICRO_TITLE_CHARS {
        title.push('…');
    }
    title
}

/// `Y` or `N`.
fn yn(b: bool) -> &'static str {
    if b {
        "Y"
    } else {
        "N"
    }
}

/// `post` as a `log.blogpost.get` row.
pub fn post_row(ctx: &Ctx, post: &FeedPost) -> Value {
    let micro = post.title.is_empty();
    let tag_ids: Vec<String> = post.tags.iter().map(|t| t.id.to_string()).collect();
    let mut row = json!({
        "ID": post.id.to_string(),
        "BLOG_ID": post.author_id.to_string(),
        "PUBLISH_STATUS": "P",
        "TITLE": if micro { micro_title(&post.text) } else { post.title.clone() },
        "AUTHOR_ID": post.author_id.to_string(),
        "ENABLE_COMMENTS": "Y",
        "NUM_COMMENTS": post.comments.to_string(),
        "CODE": null,
        "MICRO": yn(micro),
        "DETAIL_TEXT": post.text,
        "DATE_PUBLISH": format_datetime(post.created_at, ctx.clock.offset),
        "CATEGORY_ID": tag_ids.join(","),
        "HAS_SOCNET_ALL": yn(post.recipients.contains(&Recipient::All)),
        "HAS_TAGS": yn(!post.tags.is_empty()),
        "HAS_IMAGES": "N",
        "HAS_PROPS": yn(post.important),
        "HAS_COMMENT_IMAGES": null,
    });
    if let Value::Object(map) = &mut row {
        for field in &POST_FIELDS {
            let value = match field.name {
                "UF_BLOG_POST_DOC" | "UF_BLOG_POST_FILE" => json!(false),
                "UF_BLOG_POST_IMPRTNT" if post.important => json!("1"),
                "UF_IMPRTANT_DATE_END" => match post.important_until {
                    Some(at) => json!(format_datetime(at, ctx.clock.offset)),
                    None => json!(""),
                },
                _ => Value::Null,
            };
            map.insert(field.name.to_owned(), descriptor(field, post.id, value));
        }
        map.insert("FILES".to_owned(), json!([]));
        if !post.tags.is_empty() {
            let names: Vec<&str> = post.tags.iter().map(|t| t.name.as_str()).collect();
            map.insert("TAG".to_owned(), json!(names));
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_without_title_shows_the_start_of_its_text() {
        assert_eq!(micro_title("  Hello\n  world "), "Hello world");
        let long = "x".repeat(150);
        assert_eq!(micro_title(&long).chars().count(), MICRO_TITLE_CHARS + 1);
    }
}
