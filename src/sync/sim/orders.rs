//! The simulated channel's orders: their model, the generator (names,
//! addresses whose postcodes pass packline's checks, line items from the
//! caller's SKU codes) and their JSON in the channel API's shape.

use chrono::{DateTime, FixedOffset};
use rand::Rng as _;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// The SKU codes used when the caller gives none.
pub const DEFAULT_SKUS: &[&str] = &[
    "MUG-RED",
    "MUG-BLUE",
    "BTL-STEEL-750",
    "TEE-BLACK-M",
    "TEE-WHITE-L",
    "CDL-LAVENDER",
    "TTW-LINEN-3",
    "CBD-OAK-L",
    "PAN-IRON-28",
    "KNF-CHEF-20",
];

/// The SKU of a gift card line (`requires_shipping: false`, fulfilled at once).
pub const GIFT_CARD: &str = "GIFT-CARD";

/// The first order id: above 2^53, so a client parsing ids as f64 loses them.
pub const FIRST_ORDER_ID: u64 = (1 << 53) + 5_823_416_729_361;

/// One order as the channel holds it (a version of it: each change keeps the old one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Order {
    pub id: u64,
    pub number: u64,
    pub email: String,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
    pub cancelled_at: Option<i64>,
    pub financial_status: &'static str,
    pub note: String,
    pub tags: &'static str,
    pub address: Address,
    pub lines: Vec<Line>,
    pub shipping: (&'static str, &'static str, i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Address {
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub address1: String,
    pub address2: Option<String>,
    pub city: &'static str,
    pub province_code: Option<&'static str>,
    pub zip: String,
    pub country_code: &'static str,
    pub phone: String,
    country: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Line {
    pub id: u64,
    pub sku: String,
    pub title: String,
    pub variant_title: Option<String>,
    pub quantity: u32,
    /// Euro cents.
    pub price: i64,
    pub grams: u32,
    pub requires_shipping: bool,
    pub fulfilled: u32,
}

impl Line {
    pub fn fulfillable(&self) -> u32 {
        self.quantity - self.fulfilled
    }
}

/// Where ids come from: each kind counts up in random steps from above 2^53.
#[derive(Debug, Clone)]
pub(super) struct Ids {
    pub order: u64,
    pub number: u64,
    pub line: u64,
    pub fulfillment_order: u64,
    pub fulfillment_order_line: u64,
    pub fulfillment: u64,
}

impl Ids {
    pub fn new(first_order_id: u64) -> Self {
        Self {
            order: first_order_id,
            number: 1001,
            line: (1 << 53) + 14_111_000_000_001,
            fulfillment_order: (1 << 53) + 6_900_100_000_001,
            fulfillment_order_line: (1 << 53) + 7_001_000_000_001,
            fulfillment: (1 << 53) + 4_401_000_000_001,
        }
    }

    /// The next id of a kind: a step of 1 to 99, as real channels skip ids.
    pub fn next(rng: &mut ChaCha8Rng, counter: &mut u64) -> u64 {
        let id = *counter;
        *counter += rng.random_range(1..100);
        id
    }
}

/// A destination country and how its addresses look (`#` a digit, `@` a letter).
struct Country {
    code: &'static str,
    share: u32,
    /// City, postcode pattern, province code (empty: none).
    cities: &'static [(&'static str, &'static str, &'static str)],
    streets: &'static [&'static str],
    number_first: bool,
    first: &'static [&'static str],
    last: &'static [&'static str],
    address2: &'static [&'static str],
    phone: &'static str,
    company_form: &'static str,
}

