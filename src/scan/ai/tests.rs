use super::*;

#[test]
fn table_is_well_formed() {
    assert!(AIS.len() > 500, "{} entries", AIS.len());
    for pair in AIS.windows(2) {
        assert!(pair[0].ai < pair[1].ai, "not sorted or duplicated: {} then {}", pair[0].ai, pair[1].ai);
    }
    for spec in AIS {
        let ai = spec.ai;
        assert!((2..=4).contains(&ai.len()) && ai.bytes().all(|b| b.is_ascii_digit()), "AI {ai}");
        assert!(!spec.title.is_empty(), "AI {ai} has no title");
        assert!(1 <= spec.min_len && spec.min_len <= spec.max_len && spec.max_len <= 90, "AI {ai} lengths");
        if spec.content == Content::Date {
            assert_eq!((spec.min_len, spec.max_len), (6, 6), "AI {ai}: a date is YYMMDD");
        }
        if spec.check_digit {
            assert!(spec.content == Content::Numeric && spec.min_len == spec.max_len, "AI {ai}: check digit");
        }
        for other in AIS {
            assert!(other.ai == ai || !other.ai.starts_with(ai), "AI {ai} is a prefix of {}", other.ai);
        }
    }
}

#[test]
fn decimal_families_are_expanded() {
    let count = |prefix: &str| AIS.iter().filter(|s| s.ai.len() == 4 && s.ai.starts_with(prefix)).count();
    for spec in AIS.iter().filter(|s| s.content == Content::Decimal) {
        let family = &spec.ai[..3];
        let want = match family {
            "390" | "391" | "392" | "393" => 10,
            "394" => 4,
            _ => 6,
        };
        assert_eq!(count(family), want, "family {family}n");
        assert_eq!(spec.implied_decimals(), spec.ai[3..].parse().ok());
    }
    assert_eq!(AIS.iter().filter(|s| s.ai.starts_with('3') && s.ai.len() == 4).count(), 53 * 6 + 40 + 4 + 6);
    assert_eq!(lookup("3103").unwrap().implied_decimals(), Some(3));
    assert_eq!(lookup("01").unwrap().implied_decimals(), None);
}

#[test]
fn every_entry_is_found_by_its_ai_followed_by_data() {
    for spec in AIS {
        let data = format!("{}123456", spec.ai);
        assert_eq!(lookup(&data), Some(spec));
        assert_eq!(lookup(spec.ai), Some(spec));
    }
}

#[test]
fn lookup_finds_the_common_ais() {
    let check = |data: &str, ai: &str, title: &str, min: u8, max: u8, content: Content| {
        let spec = lookup(data).unwrap_or_else(|| panic!("{data} not found"));
        assert_eq!((spec.ai, spec.title, spec.min_len, spec.max_len, spec.content), (ai, title, min, max, content));
    };
    check("0109501101530003", "01", "GTIN", 14, 14, Content::Numeric);
    assert!(lookup("01").unwrap().check_digit);
    check("10ABC", "10", "BATCH/LOT", 1, 20, Content::Alphanumeric);
    check("17260630", "17", "USE BY OR EXPIRY", 6, 6, Content::Date);
    check("3103001250", "3103", "NET WEIGHT (kg)", 6, 6, Content::Decimal);
    check("39221234", "3922", "PRICE", 1, 15, Content::Decimal);
    check("70032606301200", "7003", "EXPIRY TIME", 10, 10, Content::Numeric);
    check("8200https://example.com", "8200", "PRODUCT URL", 1, 70, Content::Alphanumeric);
    check("99XYZ", "99", "INTERNAL", 1, 90, Content::Alphanumeric);
    check("00106141411234567897", "00", "SSCC", 18, 18, Content::Numeric);
    check("15260101", "15", "BEST BEFORE or BEST BY", 6, 6, Content::Date);
    check("7006260101", "7006", "FIRST FREEZE DATE", 6, 6, Content::Date);
    check("4326260101", "4326", "REL DATE", 6, 6, Content::Date);
    check("7007260101260131", "7007", "HARVEST DATE", 6, 12, Content::Numeric);
    check("4324", "4324", "NOT BEF DEL DT", 10, 10, Content::Numeric);
    check("25312345678901234", "253", "GDTI", 13, 30, Content::Alphanumeric);
    assert!(!lookup("253").unwrap().check_digit);
}

#[test]
fn lookup_rejects_unassigned_and_short_input() {
    for data in ["", "4", "23", "2", "04", "14", "18", "19", "238", "3170", "3106", "3944", "3956", "7024", "8015"] {
        assert_eq!(lookup(data), None, "{data:?}");
    }
    // Not digits, or a multi-byte character where the AI would end.
    assert_eq!(lookup("AB12"), None);
    assert_eq!(lookup("0é"), None);
    assert_eq!(lookup("71é"), None);
}

#[test]
fn predefined_length_matches_the_table() {
    let mut covered = 0;
    for spec in AIS {
        if let Some(total) = predefined_length(spec.ai) {
            covered += 1;
            assert_eq!(spec.min_len, spec.max_len, "AI {} has a predefined length", spec.ai);
            assert_eq!(spec.ai.len() + usize::from(spec.max_len), total, "AI {}", spec.ai);
        }
    }
    // 00-03, 11-13, 15-17, 20, 310n-369n, 410-417.
    assert_eq!(covered, 4 + 6 + 1 + 53 * 6 + 8);
    assert_eq!(predefined_length("3103"), Some(10));
    assert_eq!(predefined_length("0109501101530003"), Some(16));
    assert_eq!(predefined_length("414"), Some(16));
    assert_eq!(predefined_length("04"), Some(18));
    for ai in ["10", "21", "37", "3922", "422", "7003", "8001", "0", "", "é"] {
        assert_eq!(predefined_length(ai), None, "{ai:?}");
    }
}

#[test]
fn inner_check_digits_and_currency_prefixes() {
    for spec in AIS {
        if let Some(n) = inner_check_len(spec.ai) {
            assert!(!spec.check_digit && usize::from(spec.min_len) >= n, "AI {}", spec.ai);
        }
    }
    assert_eq!(inner_check_len("8003"), Some(14));
    assert_eq!(inner_check_len("01"), None);
    assert!(currency_prefixed("3912") && currency_prefixed("3930"));
    assert!(!currency_prefixed("3902") && !currency_prefixed("3922") && !currency_prefixed("391"));
}
