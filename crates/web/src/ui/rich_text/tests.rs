//! Unit tests of the rich text: the BB-code subset, the attachments, and
//! hostile input that must come out as inert text.

use serde_json::json;

use super::{attach, text};

fn html(source: &str) -> String {
    text(source).into_string()
}

#[test]
fn formatting_tags_become_elements() {
    assert_eq!(
        html("[b]bold[/b] [I]it[/I] [u]u[/u] [s]s[/s]"),
        "<b>bold</b> <i>it</i> <u>u</u> <s>s</s>"
    );
    assert_eq!(
        html("[b]a [i]b[/i][/b]"),
        "<b>a <i>b</i></b>",
        "nested tags"
    );
    assert_eq!(
        html("[size=14]x[/size]"),
        r#"<span class="rt-size-14">x</span>"#
    );
    assert_eq!(
        html("[size=99]x[/size]"),
        r#"<span class="rt-size-30">x</span>"#
    );
    assert_eq!(
        html("[size=2]x[/size]"),
        r#"<span class="rt-size-8">x</span>"#
    );
    assert_eq!(html("[size=big]x[/size]"), "x");
    assert_eq!(
        html("[color=#ff0000]red[/color]"),
        r##"<font color="#ff0000">red</font>"##
    );
}

#[test]
fn lines_breaks_and_quotes() {
    assert_eq!(html("a\nb[br]c"), "a<br>b<br>c");
    assert_eq!(
        html("hi\n>>quoted\n>>more\nafter"),
        r#"hi<blockquote class="rt-quote">quoted<br>more</blockquote>after"#
    );
    assert_eq!(
        html("------\nAnn [1.1.2026]\nold text\n------\nreply"),
        r#"<blockquote class="rt-quote">Ann [1.1.2026]<br>old text</blockquote>reply"#
    );
    // A lone row of dashes is text.
    assert_eq!(html("------\nx"), "------<br>x");
}

#[test]
fn links_mentions_and_commands() {
    assert_eq!(
        html("[url]https://example.com/a?b=1&c=2[/url]"),
        r#"<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="nofollow noopener noreferrer">https://example.com/a?b=1&amp;c=2</a>"#
    );
    assert_eq!(
        html("[url=/crm/deal/details/1/]Deal[/url]"),
        r#"<a href="/crm/deal/details/1/">Deal</a>"#
    );
    assert_eq!(
        html("[USER=5 REPLACE]Ann[/USER] and [user=all][/user] in [chat=12]Team[/chat]"),
        r#"<span class="rt-user" data-id="5">Ann</span> and <span class="rt-user" data-id="all">@all</span> in <span class="rt-chat" data-id="12">Team</span>"#
    );
    assert_eq!(
        html("[put=/help]Help[/put] [send=/start]Go[/send]"),
        r#"<button type="button" class="rt-put" data-command="/help">Help</button> <button type="button" class="rt-send" data-command="/start">Go</button>"#
    );
    assert_eq!(
        html("[img size=small]https://example.com/a.png [/img]"),
        r#"<a class="rt-img" href="https://example.com/a.png" target="_blank" rel="nofollow noopener noreferrer"><img class="rt-img-small" src="https://example.com/a.png" alt=""></a>"#
    );
}

#[test]
fn code_keeps_its_content_as_text() {
    assert_eq!(
        html("[code]if a < b [b]x[/b]\n>>not a quote[/code]"),
        r#"<pre class="rt-code"><code>if a &lt; b [b]x[/b]
&gt;&gt;not a quote</code></pre>"#
    );
}

#[test]
fn unknown_and_unmatched_tags_stay_text() {
    assert_eq!(
        html("[icon=x]y[/icon] [timestamp=1 format=x]"),
        "[icon=x]y[/icon] [timestamp=1 format=x]"
    );
    assert_eq!(html("[b]never closed"), "[b]never closed");
    assert_eq!(html("closed [/b] only"), "closed [/b] only");
    assert_eq!(html("[b]a[i]b[/b]"), "<b>a[i]b</b>", "crossed tags");
    assert_eq!(html("[code]no end"), "[code]no end");
    assert_eq!(html("a [ b ] c [[b]]"), "a [ b ] c [[b]]");
}