#[rustfmt::skip]
const COUNTRIES: &[Country] = &[
    Country { code: "DE", share: 40, number_first: false, phone: "+49 15# ########", company_form: "GmbH",
        cities: &[("Berlin", "10###", ""), ("Hamburg", "20###", ""), ("München", "80###", ""), ("Köln", "50###", ""),
            ("Leipzig", "04###", ""), ("Frankfurt am Main", "60###", "")],
        streets: &["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Lindenstraße", "Schillerstraße", "Am Markt"],
        first: &["Anna", "Lukas", "Sophie", "Jonas", "Marie", "Felix", "Jürgen", "Sabine"],
        last: &["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Schröder", "Krüger"],
        address2: &["2. OG", "Hinterhaus", "bei Meier", "Apartment 4"] },
    Country { code: "AT", share: 10, number_first: false, phone: "+43 664 #######", company_form: "GmbH",
        cities: &[("Wien", "1###", ""), ("Graz", "80##", ""), ("Linz", "40##", ""), ("Salzburg", "50##", "")],
        streets: &["Hauptplatz", "Mariahilfer Straße", "Landstraße", "Kirchengasse"],
        first: &["Elias", "Lena", "David", "Magdalena", "Tobias", "Theresa"],
        last: &["Gruber", "Huber", "Bauer", "Pichler", "Steiner", "Hofer"],
        address2: &["Stiege 2, Top 7", "Tür 12"] },
    Country { code: "FR", share: 15, number_first: true, phone: "+33 6 ## ## ## ##", company_form: "SARL",
        cities: &[("Paris", "750##", ""), ("Lyon", "6900#", ""), ("Marseille", "130##", ""), ("Toulouse", "310##", ""),
            ("Nantes", "440##", "")],
        streets: &["rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Voltaire", "rue des Lilas"],
        first: &["Camille", "Louis", "Chloé", "Hugo", "Léa", "Élodie"],
        last: &["Martin", "Bernard", "Dubois", "Thomas", "Lefèvre", "Moreau"],
        address2: &["Bâtiment B", "Appartement 12", "3e étage"] },
    Country { code: "NL", share: 12, number_first: false, phone: "+31 6 ########", company_form: "B.V.",
        cities: &[("Amsterdam", "10## @@", ""), ("Rotterdam", "30## @@", ""), ("Utrecht", "35## @@", ""),
            ("Den Haag", "25## @@", "")],
        streets: &["Kerkstraat", "Dorpsstraat", "Molenweg", "Prinsengracht", "Stationsweg"],
        first: &["Daan", "Emma", "Sem", "Julia", "Lucas", "Sanne"],
        last: &["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser"],
        address2: &["2 hoog", "huis A", "bis"] },
    Country { code: "PT", share: 5, number_first: false, phone: "+351 91# ### ###", company_form: "Lda",
        cities: &[("Lisboa", "1###-###", ""), ("Porto", "4###-###", ""), ("Braga", "47##-###", ""),
            ("Coimbra", "30##-###", "")],
        streets: &["Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina", "Rua do Carmo"],
        first: &["Ana", "João", "Maria", "Tiago", "Inês", "Rui"],
        last: &["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Lima"],
        address2: &["3 esq", "2 dto", "r/c"] },
    Country { code: "ES", share: 9, number_first: false, phone: "+34 6## ### ###", company_form: "S.L.",
        cities: &[("Madrid", "280##", "M"), ("Barcelona", "080##", "B"), ("Valencia", "460##", "V"),
            ("Sevilla", "410##", "SE"), ("Bilbao", "480##", "BI")],
        streets: &["Calle Mayor", "Gran Vía", "Calle de Alcalá", "Avenida de la Constitución"],
        first: &["Lucía", "Pablo", "María", "Javier", "Carmen", "Álvaro"],
        last: &["García", "Fernández", "González", "Rodríguez", "López", "Martínez"],
        address2: &["3º B", "Piso 2, puerta 1", "Bajo"] },
    Country { code: "IT", share: 9, number_first: false, phone: "+39 3## ### ####", company_form: "S.r.l.",
        cities: &[("Roma", "001##", "RM"), ("Milano", "201##", "MI"), ("Torino", "101##", "TO"),
            ("Napoli", "801##", "NA"), ("Bologna", "401##", "BO")],
        streets: &["Via Roma", "Via Garibaldi", "Corso Italia", "Via Dante", "Piazza della Repubblica"],
        first: &["Giulia", "Francesco", "Sofia", "Alessandro", "Chiara", "Matteo"],
        last: &["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"],
        address2: &["Scala B", "Interno 5", "Piano 3"] },
];

