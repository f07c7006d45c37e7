//! Demo customers: names, street addresses, postcodes, phones and emails in
//! each destination country's own format, written into reused strings.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::commerce::Channel;
use super::places::Country;
use super::{pick, pick_word, put};
use crate::domain::Address;

/// Fills `a` with a believable customer of `country` ordering via `channel`.
pub fn fill(a: &mut Address, rng: &mut ChaCha8Rng, country: &Country, channel: Channel) {
    let first = *pick(rng, country.names.first);
    let last = *pick(rng, country.names.last);

    a.address2.clear();
    a.name.clear();
    if channel == Channel::B2b {
        a.name.push_str(last);
        if rng.random_ratio(3, 10) {
            a.name.push_str(" & ");
            a.name.push_str(pick_word(rng, country.names.last));
        }
        a.name.push(' ');
        a.name.push_str(country.names.company_form);
        put(&mut a.address2, format_args!("Attn: {first} {last}"));
    } else {
        put(&mut a.name, format_args!("{first} {last}"));
        if rng.random_ratio(12, 100) {
            push_pattern(&mut a.address2, pick_word(rng, country.address2), rng);
        }
    }

    let street = *pick(rng, country.streets);
    let number = if rng.random_ratio(7, 10) { rng.random_range(1..=30) } else { rng.random_range(1..=220) };
    let suffix = if !country.number_first && rng.random_ratio(1, 12) { "a" } else { "" };
    if country.number_first {
        put(&mut a.address1, format_args!("{number} {street}"));
    } else {
        put(&mut a.address1, format_args!("{street} {number}{suffix}"));
    }

    let (city, postcode, region) = *pick(rng, country.cities);
    put(&mut a.city, format_args!("{city}"));
    put(&mut a.region, format_args!("{region}"));
    a.postcode.clear();
    push_pattern(&mut a.postcode, postcode, rng);
    put(&mut a.country, format_args!("{}", country.code));

    a.phone.clear();
    let has_phone = match channel {
        Channel::Shop => rng.random_ratio(85, 100),
        // Marketplaces often keep the customer's number to themselves.
        Channel::Market => rng.random_ratio(4, 10),
        Channel::B2b => true,
    };
    if has_phone {
        push_pattern(&mut a.phone, country.phone, rng);
    }

    a.email.clear();
    match channel {
        Channel::Shop => {
            push_ascii(&mut a.email, first);
            a.email.push(if rng.random_ratio(1, 4) { '_' } else { '.' });
            push_ascii(&mut a.email, last);
            if rng.random_ratio(1, 3) {
                push_pattern(&mut a.email, "##", rng);
            }
            a.email.push('@');
            a.email.push_str(pick_word(rng, super::names::EMAIL_DOMAINS));
        }
        Channel::Market => {
            // A relay address: the marketplace forwards mail to the buyer.
            for _ in 0..14 {
                let c = pick(rng, b"abcdefghijklmnopqrstuvwxyz0123456789");
                a.email.push(char::from(*c));
            }
            a.email.push_str("@marketplace.example");
        }
        Channel::B2b => {
            a.email.push_str("purchasing@");
            push_ascii(&mut a.email, last);
            a.email.push_str(".example");
        }
    }
}

/// Appends `pattern` with each `#` replaced by a digit and each `@` by a
/// letter (those used in UK and Dutch postcodes).
pub fn push_pattern(out: &mut String, pattern: &str, rng: &mut ChaCha8Rng) {
    for c in pattern.chars() {
        match c {
            '#' => out.push(char::from(b'0' + rng.random_range(0..10u8))),
            '@' => out.push(char::from(*pick(rng, b"ABDEFGHJLNPRSTUWXYZ"))),
            c => out.push(c),
        }
    }
}

/// Appends a lower-case ASCII form of a name for an email address
/// (`Müller` -> `mueller`, `Łukasz` -> `lukasz`, `de Jong` -> `dejong`).
pub fn push_ascii(out: &mut String, name: &str) {
    for c in name.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'ä' | 'æ' => "ae",
            'ö' | 'ø' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'å' => "aa",
            'á' | 'à' | 'â' | 'ą' => "a",
            'é' | 'è' | 'ê' | 'ë' | 'ę' => "e",
            'í' | 'ì' | 'î' | 'ï' | 'ı' => "i",
            'ó' | 'ò' | 'ô' => "o",
            'ú' | 'ù' | 'û' => "u",
            'ç' | 'ć' => "c",
            'ñ' | 'ń' => "n",
            'ł' => "l",
            'ś' | 'š' => "s",
            'ź' | 'ż' => "z",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        out.push_str(mapped);
    }
}
