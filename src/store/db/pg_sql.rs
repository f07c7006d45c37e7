//! The store's SQL (SQLite's dialect, restricted to what both databases
//! read the same way) as PostgreSQL reads it.

/// The store's SQL as PostgreSQL reads it: `?N` parameters become `$N`;
/// SQLite's `ifnull` and `group_concat` take their standard names, and
/// its scalar `max(a, b)` and `min(a, b)` (two or more arguments) become
/// `greatest` and `least`; `CROSS JOIN ... ON` becomes `INNER JOIN`. Quoted text and identifiers are left alone.
#[must_use]
pub fn translate(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                out.push(c);
            }
            '?' if chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) => out.push('$'),
            _ if c.is_ascii_alphabetic() && !sql[..i].ends_with(|p: char| p.is_ascii_alphanumeric() || p == '_') => {
                let rest = &sql[i..];
                let word_end = rest.find(|p: char| !(p.is_ascii_alphanumeric() || p == '_')).unwrap_or(rest.len());
                let word = &rest[..word_end];
                let after = &rest[word_end..];
                let renamed = match word.to_ascii_lowercase().as_str() {
                    "ifnull" => Some("coalesce"),
                    "group_concat" => Some("string_agg"),
                    "max" if has_two_arguments(after) => Some("greatest"),
                    "min" if has_two_arguments(after) => Some("least"),
                    // SQLite's CROSS JOIN ... ON fixes the join order; PostgreSQL
                    // takes ON only after a plain JOIN (and plans the order itself).
                    "cross" if after.trim_start().get(..4).is_some_and(|w| w.eq_ignore_ascii_case("join")) => {
                        Some("INNER")
                    }
                    _ => None,
                };
                out.push_str(renamed.unwrap_or(word));
                for _ in 1..word.chars().count() {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether `text` starts with a parenthesised list with a comma at its top level.
fn has_two_arguments(text: &str) -> bool {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            (None, ',') if depth == 1 => return true,
            (None, c) if depth == 0 && !c.is_whitespace() => return false,
            // Inside quotes, or anything else inside the parentheses.
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_sqlite_names_are_translated_outside_quotes() {
        assert_eq!(
            translate("SELECT ifnull(a, '?1'), group_concat(b, ',') FROM t WHERE c = ?12 AND d = \"?2\""),
            "SELECT coalesce(a, '?1'), string_agg(b, ',') FROM t WHERE c = $12 AND d = \"?2\""
        );
        assert_eq!(translate("SELECT myifnull(x) FROM ifnull_t"), "SELECT myifnull(x) FROM ifnull_t");
        assert_eq!(
            translate("SELECT max(a), sum(max(b - c, 0)), min(f(x, y)), MIN(d,(e)) FROM t"),
            "SELECT max(a), sum(greatest(b - c, 0)), min(f(x, y)), least(d,(e)) FROM t"
        );
        assert_eq!(translate("FROM a cross  join b ON b.x = a.x"), "FROM a INNER  join b ON b.x = a.x");
    }
}