/// Notes customers type; most orders have none.
pub(super) const NOTES: &[&str] = &[
    "Leave at the back door",
    "Bitte beim Nachbarn abgeben",
    "Please no invoice in the parcel, it is a gift",
    "Ring twice",
    "Livrer au gardien",
    "Lasciare in portineria",
    "Deixar na portaria",
    "Call before delivery",
];

const DOMAINS: &[&str] = &["gmail.com", "outlook.com", "gmx.net", "web.de", "proton.me", "icloud.com"];
const TAGS: &[&str] = &["vip", "gift", "repeat customer", "vip, gift"];
const SERVICES: &[(&str, &str, i64)] =
    &[("standard", "Standard", 490), ("express", "Express", 990), ("economy", "Economy", 290)];

pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// `#` becomes a digit, `@` a capital letter.
fn fill(rng: &mut ChaCha8Rng, pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| match c {
            '#' => char::from(b'0' + rng.random_range(0..10u8)),
            '@' => char::from(b'A' + rng.random_range(0..26u8)),
            c => c,
        })
        .collect()
}

/// Makes a new order at `at` (unix seconds), with SKUs from `skus`.
pub(super) fn generate(rng: &mut ChaCha8Rng, ids: &mut Ids, at: i64, skus: &[String]) -> Order {
    let mut roll = rng.random_range(0..COUNTRIES.iter().map(|c| c.share).sum::<u32>());
    let mut country = 0;
    while roll >= COUNTRIES[country].share {
        roll -= COUNTRIES[country].share;
        country += 1;
    }
    let c = &COUNTRIES[country];
    let (first, last) = (pick(rng, c.first).to_string(), pick(rng, c.last).to_string());
    let (city, zip, province) = *pick(rng, c.cities);
    let mut address = Address {
        first_name: first,
        last_name: last,
        company: rng.random_bool(0.08).then(|| format!("{} {}", pick(rng, c.last), c.company_form)),
        address1: String::new(),
        address2: rng.random_bool(0.3).then(|| (*pick(rng, c.address2)).to_owned()),
        city,
        province_code: (!province.is_empty()).then_some(province),
        zip: fill(rng, zip),
        country_code: c.code,
        phone: fill(rng, c.phone),
        country,
    };
    address.address1 = street(rng, country);
    let email = format!(
        "{}.{}{}@{}",
        ascii(&address.first_name),
        ascii(&address.last_name),
        if rng.random_bool(0.3) { rng.random_range(1..99).to_string() } else { String::new() },
        pick(rng, DOMAINS)
    );
    let lines = line_items(rng, ids, skus);
    let paid = rng.random_range(0..100);
    ids.number += 1;
    Order {
        id: Ids::next(rng, &mut ids.order),
        number: ids.number - 1,
        email,
        created_at: at,
        updated_at: at,
        cancelled_at: None,
        financial_status: match paid {
            0..92 => "paid",
            92..96 => "authorized",
            _ => "pending",
        },
        note: if rng.random_bool(0.25) { (*pick(rng, NOTES)).to_owned() } else { String::new() },
        tags: if rng.random_bool(0.2) { TAGS[rng.random_range(0..TAGS.len())] } else { "" },
        address,
        lines,
        shipping: *pick(rng, &[SERVICES[0], SERVICES[0], SERVICES[0], SERVICES[0], SERVICES[1], SERVICES[2]]),
    }
}

fn street(rng: &mut ChaCha8Rng, country: usize) -> String {
    let c = &COUNTRIES[country];
    let (name, number) = (pick(rng, c.streets), rng.random_range(1..180));
    if c.number_first { format!("{number} {name}") } else { format!("{name} {number}") }
}

