//! A small ZPL writer: one 4x6 inch label at 203 dpi, text fields made safe,
//! Code 128 symbols, rules.
//!
//! Text safety: `^` and `~` start ZPL commands anywhere in a label, even
//! inside field data, so text from a sales channel could end a field and
//! print (or configure) anything. Every text field is therefore written with
//! `^FH_` (hexadecimal escapes introduced by `_`) and `^`, `~` and `_` become
//! `_5E`, `_7E` and `_5F`; the printer prints them as the characters they
//! were. Control characters, escape sequences and bidi controls are dropped
//! by `domain::text::sanitize` (line breaks become spaces). The label selects
//! UTF-8 (`^CI28`), so names like "Müller" or "Łódź" arrive as written
//! (whether a glyph prints depends on the printer's font).

use std::fmt::Write as _;

use crate::domain::text::sanitize;

/// Label width in dots: 4 inches at 203 dpi.
pub const WIDTH: u32 = 812;
/// Label length in dots: 6 inches at 203 dpi.
pub const HEIGHT: u32 = 1218;

/// One label being written, `^XA` to `^XZ`.
pub struct Canvas {
    out: String,
}

impl Canvas {
    /// Starts a 4x6 label: UTF-8, print width and length, home at the corner.
    pub fn new() -> Self {
        Self { out: format!("^XA\n^CI28\n^PW{WIDTH}\n^LL{HEIGHT}\n^LH0,0\n") }
    }

    /// Untrusted text at `(x, y)` in font 0, `height` dots tall; a line too
    /// long for `width` dots is set smaller (down to half the height), then cut.
    pub fn text(&mut self, x: u32, y: u32, height: u32, width: u32, text: &str) {
        let (text, h) = fit(text, height, width);
        let _ = writeln!(self.out, "^FO{x},{y}^A0N,{h},{h}^FH_^FD{}^FS", escape(&text));
    }

    /// Text centred in a `width`-dot block starting at `x`.
    pub fn centred(&mut self, x: u32, y: u32, height: u32, width: u32, text: &str) {
        let (text, h) = fit(text, height, width);
        let _ = writeln!(self.out, "^FO{x},{y}^A0N,{h},{h}^FB{width},1,0,C^FH_^FD{}^FS", escape(&text));
    }

    /// Text wrapped into at most `lines` lines in a `width`-dot block (words
    /// past the last line are dropped before they reach the printer).
    pub fn paragraph(&mut self, x: u32, y: u32, height: u32, width: u32, lines: u32, text: &str) {
        let per_line = chars_per_line(height, width);
        let text: String = sanitize(text).chars().take(per_line * lines as usize).collect();
        let _ = writeln!(self.out, "^FO{x},{y}^A0N,{height},{height}^FB{width},{lines},4,L^FH_^FD{}^FS", escape(&text));
    }

    /// A filled rule (or box outline with `thickness` below both sizes).
    pub fn rule(&mut self, x: u32, y: u32, width: u32, height: u32, thickness: u32) {
        let _ = writeln!(self.out, "^FO{x},{y}^GB{width},{height},{thickness}^FS");
    }

    /// A Code 128 symbol of `data` in ZPL mode N (no automatic subsets: the
    /// data chooses them with `>:`, `>;`, `>5`, `>8`...), `module` dots per
    /// narrow bar, with or without the printer's interpretation line.
    pub fn code128(&mut self, x: u32, y: u32, module: u32, height: u32, interpretation: bool, data: &Code128) {
        let line = if interpretation { 'Y' } else { 'N' };
        let _ =
            writeln!(self.out, "^BY{module},3,{height}\n^FO{x},{y}^BCN,{height},{line},N,N,N^FH_^FD{}^FS", data.zpl);
    }

    /// Ends the label.
    pub fn finish(mut self) -> String {
        self.out.push_str("^XZ\n");
        self.out
    }
}

/// Code 128 field data in ZPL mode N, with its width in modules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code128 {
    zpl: String,
    modules: u32,
}

