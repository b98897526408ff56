//! The BB-code of stored message text, read into a tree: the text split into
//! plain and quoted blocks (`>>` lines, and the lines between two rows of
//! dashes), each block's tags matched into elements. Only the tags Portico
//! shows are elements; any other tag, a closing tag without its opening and
//! an opening tag never closed stay text. Nesting deeper than [`MAX_DEPTH`]
//! stays text too, so hostile input cannot grow the page's nesting.

/// The deepest elements nest; deeper tags are shown as text.
pub const MAX_DEPTH: usize = 16;

/// A block of lines.
#[derive(Debug, PartialEq)]
pub enum Block {
    /// Ordinary lines.
    Plain(String),
    /// Quoted lines (`>>` lines, or a dash-delimited quote).
    Quote(String),
}

/// A tag Portico shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// `[b]`.
    Bold,
    /// `[i]`.
    Italic,
    /// `[u]`.
    Underline,
    /// `[s]`.
    Strike,
    /// `[size=N]`.
    Size,
    /// `[color=#hex]`.
    Color,
    /// `[url]…[/url]`, `[url=…]…[/url]`.
    Url,
    /// `[user=ID]…[/user]`.
    User,
    /// `[chat=ID]…[/chat]`.
    Chat,
    /// `[put=/cmd]…[/put]`.
    Put,
    /// `[send=/cmd]…[/send]`.
    Send,
    /// `[img size=…]URL[/img]`.
    Img,
    /// `[code]…[/code]`.
    Code,
    /// `[br]`.
    Br,
}

impl Tag {
    fn named(name: &str) -> Option<Tag> {
        Some(match name.to_ascii_lowercase().as_str() {
            "b" => Tag::Bold,
            "i" => Tag::Italic,
            "u" => Tag::Underline,
            "s" => Tag::Strike,
            "size" => Tag::Size,
            "color" => Tag::Color,
            "url" => Tag::Url,
            "user" => Tag::User,
            "chat" => Tag::Chat,
            "put" => Tag::Put,
            "send" => Tag::Send,
            "img" => Tag::Img,
            "code" => Tag::Code,
            "br" => Tag::Br,
            _ => return None,
        })
    }

    /// Whether the content is taken as it is written, tags included.
    fn raw_content(self) -> bool {
        matches!(self, Tag::Code | Tag::Img)
    }
}

/// A piece of a block.
#[derive(Debug, PartialEq)]
pub enum Node {
    /// Text, newlines included.
    Text(String),
    /// An element: its tag, what follows `=` or a space in the opening tag,
    /// and its content.
    Element {
        /// The tag.
        tag: Tag,
        /// `5` of `[user=5]`, `size=small` of `[img size=small]`; empty when none.
        arg: String,
        /// The content (for [`Tag::Code`] and [`Tag::Img`], one text node).
        children: Vec<Node>,
    },
}

/// Splits text into plain and quoted blocks. Lines inside `[code]` are never
/// quotes.
pub fn blocks(text: &str) -> Vec<Block> {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let is_rule = |l: &str| l.trim().len() >= 6 && l.trim().bytes().all(|b| b == b'-');
    let mut out: Vec<Block> = Vec::new();
    let push = |out: &mut Vec<Block>, quote: bool, line: &str| match (out.last_mut(), quote) {
        (Some(Block::Plain(s)), false) | (Some(Block::Quote(s)), true) => {
            s.push('\n');
            s.push_str(line);
        }
        _ => out.push(if quote {
            Block::Quote(line.to_owned())
        } else {
            Block::Plain(line.to_owned())
        }),
    };
    let mut in_code = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if !in_code && is_rule(line) {
            if let Some(end) = (i + 1..lines.len()).find(|&j| is_rule(lines[j])) {
                let quoted = lines[i + 1..end].join("\n");
                out.push(Block::Quote(quoted));
                i = end + 1;
                continue;
            }
        }
        match line.strip_prefix(">>") {
            Some(rest) if !in_code => push(&mut out, true, rest),
            _ => push(&mut out, false, line),
        }
        in_code = code_open_after(line, in_code);
        i += 1;
    }
    out
}

/// Whether a `[code]` is open after `line`, given whether one was before it.
fn code_open_after(line: &str, mut open: bool) -> bool {
    let lower = line.to_ascii_lowercase();
    let mut rest = lower.as_str();
    loop {
        let wanted = if open { "[/code]" } else { "[code]" };
        match rest.find(wanted) {
            Some(at) => {
                open = !open;
                rest = &rest[at + wanted.len()..];
            }
            None => return open,
        }
    }
}

