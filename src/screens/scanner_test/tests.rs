//! Tests of the scanner test screen: control characters, gap summaries, the
//! 20-entry limit, every hint, and snapshots at 80x24 and 120x40.

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use ratatui::style::Color;

use super::*;
use crate::scan::gs1::GS;
use crate::scan::{ParseOptions, report};

fn options() -> ParseOptions {
    ParseOptions { gs_substitute: None, today: NaiveDate::from_ymd_opt(2026, 11, 21).unwrap() }
}

fn ms(gaps: &[u64]) -> Vec<Duration> {
    gaps.iter().map(|g| Duration::from_millis(*g)).collect()
}

/// A terminated input with one gap per character (the last before Enter).
fn burst(text: &str, gap_ms: &[u64], verdict: Verdict) -> (Burst, ScanReport) {
    let gaps = (0..text.chars().count()).map(|i| Duration::from_millis(gap_ms[i % gap_ms.len()])).collect();
    (Burst { text: text.into(), terminator: "Enter", gaps, verdict }, report(text, &options()))
}

fn screen_of(inputs: Vec<(Burst, ScanReport)>) -> ScannerTestScreen {
    let mut screen = ScannerTestScreen::new();
    for (b, r) in inputs {
        screen.record(b, r);
    }
    screen
}

const FAST: &[u64] = &[8, 9, 7, 12, 10, 14];

/// A good GTIN, a GS1 code with GS, a slow input, a bad check digit, a
/// layout mismatch and a burst with no Enter, oldest first.
fn mix() -> ScannerTestScreen {
    let mut screen = screen_of(vec![
        burst("4006381333931", FAST, Verdict::Scanner),
        burst(&format!("]C10109501101530003{GS}10LOT42{GS}17260630"), FAST, Verdict::Scanner),
        burst("ORD-000123", &[38, 45, 55, 41], Verdict::Typing),
        burst("4006381333932", FAST, Verdict::Scanner),
        burst("'àà-\"_&\"\"\"ç\"&", FAST, Verdict::Scanner),
    ]);
    screen.unterminated("T0042".into(), ms(&[8, 9, 8, 10]));
    screen
}

fn draw(screen: &ScannerTestScreen, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(screen, f.area())).unwrap();
    terminal.backend().clone()
}

#[test]
fn control_characters_are_made_visible() {
    assert_eq!(visible(&format!("10AB{GS}21X")), "10AB<GS>21X");
    assert_eq!(visible("a\u{1b}[2Jb"), "a<0x1B>[2Jb");
    assert_eq!(visible("\0x\u{7f}"), "<0x00>x<0x7F>");
    assert_eq!(visible("é-Ø plain"), "é-Ø plain");
}

#[test]
fn gaps_are_summarised_in_milliseconds() {
    assert_eq!(gap_summary(&ms(&[8, 14, 7, 9])), "med 9 max 14 ms");
    assert_eq!(gap_summary(&[]), "—");
}

#[test]
fn only_the_last_twenty_are_kept_newest_first() {
    let screen = screen_of((0..25).map(|i| burst(&format!("T{i:04}"), FAST, Verdict::Scanner)).collect());
    let texts: Vec<&str> = screen.entries().iter().map(|e| e.burst.text.as_str()).collect();
    assert_eq!(texts.len(), KEEP);
    assert_eq!((texts[0], texts[KEEP - 1]), ("T0024", "T0005"));
    let mut screen = screen;
    screen.clear();
    assert!(screen.entries().is_empty());
}

#[test]
fn stray_keys_without_enter_are_not_inputs() {
    let mut screen = ScannerTestScreen::new();
    screen.unterminated("c".into(), vec![]);
    assert!(screen.entries().is_empty());
    screen.unterminated("abc".into(), ms(&[45, 50]));
    assert_eq!(screen.entries()[0].burst.verdict, Verdict::Typing);
    assert_eq!(hints(screen.entries()), [Hint::ScanToStart]);
}

#[test]
fn hints_for_each_mistake() {
    let hints_of = |inputs| hints(screen_of(inputs).entries());
    assert_eq!(hints(&[]), [Hint::ScanToStart]);
    assert_eq!(hints_of(vec![burst("4006381333931", FAST, Verdict::Scanner)]), [Hint::Works]);
    assert_eq!(hints_of(vec![burst("CMD-OK", FAST, Verdict::TooShort)]), [Hint::ScanToStart]);
    let mut screen = ScannerTestScreen::new();
    screen.unterminated("T0042".into(), ms(&[8, 9, 8, 10]));
    assert_eq!(hints(screen.entries()), [Hint::NoSuffix]);
    assert_eq!(hints_of(vec![burst("'àà-\"_&\"\"\"ç\"&", FAST, Verdict::Scanner)]), [Hint::KeyboardLayout]);
    // All digits: lot 10 runs into the serial and past 20 characters.
    let no_gs = burst("0109501101530003101234567891721123456789012", FAST, Verdict::Scanner);
    assert_eq!(no_gs.1.kind, "gs1");
    assert_eq!(hints_of(vec![no_gs]), [Hint::NoGroupSeparator]);
    // Letters in the lot: the parser falls back to a SKU.
    let as_sku = burst("010950110153000310LOT4217260630", FAST, Verdict::Scanner);
    assert_eq!(as_sku.1.kind, "sku");
    assert_eq!(hints_of(vec![as_sku]), [Hint::NoGroupSeparator]);
    // With its GS the same code is fine.
    assert_eq!(
        hints_of(vec![burst(&format!("]C1010950110153000310LOT42{GS}17260630"), FAST, Verdict::Scanner)]),
        [Hint::Works]
    );
    assert_eq!(hints_of(vec![burst("ORD-000123", &[38, 45, 55], Verdict::Typing)]), [Hint::SlowScanner]);
    // A typed word is a SKU, not a slow scanner.
    assert_eq!(hints_of(vec![burst("lima", &[40, 50], Verdict::Typing)]), [Hint::ScanToStart]);
    assert_eq!(hints(mix().entries()), [Hint::NoSuffix, Hint::KeyboardLayout, Hint::SlowScanner]);
}

#[test]
fn empty_screen() {
    let screen = ScannerTestScreen::new();
    insta::assert_snapshot!("scanner_test_empty_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("scanner_test_empty_120x40", draw(&screen, 120, 40));
}

#[test]
fn mixed_inputs() {
    let screen = mix();
    insta::assert_snapshot!("scanner_test_mix_80x24", draw(&screen, 80, 24));
    insta::assert_snapshot!("scanner_test_mix_120x40", draw(&screen, 120, 40));
}

#[test]
fn verdicts_and_errors_are_coloured() {
    let backend = draw(&mix(), 120, 40);
    let buffer = backend.buffer();
    let find = |needle: &str| {
        (0..40)
            .find_map(|y| {
                let line: String = (0..120).map(|x| buffer[(x, y)].symbol()).collect();
                line.find(needle).map(|x| (line[..x].chars().count() as u16, y))
            })
            .unwrap()
    };
    assert_eq!(buffer[find("scanner")].fg, Color::Green);
    assert_eq!(buffer[find("typing")].fg, Color::Yellow);
    assert_eq!(buffer[find("gtin: check digit")].fg, Color::Red);
}

#[test]
fn the_apps_area_at_80x24_keeps_the_hints_and_says_what_is_hidden() {
    // The app gives the screen all but the status and key-hint lines.
    let text = format!("{}", draw(&mix(), 80, 22));
    assert!(text.contains("T0042") && text.contains("2 older not shown"), "{text}");
    assert!(text.contains("inter-character delay."), "{text}");
}
