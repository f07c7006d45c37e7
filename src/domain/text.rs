//! Sanitising untrusted text (customer names, addresses, notes, titles) so
//! that nothing from a sales channel can move the cursor, recolour the
//! terminal or reorder what a packer reads.

use std::borrow::Cow;

/// Removes control characters, terminal escape sequences and bidi controls.
///
/// Tabs and line breaks become single spaces; an escape sequence (ESC, CSI or
/// OSC, with its parameters) is dropped whole; bidi embedding, override and
/// isolate characters are dropped. Runs of spaces collapse and the result is
/// trimmed. Text that is already clean is returned as it is, unallocated.
#[must_use]
pub fn sanitize(input: &str) -> Cow<'_, str> {
    if is_clean(input) { Cow::Borrowed(input) } else { Cow::Owned(clean(input)) }
}

/// Nothing to remove: printable characters, single inner spaces, no edges.
fn is_clean(input: &str) -> bool {
    let mut previous_space = true;
    for c in input.chars() {
        let space = c == ' ';
        if (space && previous_space)
            || (!space && (c.is_control() || c.is_whitespace() || is_bidi_control(c) || is_invisible(c)))
        {
            return false;
        }
        previous_space = space;
    }
    !previous_space || input.is_empty()
}

fn clean(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI and OSC introduce sequences like ESC [ and ESC ].
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' => skip_until_string_end(&mut chars),
            '\t' | '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => push_space(&mut out),
            c if c.is_control() || is_bidi_control(c) || is_invisible(c) => {}
            c if c.is_whitespace() => push_space(&mut out),
            c => out.push(c),
        }
    }
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    out
}

fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_until_final(chars);
        }
        Some(']' | 'P' | '_' | '^' | 'X') => {
            chars.next();
            skip_until_string_end(chars);
        }
        // A two-character escape such as ESC c (reset) or ESC 7.
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

/// CSI parameters run until a final byte in `@`..=`~`.
fn skip_until_final(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC, DCS and friends run until BEL or ST (ESC \).
fn skip_until_string_end(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn plain_text_is_untouched_and_not_copied() {
        assert!(matches!(sanitize("Ana Lima"), std::borrow::Cow::Borrowed("Ana Lima")));
        assert!(matches!(sanitize(""), std::borrow::Cow::Borrowed("")));
        assert_eq!(sanitize(" Ana"), "Ana");
        assert_eq!(sanitize("Ana "), "Ana");
        assert_eq!(sanitize("Ana  Lima"), "Ana Lima");
        assert_eq!(sanitize("Ana Lima"), "Ana Lima");
        assert_eq!(sanitize("Zoë Ørsted-Müller, 東京"), "Zoë Ørsted-Müller, 東京");
    }

    #[test]
    fn escape_sequences_are_removed_whole() {
        assert_eq!(sanitize("Ana\u{1b}[31;1mRED\u{1b}[0m"), "AnaRED");
        assert_eq!(sanitize("x\u{1b}]0;pwned title\u{7}y"), "xy");
        assert_eq!(sanitize("x\u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\"), "xlink");
        assert_eq!(sanitize("a\u{1b}cb"), "ab");
        assert_eq!(sanitize("a\u{9b}2Jb"), "ab");
    }

    #[test]
    fn controls_and_bidi_overrides_are_removed() {
        assert_eq!(sanitize("Rua\tAugusta\r\n12"), "Rua Augusta 12");
        assert_eq!(sanitize("abc\u{202e}fed\u{202c}"), "abcfed");
        assert_eq!(sanitize("a\u{0}b\u{7}c\u{8}d"), "abcd");
        assert_eq!(sanitize("  lots   of\u{a0}space  "), "lots of space");
        assert_eq!(sanitize("zero\u{200b}width"), "zerowidth");
    }
}