impl Code128 {
    /// Printable ASCII in subset B (`>:`), `>` written as `><`; `None` when a
    /// character cannot be encoded in subset B.
    pub fn text(text: &str) -> Option<Self> {
        if text.is_empty() || !text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            return None;
        }
        let escaped = escape(&text.replace('>', "><"));
        Some(Self { zpl: format!(">:{escaped}"), modules: modules(text.len() as u32) })
    }

    /// `prefix` in subset B, then an even run of `digits` in subset C
    /// (`>5`): how a tracking number like `1Z999AA1` + `0123456784` is set.
    pub fn text_then_digits(prefix: &str, digits: &str) -> Option<Self> {
        let head = Self::text(prefix)?;
        if !digits.len().is_multiple_of(2) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Self {
            zpl: format!("{}>5{digits}", head.zpl),
            modules: head.modules + 11 * (1 + digits.len() as u32 / 2),
        })
    }

    /// A GS1-128 symbol: start C (`>;`), FNC1 (`>8`), then the element
    /// string, which must be an even number of digits (e.g. AI 00 + SSCC).
    pub fn gs1_digits(element_string: &str) -> Option<Self> {
        if element_string.is_empty()
            || !element_string.len().is_multiple_of(2)
            || !element_string.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let symbols = 1 + element_string.len() as u32 / 2;
        Some(Self { zpl: format!(">;>8{element_string}"), modules: 11 * (symbols + 2) + 13 })
    }

    /// Width in dots at `module` dots per module.
    pub fn width(&self, module: u32) -> u32 {
        self.modules * module
    }
}

/// Modules of a subset-B symbol of `chars` characters: start, data, check
/// (11 each) and the 13-module stop.
fn modules(chars: u32) -> u32 {
    11 * (chars + 2) + 13
}

/// `^`, `~` and the `^FH` escape `_` as hexadecimal escapes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '^' => out.push_str("_5E"),
            '~' => out.push_str("_7E"),
            '_' => out.push_str("_5F"),
            c => out.push(c),
        }
    }
    out
}

/// Font 0 at `height` dots (as tall as wide) averages under 0.6 of its
/// height per character; this many always fit `width`.
fn chars_per_line(height: u32, width: u32) -> usize {
    (width * 10 / (height * 6)).max(1) as usize
}

/// Sanitised text and the font height it fits `width` at: `height`, or
/// smaller for a long line (not under half of it), cut with an ellipsis if
/// even that is too long.
fn fit(text: &str, height: u32, width: u32) -> (String, u32) {
    let clean = sanitize(text);
    let chars = clean.chars().count() as u32;
    let height = if chars as usize > chars_per_line(height, width) {
        (width * 10 / (chars * 6)).max(height / 2).max(1)
    } else {
        height
    };
    let max = chars_per_line(height, width);
    if chars as usize <= max {
        return (clean.into_owned(), height);
    }
    let mut cut: String = clean.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    (cut, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a^XZ~JA_b"), "a_5EXZ_7EJA_5Fb");
        assert_eq!(escape("Müller"), "Müller");
    }

    #[test]
    fn long_text_is_set_smaller_then_cut() {
        assert_eq!(fit("  two\nlines ", 40, 400), ("two lines".to_owned(), 40));
        // 16 characters fit 400 dots at 40; 20 need a smaller font.
        assert_eq!(chars_per_line(40, 400), 16);
        let (text, height) = fit(&"x".repeat(20), 40, 400);
        assert_eq!((text.len(), height), (20, 33));
        // Half the height is the least; past that the line is cut.
        let (cut, height) = fit(&"x".repeat(200), 40, 400);
        assert_eq!(height, 20);
        assert_eq!(cut.chars().count(), chars_per_line(20, 400));
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn code128_data_is_mode_n() {
        let t = Code128::text_then_digits("1Z999AA1", "0123456784").unwrap();
        assert_eq!(t.zpl, ">:1Z999AA1>50123456784");
        // start B, 8 characters, CODE C, 5 pairs, check, stop.
        assert_eq!(t.modules, 11 * 16 + 13);
        assert_eq!(Code128::gs1_digits("00340123450000000017").unwrap().zpl, ">;>800340123450000000017");
        assert_eq!(Code128::text("A>B^").unwrap().zpl, ">:A><B_5E");
        assert_eq!(Code128::text("Ü"), None);
        assert_eq!(Code128::gs1_digits("001"), None);
    }
}