fn line_items(rng: &mut ChaCha8Rng, ids: &mut Ids, skus: &[String]) -> Vec<Line> {
    let count = [1, 1, 1, 1, 2, 2, 2, 3, 3, 4][rng.random_range(0..10)].min(skus.len());
    let mut chosen: Vec<&String> = Vec::with_capacity(count);
    while chosen.len() < count {
        let sku = pick(rng, skus);
        if !chosen.contains(&sku) {
            chosen.push(sku);
        }
    }
    // A gift card alone would leave nothing to ship: it comes with other lines.
    if chosen.iter().all(|s| s.as_str() == GIFT_CARD) {
        let others: Vec<&String> = skus.iter().filter(|s| s.as_str() != GIFT_CARD).collect();
        if !others.is_empty() {
            chosen = vec![*pick(rng, &others)];
        }
    }
    chosen
        .into_iter()
        .map(|sku| {
            let quantity = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3][rng.random_range(0..10)];
            let id = Ids::next(rng, &mut ids.line);
            if sku == GIFT_CARD {
                let price = *pick(rng, &[2500, 5000]);
                return Line {
                    id,
                    sku: sku.clone(),
                    title: "Gift Card".into(),
                    variant_title: None,
                    quantity,
                    price,
                    grams: 0,
                    requires_shipping: false,
                    fulfilled: quantity,
                };
            }
            let hash = fnv(sku);
            let mut words = sku.split('-').filter(|w| !w.is_empty()).map(title_case);
            let title = words.next().unwrap_or_else(|| sku.clone());
            let variant: Vec<String> = words.collect();
            Line {
                id,
                sku: sku.clone(),
                title,
                variant_title: (!variant.is_empty()).then(|| variant.join(" / ")),
                quantity,
                price: 490 + (hash % 90) as i64 * 50,
                grams: 80 + ((hash >> 16) % 1500) as u32,
                requires_shipping: true,
                fulfilled: 0,
            }
        })
        .collect()
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn title_case(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A name folded to lower-case ASCII for an e-mail address.
fn ascii(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'á' | 'à' | 'â' | 'ã' => out.push('a'),
            'é' | 'è' | 'ê' => out.push('e'),
            'í' => out.push('i'),
            'ó' | 'ô' | 'õ' => out.push('o'),
            'ú' => out.push('u'),
            'ç' => out.push('c'),
            _ => {}
        }
    }
    out
}

/// Changes the delivery address a little (another house number, or the
/// second line added or dropped); the postcode stays valid.
pub(super) fn change_address(rng: &mut ChaCha8Rng, address: &mut Address) {
    if rng.random_bool(0.5) {
        address.address1 = street(rng, address.country);
    } else if address.address2.take().is_none() {
        address.address2 = Some((*pick(rng, COUNTRIES[address.country].address2)).to_owned());
    }
}