/// A token of a block.
#[derive(Debug)]
enum Token<'a> {
    Text(&'a str),
    Open { tag: Tag, arg: String, raw: &'a str },
    Close { tag: Tag, raw: &'a str },
}

/// The longest tag read as a tag (an `[url=…]` with a long address fits).
const MAX_TAG_CHARS: usize = 4_096;

/// Splits a block into text and the tags Portico knows.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut text_from = 0;
    let mut at = 0;
    // The next `]` at or after the `[` being looked at.
    let mut close_at: Option<usize> = None;
    while let Some(found) = text[at..].find('[') {
        let start = at + found;
        if close_at.is_none_or(|c| c < start) {
            close_at = bytes[start..]
                .iter()
                .position(|&b| b == b']')
                .map(|p| start + p);
        }
        let Some(end) = close_at else { break };
        let token = (end - start < MAX_TAG_CHARS)
            .then(|| read_tag(&text[start..=end]))
            .flatten();
        match token {
            Some(token) => {
                if text_from < start {
                    out.push(Token::Text(&text[text_from..start]));
                }
                out.push(token);
                at = end + 1;
                text_from = at;
            }
            None => at = start + 1,
        }
    }
    if text_from < text.len() {
        out.push(Token::Text(&text[text_from..]));
    }
    out
}

/// `[name]`, `[name=arg]`, `[name arg]` or `[/name]` of a known tag.
fn read_tag(raw: &str) -> Option<Token<'_>> {
    let inner = &raw[1..raw.len() - 1];
    if let Some(name) = inner.strip_prefix('/') {
        return Tag::named(name.trim()).map(|tag| Token::Close { tag, raw });
    }
    let name_end = inner
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(inner.len());
    let tag = Tag::named(&inner[..name_end])?;
    let rest = &inner[name_end..];
    let arg = match rest.chars().next() {
        None => String::new(),
        Some('=') => rest[1..].trim().to_owned(),
        Some(' ') => rest.trim().to_owned(),
        Some(_) => return None,
    };
    if arg.contains('[') {
        return None;
    }
    Some(Token::Open { tag, arg, raw })
}

/// An element being read.
struct Frame<'a> {
    tag: Tag,
    arg: String,
    raw: &'a str,
    children: Vec<Node>,
}

/// Appends text to `nodes`, joining it to the text before.
fn push_text(nodes: &mut Vec<Node>, text: &str) {
    if let Some(Node::Text(last)) = nodes.last_mut() {
        last.push_str(text);
    } else {
        nodes.push(Node::Text(text.to_owned()));
    }
}

/// Appends a node, joining text to the text before.
fn push_node(nodes: &mut Vec<Node>, node: Node) {
    match node {
        Node::Text(text) => push_text(nodes, &text),
        element => nodes.push(element),
    }
}

/// The children of an element never closed: its opening tag as text, then
/// what it holds.
fn unclosed(frame: Frame<'_>, into: &mut Vec<Node>) {
    push_text(into, frame.raw);
    for child in frame.children {
        push_node(into, child);
    }
}

/// Reads a block's BB-code into nodes.
pub fn parse(text: &str) -> Vec<Node> {
    let tokens = tokens(text);
    // For each token, the index of the next closing tag of a raw-content tag.
    let mut next_close: Vec<[Option<usize>; 2]> = vec![[None, None]; tokens.len() + 1];
    for i in (0..tokens.len()).rev() {
        next_close[i] = next_close[i + 1];
        if let Token::Close { tag, .. } = tokens[i] {
            match tag {
                Tag::Code => next_close[i][0] = Some(i),
                Tag::Img => next_close[i][1] = Some(i),
                _ => {}
            }
        }
    }
    let mut root: Vec<Node> = Vec::new();
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Text(text) => push_text(current(&mut root, &mut stack), text),
            Token::Open { tag: Tag::Br, .. } => push_node(
                current(&mut root, &mut stack),
                Node::Element {
                    tag: Tag::Br,
                    arg: String::new(),
                    children: Vec::new(),
                },
            ),
            Token::Open { tag, arg, raw } if tag.raw_content() => {
                let slot = usize::from(*tag == Tag::Img);
                let top = current(&mut root, &mut stack);
                match next_close[i + 1][slot] {
                    Some(end) => {
                        let content: String = tokens[i + 1..end].iter().map(raw_of).collect();
                        push_node(
                            top,
                            Node::Element {
                                tag: *tag,
                                arg: arg.clone(),
                                children: vec![Node::Text(content)],
                            },
                        );
                        i = end;
                    }
                    None => push_text(top, raw),
                }
            }
            Token::Open { tag, arg, raw } => {
                if stack.len() >= MAX_DEPTH {
                    push_text(current(&mut root, &mut stack), raw);
                } else {
                    stack.push(Frame {
                        tag: *tag,
                        arg: arg.clone(),
                        raw,
                        children: Vec::new(),
                    });
                }
            }
            Token::Close { tag, raw } => match stack.iter().rposition(|f| f.tag == *tag) {
                Some(at) => {
                    while stack.len() > at + 1 {
                        close_unclosed(&mut root, &mut stack);
                    }
                    let done = stack.pop().expect("matched frame");
                    let element = Node::Element {
                        tag: done.tag,
                        arg: done.arg,
                        children: done.children,
                    };
                    push_node(current(&mut root, &mut stack), element);
                }
                None => push_text(current(&mut root, &mut stack), raw),
            },
        }
        i += 1;
    }
    while !stack.is_empty() {
        close_unclosed(&mut root, &mut stack);
    }
    root
}

/// Where nodes go now: the innermost open element, else the block.
fn current<'s>(root: &'s mut Vec<Node>, stack: &'s mut [Frame<'_>]) -> &'s mut Vec<Node> {
    match stack.last_mut() {
        Some(frame) => &mut frame.children,
        None => root,
    }
}

/// Ends the innermost open element as never closed (see [`unclosed`]).
fn close_unclosed(root: &mut Vec<Node>, stack: &mut Vec<Frame<'_>>) {
    if let Some(frame) = stack.pop() {
        unclosed(frame, current(root, stack));
    }
}

/// A token as it was written.
fn raw_of<'a>(token: &Token<'a>) -> &'a str {
    match token {
        Token::Text(text) => text,
        Token::Open { raw, .. } | Token::Close { raw, .. } => raw,
    }
}

/// The text a node holds, tags left out.
pub fn plain_text(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Element { children, .. } => out.push_str(&plain_text(children)),
        }
    }
    out
}