#[test]
fn hostile_input_comes_out_inert() {
    let cases = [
        "[url=javascript:alert(1)]click[/url]",
        "[URL=JavaScript:alert(1)]click[/URL]",
        "[url]javascript:alert(1)[/url]",
        "[url=//evil.example.com]x[/url]",
        "[url=data:text/html;base64,PHNjcmlwdD4=]x[/url]",
        "\"><script>alert(1)</script>",
        "[b]\"><script>alert(1)</script>[/b]",
        "[color=red;background:url(javascript:x)]x[/color]",
        "[color=#fff\" onmouseover=\"alert(1)]x[/color]",
        "[size=12\" onclick=\"alert(1)]x[/size]",
        "[img]javascript:alert(1)[/img]",
        "[img]/upload/local.png[/img]",
        "[user=5\" onclick=\"x]a[/user]",
        "[put=/x\" onclick=\"alert(1)]a[/put]",
        "<img src=x onerror=alert(1)>",
    ];
    for case in cases {
        let out = html(case);
        assert!(!out.contains("<script"), "{case} → {out}");
        assert!(!out.contains("javascript:\""), "{case} → {out}");
        assert!(!out.contains("href=\"javascript"), "{case} → {out}");
        assert!(!out.contains("href=\"data:"), "{case} → {out}");
        assert!(!out.contains("href=\"//"), "{case} → {out}");
        assert!(!out.contains("<img src"), "{case} → {out}");
        assert!(!out.contains("\" on"), "{case} → {out}");
        assert!(!out.contains("src=\"javascript"), "{case} → {out}");
    }
    assert_eq!(html("[url=javascript:alert(1)]click[/url]"), "click");
    assert_eq!(
        html("\"><script>alert(1)</script>"),
        "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    );
    assert_eq!(
        html("[put=/x\" onclick=\"alert(1)]a[/put]"),
        r#"<button type="button" class="rt-put" data-command="/x&quot; onclick=&quot;alert(1)">a</button>"#
    );
}

#[test]
fn deep_nesting_stays_flat_and_long_input_is_handled() {
    let deep = "[b]".repeat(5_000) + "x" + &"[/b]".repeat(5_000);
    let out = html(&deep);
    assert_eq!(out.matches("<b>").count(), super::bbcode::MAX_DEPTH);
    let brackets = "[".repeat(100_000);
    assert_eq!(html(&brackets), brackets);
    let codes = "[code]".repeat(20_000);
    assert_eq!(html(&codes), codes);
}

#[test]
fn attachments_render_every_block_kind() {
    let value = json!({
        "ID": 1, "COLOR_TOKEN": "primary",
        "BLOCKS": [
            {"MESSAGE": "Deal [b]won[/b]"},
            {"LINK": {"LINK": "https://example.com/d", "NAME": "Deal #1", "DESC": "desc", "HTML": "<b>raw</b>"}},
            {"USER": {"NAME": "Ann", "AVATAR": "https://example.com/a.png", "LINK": "/company/personal/user/5/"}},
            {"GRID": [{"DISPLAY": "LINE", "NAME": "Sum", "VALUE": "[b]100[/b]"}]},
            {"IMAGE": [{"LINK": "https://example.com/i.png", "NAME": "pic"}]},
            {"FILE": [{"LINK": "https://example.com/f.pdf", "NAME": "f.pdf", "SIZE": 1536}]},
            {"DELIMITER": {"SIZE": 200}},
            {"UNKNOWN": {"x": 1}}
        ]
    });
    let out = attach(&value).into_string();
    for expected in [
        r#"<div class="attach attach-primary">"#,
        r#"<div class="attach-message">Deal <b>won</b></div>"#,
        r#"<a href="https://example.com/d" target="_blank" rel="nofollow noopener noreferrer">Deal #1</a>"#,
        r#"<div class="attach-desc">desc</div>"#,
        r#"<img class="attach-avatar" src="https://example.com/a.png" alt="">"#,
        r#"<a href="/company/personal/user/5/">Ann</a>"#,
        r#"<div class="attach-grid-item attach-grid-line"><span class="attach-grid-name">Sum</span><span class="attach-grid-value"><b>100</b></span></div>"#,
        r#"<img class="attach-image" src="https://example.com/i.png" alt="pic">"#,
        r#"f.pdf</a> <span class="attach-file-size">(1.5 KB)</span>"#,
        r#"<hr class="attach-delimiter">"#,
    ] {
        assert!(out.contains(expected), "missing {expected} in {out}");
    }
    assert!(!out.contains("<b>raw</b>"), "a link's HTML is never shown");
}

#[test]
fn hostile_attachments_come_out_inert() {
    let value = json!([
        {"LINK": {"LINK": "javascript:alert(1)", "NAME": "<script>x</script>"}},
        {"USER": {"NAME": "\"><b>", "AVATAR": "javascript:x", "LINK": "//evil.example.com"}},
        {"IMAGE": [{"LINK": "data:image/svg+xml,<svg onload=alert(1)>"}]},
        {"GRID": [{"DISPLAY": "\"><script>", "NAME": "n", "VALUE": "[url=javascript:x]v[/url]"}]},
        {"MESSAGE": {"not": "text"}}
    ]);
    let out = attach(&value).into_string();
    assert!(!out.contains("<script"), "{out}");
    assert!(!out.contains("javascript:"), "{out}");
    assert!(!out.contains("data:"), "{out}");
    assert!(!out.contains("//evil"), "{out}");
    assert!(!out.contains("<b>"), "{out}");
    assert!(out.contains("&lt;script&gt;x&lt;/script&gt;"), "{out}");
    assert!(out.contains("attach-grid-block"), "{out}");
    assert_eq!(
        attach(&json!("not an attachment")).into_string(),
        r#"<div class="attach attach-base"></div>"#
    );
}