/// Cents as a decimal string: 1250 -> "12.50".
pub(super) fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Unix seconds as ISO-8601 with the shop's offset.
pub(super) fn iso(secs: i64, offset: FixedOffset) -> String {
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .with_timezone(&offset)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

impl Order {
    /// Shipped lines all fulfilled: `fulfilled`; some: `partial`; none: null.
    pub fn fulfillment_status(&self) -> Option<&'static str> {
        let shipped = || self.lines.iter().filter(|l| l.requires_shipping);
        if shipped().all(|l| l.fulfillable() == 0) {
            Some("fulfilled")
        } else if shipped().any(|l| l.fulfilled > 0) {
            Some("partial")
        } else {
            None
        }
    }

    /// The order in the channel API's shape.
    pub fn to_json(&self, offset: FixedOffset) -> Value {
        let a = &self.address;
        let subtotal: i64 = self.lines.iter().map(|l| l.price * i64::from(l.quantity)).sum();
        let (code, title, shipping) = self.shipping;
        let lines: Vec<Value> = self
            .lines
            .iter()
            .map(|l| {
                json!({
                    "id": l.id, "sku": l.sku, "title": l.title, "variant_title": l.variant_title,
                    "name": match &l.variant_title { Some(v) => format!("{} - {v}", l.title), None => l.title.clone() },
                    "quantity": l.quantity, "price": money(l.price), "grams": l.grams,
                    "requires_shipping": l.requires_shipping, "fulfillable_quantity": l.fulfillable(),
                    "fulfillment_status": if l.fulfillable() == 0 { Some("fulfilled") } else if l.fulfilled > 0 { Some("partial") } else { None },
                })
            })
            .collect();
        json!({
            "id": self.id,
            "name": format!("#{}", self.number),
            "order_number": self.number,
            "email": self.email,
            "created_at": iso(self.created_at, offset),
            "updated_at": iso(self.updated_at, offset),
            "processed_at": iso(self.created_at, offset),
            "cancelled_at": self.cancelled_at.map(|t| iso(t, offset)),
            "cancel_reason": self.cancelled_at.map(|_| "customer"),
            "financial_status": self.financial_status,
            "fulfillment_status": self.fulfillment_status(),
            "subtotal_price": money(subtotal),
            "total_price": money(subtotal + shipping),
            "total_weight": self.lines.iter().map(|l| l.grams * l.quantity).sum::<u32>(),
            "currency": "EUR",
            "note": self.note,
            "tags": self.tags,
            "test": false,
            "shipping_address": {
                "first_name": a.first_name, "last_name": a.last_name,
                "name": format!("{} {}", a.first_name, a.last_name), "company": a.company,
                "address1": a.address1, "address2": a.address2, "city": a.city, "province_code": a.province_code,
                "zip": a.zip, "country_code": a.country_code, "phone": a.phone,
            },
            "line_items": lines,
            "shipping_lines": [{"code": code, "title": title, "price": money(shipping)}],
        })
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;

    use super::*;

    fn skus() -> Vec<String> {
        DEFAULT_SKUS.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_orders_and_they_look_real() {
        let make = || {
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            let mut ids = Ids::new(FIRST_ORDER_ID);
            (0..200).map(|i| generate(&mut rng, &mut ids, 1_790_000_000 + i, &skus())).collect::<Vec<_>>()
        };
        let orders = make();
        assert_eq!(orders, make());
        assert_eq!(orders[0].id, FIRST_ORDER_ID);
        assert!(orders.windows(2).all(|w| w[0].id < w[1].id && w[1].number == w[0].number + 1));
        let paid = orders.iter().filter(|o| o.financial_status == "paid").count();
        assert!(paid > 160 && paid < 200, "{paid} paid");
        for order in &orders {
            assert!((1..=4).contains(&order.lines.len()));
            assert!(order.lines.iter().all(|l| l.requires_shipping && DEFAULT_SKUS.contains(&l.sku.as_str())));
            let json = order.to_json(FixedOffset::east_opt(3600).unwrap());
            assert!(json["email"].as_str().unwrap().is_ascii(), "{json}");
            assert!(json["updated_at"].as_str().unwrap().ends_with("+01:00"));
            let total = json["total_price"].as_str().unwrap();
            assert!(total.split_once('.').is_some_and(|(_, cents)| cents.len() == 2), "{total}");
        }
        let countries: std::collections::BTreeSet<_> = orders.iter().map(|o| o.address.country_code).collect();
        assert_eq!(countries.len(), COUNTRIES.len(), "{countries:?}");
        assert_eq!(money(5), "0.05");
        assert_eq!(ascii("Jürgen Lefèvre"), "juergenlefevre");
    }

    #[test]
    fn gift_cards_come_with_something_to_ship() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut ids = Ids::new(FIRST_ORDER_ID);
        let skus = vec![GIFT_CARD.to_owned(), "MUG-RED".to_owned()];
        for _ in 0..100 {
            let order = generate(&mut rng, &mut ids, 0, &skus);
            assert!(order.lines.iter().any(|l| l.requires_shipping), "{order:?}");
            assert!(order.lines.iter().all(|l| l.requires_shipping == (l.sku != GIFT_CARD)));
        }
    }
}
