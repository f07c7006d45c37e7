//! Word lists for the demo catalogue: product kinds with their materials,
//! sizes (with real-world dimensions and weights), variants, customs codes
//! and price ranges. A title reads "{material} {noun} {size}, {variant}".

/// A material or make; `weight_pct` scales the size's weight.
pub struct Material {
    pub name: &'static str,
    pub code: &'static str,
    pub weight_pct: u32,
}

/// One size of a product: label, code, outer dimensions (mm) and weight (g).
pub struct Size {
    pub label: &'static str,
    pub code: &'static str,
    pub mm: [u32; 3],
    pub grams: u32,
    /// Price relative to the kind's base price, in percent.
    pub price_pct: u32,
}

/// How units of a kind are traced.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tracking {
    None,
    /// Food and cosmetics: lot and best-before date.
    LotExpiry,
    /// Electronics: serial numbers.
    Serial,
}

/// A kind of product and everything needed to make believable SKUs of it.
pub struct Kind {
    pub noun: &'static str,
    pub code: &'static str,
    pub materials: &'static [Material],
    pub sizes: &'static [Size],
    /// Colours, scents or flavours as (name, code); empty for none.
    pub variants: &'static [(&'static str, &'static str)],
    pub hs_code: &'static str,
    pub origins: &'static [&'static str],
    /// Base retail price range in euro cents.
    pub price_cents: (i64, i64),
    pub tracking: Tracking,
    /// Relative share of the catalogue.
    pub share: u32,
}

const fn m(name: &'static str, code: &'static str, weight_pct: u32) -> Material {
    Material { name, code, weight_pct }
}

const fn s(label: &'static str, code: &'static str, mm: [u32; 3], grams: u32, price_pct: u32) -> Size {
    Size { label, code, mm, grams, price_pct }
}

const NO_MATERIAL: &[Material] = &[m("", "", 100)];

const COLOURS: &[(&str, &str)] = &[
    ("Black", "BLK"),
    ("White", "WHT"),
    ("Grey", "GRY"),
    ("Navy", "NVY"),
    ("Red", "RED"),
    ("Forest Green", "FGR"),
    ("Sage", "SAG"),
    ("Mustard", "MUS"),
    ("Terracotta", "TRC"),
    ("Sky Blue", "SKY"),
    ("Pink", "PNK"),
    ("Sand", "SND"),
    ("Charcoal", "CHR"),
    ("Olive", "OLV"),
];
const TECH_COLOURS: &[(&str, &str)] =
    &[("Black", "BLK"), ("White", "WHT"), ("Graphite", "GRA"), ("Silver", "SLV"), ("Midnight Blue", "MBL")];
const INKS: &[(&str, &str)] = &[("Blue", "BLU"), ("Black", "BLK"), ("Red", "RED"), ("Green", "GRN")];
const TINTS: &[(&str, &str)] = &[("Clear", "CLR"), ("Smoke", "SMK"), ("Amber", "AMB"), ("Green", "GRN")];
const FINISHES: &[(&str, &str)] =
    &[("Black", "BLK"), ("White", "WHT"), ("Natural", "NAT"), ("Gold", "GLD"), ("Silver", "SLV")];
const SCENTS: &[(&str, &str)] = &[
    ("Lavender", "LAV"),
    ("Rose", "ROS"),
    ("Vanilla", "VAN"),
    ("Citrus", "CIT"),
    ("Eucalyptus", "EUC"),
    ("Sandalwood", "SDW"),
    ("Coconut", "COC"),
    ("Fig", "FIG"),
    ("Unscented", "UNS"),
];
const CHOCOLATE: &[(&str, &str)] = &[
    ("Sea Salt", "SSL"),
    ("Orange", "ORA"),
    ("Mint", "MNT"),
    ("Chili", "CHL"),
    ("Almond", "ALM"),
    ("Raspberry", "RSP"),
    ("Hazelnut", "HAZ"),
    ("Coffee", "COF"),
];
const TEAS: &[(&str, &str)] =
    &[("Jasmine", "JAS"), ("Mint", "MNT"), ("Lemon", "LEM"), ("Ginger", "GIN"), ("Sencha", "SEN"), ("Matcha", "MAT")];
const ROASTS: &[(&str, &str)] =
    &[("Espresso", "ESP"), ("Medium Roast", "MED"), ("Dark Roast", "DRK"), ("Decaf", "DEC"), ("Single Origin", "SGO")];
const HONEYS: &[(&str, &str)] = &[
    ("Acacia", "ACA"),
    ("Wildflower", "WLD"),
    ("Forest", "FOR"),
    ("Lavender", "LAV"),
    ("Heather", "HEA"),
    ("Lime Blossom", "LIM"),
];
const GRANOLAS: &[(&str, &str)] =
    &[("Berry", "BER"), ("Chocolate", "CHO"), ("Nut", "NUT"), ("Apple Cinnamon", "APC"), ("Tropical", "TRO")];
const BALMS: &[(&str, &str)] = &[
    ("Vanilla", "VAN"),
    ("Mint", "MNT"),
    ("Cherry", "CHE"),
    ("Honey", "HON"),
    ("Coconut", "COC"),
    ("Unscented", "UNS"),
];

const CLOTHES: &[Size] = &[
    s("Size S", "S", [300, 250, 20], 160, 100),
    s("Size M", "M", [300, 250, 22], 180, 100),
    s("Size L", "L", [320, 260, 24], 200, 100),
    s("Size XL", "XL", [320, 270, 26], 220, 105),
    s("Size XXL", "XXL", [330, 280, 28], 240, 110),
];
const HOODIES: &[Size] = &[
    s("Size S", "S", [350, 300, 60], 520, 100),
    s("Size M", "M", [350, 300, 65], 560, 100),
    s("Size L", "L", [370, 310, 70], 610, 100),
    s("Size XL", "XL", [370, 320, 75], 660, 105),
    s("Size XXL", "XXL", [380, 330, 80], 710, 110),
];

/// The catalogue's kinds. Food and cosmetics (lot and expiry tracked) make
/// up about 8% of the shares. One kind per four lines reads better than
/// rustfmt's one field per line.
#[rustfmt::skip]
pub const KINDS: &[Kind] = &[
    Kind { noun: "Mug", code: "MUG", hs_code: "691200", origins: &["PT", "CN", "DE", "PL"], price_cents: (790, 1990),
        tracking: Tracking::None, share: 50, variants: COLOURS,
        materials: &[m("Ceramic", "CER", 100), m("Stoneware", "STN", 125), m("Enamel", "ENA", 60), m("Porcelain", "POR", 90)],
        sizes: &[s("250 ml", "250", [95, 85, 90], 280, 90), s("350 ml", "350", [110, 90, 100], 340, 100), s("450 ml", "450", [120, 95, 110], 420, 115)] },
    Kind { noun: "Water Bottle", code: "BTL", hs_code: "732393", origins: &["CN", "TW"], price_cents: (1490, 3490),
        tracking: Tracking::None, share: 45, variants: COLOURS,
        materials: &[m("Stainless Steel", "SST", 100), m("Glass", "GLS", 130), m("Tritan", "TRI", 45)],
        sizes: &[s("500 ml", "050", [75, 75, 240], 320, 100), s("750 ml", "075", [80, 80, 280], 400, 115), s("1 l", "100", [85, 85, 310], 480, 130)] },
    Kind { noun: "Lunch Box", code: "LBX", hs_code: "392410", origins: &["CN", "VN"], price_cents: (1290, 2990),
        tracking: Tracking::None, share: 30, variants: COLOURS,
        materials: &[m("Bamboo", "BAM", 90), m("Stainless Steel", "SST", 130), m("Silicone", "SIL", 70)],
        sizes: &[s("800 ml", "080", [190, 130, 65], 310, 100), s("1.2 l", "120", [210, 150, 75], 390, 115)] },
    Kind { noun: "Chef's Knife", code: "KNF", hs_code: "821191", origins: &["DE", "JP", "CN"], price_cents: (2990, 12990),
        tracking: Tracking::None, share: 9, variants: &[],
        materials: &[m("Damascus Steel", "DMS", 110), m("Carbon Steel", "CRB", 100), m("Stainless Steel", "SST", 95)],
        sizes: &[s("16 cm", "16", [300, 60, 25], 180, 90), s("20 cm", "20", [340, 60, 25], 220, 100), s("24 cm", "24", [380, 65, 25], 260, 115)] },
    Kind { noun: "Frying Pan", code: "PAN", hs_code: "732393", origins: &["DE", "IT", "CN"], price_cents: (2490, 7990),
        tracking: Tracking::None, share: 9, variants: &[],
        materials: &[m("Cast Iron", "CIR", 230), m("Aluminium", "ALU", 70), m("Stainless Steel", "SST", 100)],
        sizes: &[s("20 cm", "20", [390, 210, 60], 900, 90), s("24 cm", "24", [430, 250, 60], 1150, 100), s("28 cm", "28", [480, 290, 65], 1450, 120)] },
    Kind { noun: "Cutting Board", code: "CBD", hs_code: "441990", origins: &["DE", "PL", "CN"], price_cents: (1290, 4990),
        tracking: Tracking::None, share: 9, variants: &[],
        materials: &[m("Bamboo", "BAM", 90), m("Oak", "OAK", 110), m("Walnut", "WAL", 105)],
        sizes: &[s("30 x 20 cm", "S", [300, 200, 18], 650, 90), s("40 x 28 cm", "M", [400, 280, 20], 1200, 100), s("50 x 35 cm", "L", [500, 350, 25], 2100, 130)] },
    Kind { noun: "Tea Towel Set of 3", code: "TTW", hs_code: "630291", origins: &["PT", "IN", "LT"], price_cents: (1290, 2490),
        tracking: Tracking::None, share: 25, variants: COLOURS,
        materials: &[m("Cotton", "COT", 100), m("Linen", "LIN", 110)],
        sizes: &[s("", "", [250, 200, 40], 240, 100)] },
    Kind { noun: "Tumbler 4-Pack", code: "TMB", hs_code: "701337", origins: &["CZ", "DE", "ES"], price_cents: (1690, 3490),
        tracking: Tracking::None, share: 20, variants: TINTS,
        materials: &[m("Recycled Glass", "RGL", 100), m("Crystal Glass", "CRY", 110)],
        sizes: &[s("250 ml", "250", [180, 180, 100], 900, 90), s("300 ml", "300", [190, 190, 110], 1050, 100), s("400 ml", "400", [200, 200, 125], 1250, 115)] },
    Kind { noun: "Scented Candle", code: "CDL", hs_code: "340600", origins: &["PL", "DE", "LT"], price_cents: (1490, 2990),
        tracking: Tracking::None, share: 40, variants: SCENTS,
        materials: &[m("Soy Wax", "SOY", 100), m("Beeswax", "BEE", 105), m("Rapeseed Wax", "RAP", 100)],
        sizes: &[s("180 g", "180", [80, 80, 90], 420, 100), s("320 g", "320", [95, 95, 110], 690, 150)] },
    Kind { noun: "Cushion Cover", code: "CSH", hs_code: "630493", origins: &["IN", "PT", "TR"], price_cents: (1490, 3490),
        tracking: Tracking::None, share: 70, variants: COLOURS,
        materials: &[m("Cotton", "COT", 100), m("Linen", "LIN", 105), m("Velvet", "VEL", 130)],
        sizes: &[s("40 x 40 cm", "40", [300, 220, 20], 160, 100), s("50 x 50 cm", "50", [330, 250, 25], 220, 120)] },
    Kind { noun: "Throw Blanket", code: "THR", hs_code: "630140", origins: &["PT", "IN", "CN"], price_cents: (3490, 8990),
        tracking: Tracking::None, share: 65, variants: COLOURS,
        materials: &[m("Wool", "WOL", 120), m("Cotton", "COT", 100), m("Fleece", "FLC", 70)],
        sizes: &[s("130 x 170 cm", "130", [350, 300, 90], 1100, 100), s("150 x 200 cm", "150", [380, 320, 110], 1500, 125)] },
    Kind { noun: "Bath Towel", code: "TWL", hs_code: "630260", origins: &["TR", "PT", "IN"], price_cents: (1290, 3290),
        tracking: Tracking::None, share: 70, variants: COLOURS,
        materials: &[m("Cotton", "COT", 100), m("Organic Cotton", "OCT", 100), m("Bamboo", "BAM", 90)],
        sizes: &[s("50 x 100 cm", "50", [300, 200, 50], 400, 80), s("70 x 140 cm", "70", [350, 250, 80], 700, 100)] },
    Kind { noun: "Plant Pot", code: "POT", hs_code: "691490", origins: &["IT", "PT", "DE", "CN"], price_cents: (990, 3990),
        tracking: Tracking::None, share: 80, variants: COLOURS,
        materials: &[m("Terracotta", "TER", 100), m("Ceramic", "CER", 110), m("Concrete", "CON", 180)],
        sizes: &[s("12 cm", "12", [130, 130, 115], 450, 80), s("17 cm", "17", [180, 180, 160], 950, 100), s("24 cm", "24", [250, 250, 220], 2200, 150)] },
    Kind { noun: "Picture Frame", code: "FRM", hs_code: "441400", origins: &["PL", "DE", "CN"], price_cents: (990, 3490),
        tracking: Tracking::None, share: 40, variants: FINISHES,
        materials: &[m("Oak", "OAK", 100), m("Aluminium", "ALU", 80), m("Walnut", "WAL", 100)],
        sizes: &[s("13 x 18 cm", "1318", [200, 150, 20], 280, 80), s("20 x 30 cm", "2030", [270, 200, 20], 450, 100), s("30 x 40 cm", "3040", [380, 290, 25], 800, 130)] },
    Kind { noun: "LED Desk Lamp", code: "LMP", hs_code: "940521", origins: &["CN"], price_cents: (3990, 8990),
        tracking: Tracking::Serial, share: 8, variants: TECH_COLOURS,
        materials: &[m("Aluminium", "ALU", 100), m("Oak and Steel", "OAS", 115)],
        sizes: &[s("", "", [420, 180, 120], 1300, 100)] },
    Kind { noun: "Notebook", code: "NBK", hs_code: "482020", origins: &["DE", "IT", "CN"], price_cents: (690, 1990),
        tracking: Tracking::None, share: 150, variants: COLOURS,
        materials: &[m("Dotted", "DOT", 100), m("Lined", "LIN", 100), m("Squared", "SQR", 100), m("Plain", "PLN", 100)],
        sizes: &[s("A6", "A6", [150, 110, 15], 140, 70), s("A5", "A5", [215, 155, 16], 280, 100), s("A4", "A4", [300, 215, 18], 520, 140)] },
    Kind { noun: "Ballpoint Pen", code: "PEN", hs_code: "960810", origins: &["DE", "CH", "CN"], price_cents: (290, 2490),
        tracking: Tracking::None, share: 10, variants: INKS,
        materials: &[m("Brass", "BRS", 100), m("Bamboo", "BAM", 40), m("Recycled Plastic", "RPL", 30)],
        sizes: &[s("", "", [150, 25, 20], 25, 100)] },
    Kind { noun: "Desk Organiser", code: "ORG", hs_code: "392610", origins: &["CN", "VN"], price_cents: (1490, 3490),
        tracking: Tracking::None, share: 60, variants: COLOURS,
        materials: &[m("Bamboo", "BAM", 100), m("Felt", "FLT", 60), m("Powder-Coated Steel", "PCS", 160)],
        sizes: &[s("Small", "S", [200, 110, 100], 450, 80), s("Large", "L", [320, 150, 110], 800, 120)] },
    Kind { noun: "Backpack", code: "BPK", hs_code: "420292", origins: &["VN", "CN", "BD"], price_cents: (3990, 11990),
        tracking: Tracking::None, share: 90, variants: COLOURS,
        materials: &[m("Canvas", "CNV", 110), m("Recycled Polyester", "RPE", 80), m("Leather", "LTH", 150)],
        sizes: &[s("15 l", "15", [400, 280, 120], 550, 85), s("22 l", "22", [450, 300, 150], 750, 100), s("30 l", "30", [500, 320, 180], 950, 120)] },
    Kind { noun: "USB-C Cable", code: "USB", hs_code: "854442", origins: &["CN"], price_cents: (990, 2490),
        tracking: Tracking::None, share: 20, variants: TECH_COLOURS,
        materials: &[m("Braided", "BRD", 110), m("Silicone", "SIL", 100)],
        sizes: &[s("0.5 m", "05", [120, 80, 20], 40, 80), s("1 m", "10", [120, 80, 25], 55, 100), s("2 m", "20", [130, 90, 30], 85, 130)] },
    Kind { noun: "Phone Case", code: "PHC", hs_code: "392690", origins: &["CN", "VN"], price_cents: (1490, 3990),
        tracking: Tracking::None, share: 80, variants: COLOURS,
        materials: &[m("Silicone", "SIL", 100), m("Leather", "LTH", 130), m("Recycled Plastic", "RPL", 80)],
        sizes: &[s("6.1 in", "61", [180, 100, 20], 60, 100), s("6.3 in", "63", [185, 100, 20], 65, 100), s("6.7 in", "67", [190, 105, 20], 70, 105)] },
    Kind { noun: "Wireless Earbuds", code: "EAR", hs_code: "851830", origins: &["CN"], price_cents: (4990, 12990),
        tracking: Tracking::Serial, share: 3, variants: TECH_COLOURS,
        materials: NO_MATERIAL,
        sizes: &[s("", "", [110, 90, 45], 180, 100)] },
    Kind { noun: "Bluetooth Speaker", code: "SPK", hs_code: "851822", origins: &["CN"], price_cents: (2990, 8990),
        tracking: Tracking::Serial, share: 15, variants: TECH_COLOURS,
        materials: &[m("Waterproof", "WTP", 110), m("Fabric", "FAB", 100)],
        sizes: &[s("5 W", "05", [100, 100, 60], 300, 70), s("10 W", "10", [180, 80, 80], 540, 100), s("20 W", "20", [220, 100, 100], 900, 150)] },
    Kind { noun: "Power Bank", code: "PWB", hs_code: "850760", origins: &["CN"], price_cents: (1990, 4990),
        tracking: Tracking::Serial, share: 15, variants: TECH_COLOURS,
        materials: &[m("Slim", "SLM", 90), m("Rugged", "RUG", 130)],
        sizes: &[s("5,000 mAh", "05K", [100, 65, 15], 130, 70), s("10,000 mAh", "10K", [140, 70, 16], 210, 100), s("20,000 mAh", "20K", [155, 75, 28], 380, 140)] },
    Kind { noun: "T-Shirt", code: "TSH", hs_code: "610910", origins: &["BD", "TR", "PT", "IN"], price_cents: (1490, 3990),
        tracking: Tracking::None, share: 160, variants: COLOURS,
        materials: &[m("Cotton", "COT", 100), m("Organic Cotton", "OCT", 100), m("Merino", "MER", 85)],
        sizes: CLOTHES },
    Kind { noun: "Hoodie", code: "HOD", hs_code: "611020", origins: &["BD", "TR", "PT"], price_cents: (3990, 7990),
        tracking: Tracking::None, share: 150, variants: COLOURS,
        materials: &[m("Cotton", "COT", 100), m("Recycled Polyester", "RPE", 85), m("Fleece", "FLC", 90)],
        sizes: HOODIES },
    Kind { noun: "Socks 3-Pack", code: "SCK", hs_code: "611595", origins: &["TR", "PT", "IT"], price_cents: (990, 2490),
        tracking: Tracking::None, share: 110, variants: COLOURS,
        materials: &[m("Cotton", "COT", 100), m("Merino", "MER", 100), m("Bamboo", "BAM", 95)],
        sizes: &[s("Size 35-38", "3538", [200, 100, 30], 110, 100), s("Size 39-42", "3942", [210, 100, 30], 120, 100), s("Size 43-46", "4346", [220, 100, 32], 130, 100)] },
    Kind { noun: "Beanie", code: "BNE", hs_code: "650500", origins: &["IT", "CN", "PT"], price_cents: (1490, 3490),
        tracking: Tracking::None, share: 35, variants: COLOURS,
        materials: &[m("Wool", "WOL", 100), m("Merino", "MER", 90), m("Cotton", "COT", 85)],
        sizes: &[s("", "", [250, 200, 30], 90, 100)] },
    Kind { noun: "Yoga Mat", code: "YGM", hs_code: "950691", origins: &["CN", "TW", "PT"], price_cents: (2490, 7990),
        tracking: Tracking::None, share: 50, variants: COLOURS,
        materials: &[m("TPE", "TPE", 100), m("Natural Rubber", "RUB", 180), m("Cork", "CRK", 140)],
        sizes: &[s("4 mm", "4", [620, 130, 130], 900, 90), s("6 mm", "6", [620, 150, 150], 1200, 110)] },
    Kind { noun: "Building Blocks", code: "BLK", hs_code: "950300", origins: &["DE", "PL", "CN"], price_cents: (2490, 4990),
        tracking: Tracking::None, share: 10, variants: &[("Natural", "NAT"), ("Coloured", "COL"), ("Pastel", "PST")],
        materials: &[m("Beech", "BCH", 100), m("Maple", "MPL", 100)],
        sizes: &[s("50 Pieces", "50", [250, 200, 80], 900, 100), s("100 Pieces", "100", [300, 250, 100], 1600, 160)] },
    Kind { noun: "Dog Lead", code: "DGL", hs_code: "420100", origins: &["DE", "CN", "IN"], price_cents: (1290, 3490),
        tracking: Tracking::None, share: 45, variants: COLOURS,
        materials: &[m("Nylon", "NYL", 100), m("Leather", "LTH", 160), m("Rope", "RPE", 130)],
        sizes: &[s("1.2 m", "12", [200, 150, 40], 150, 100), s("2 m", "20", [220, 160, 50], 220, 115)] },
    Kind { noun: "Green Tea", code: "TEA", hs_code: "090210", origins: &["CN", "JP"], price_cents: (490, 1490),
        tracking: Tracking::LotExpiry, share: 18, variants: TEAS,
        materials: &[m("Organic", "ORG", 100), m("Classic", "CLS", 100)],
        sizes: &[s("100 g", "100", [150, 80, 50], 120, 100), s("250 g", "250", [190, 100, 60], 280, 210)] },
    Kind { noun: "Coffee Beans", code: "COF", hs_code: "090121", origins: &["BR", "CO", "ET"], price_cents: (790, 1690),
        tracking: Tracking::LotExpiry, share: 22, variants: ROASTS,
        materials: &[m("Organic", "ORG", 100), m("Fairtrade", "FTR", 100)],
        sizes: &[s("250 g", "250", [170, 90, 60], 270, 100), s("500 g", "500", [220, 110, 70], 530, 180), s("1 kg", "1000", [280, 130, 90], 1040, 330)] },
    Kind { noun: "Dark Chocolate", code: "CHC", hs_code: "180632", origins: &["BE", "CH", "DE"], price_cents: (249, 449),
        tracking: Tracking::LotExpiry, share: 14, variants: CHOCOLATE,
        materials: &[m("Organic", "ORG", 100), m("Fairtrade", "FTR", 100)],
        sizes: &[s("100 g", "100", [160, 80, 10], 110, 100)] },
    Kind { noun: "Honey", code: "HNY", hs_code: "040900", origins: &["DE", "AT", "HU"], price_cents: (590, 1290),
        tracking: Tracking::LotExpiry, share: 16, variants: HONEYS,
        materials: &[m("Organic", "ORG", 100), m("Raw", "RAW", 100)],
        sizes: &[s("250 g", "250", [70, 70, 90], 420, 100), s("500 g", "500", [85, 85, 115], 720, 180)] },
    Kind { noun: "Granola", code: "GRN", hs_code: "190420", origins: &["DE", "AT"], price_cents: (449, 799),
        tracking: Tracking::LotExpiry, share: 14, variants: GRANOLAS,
        materials: &[m("Organic", "ORG", 100), m("Crunchy", "CRN", 100)],
        sizes: &[s("375 g", "375", [190, 120, 60], 400, 100), s("750 g", "750", [240, 150, 70], 790, 180)] },
    Kind { noun: "Hand Cream", code: "HCR", hs_code: "330499", origins: &["DE", "FR"], price_cents: (590, 1490),
        tracking: Tracking::LotExpiry, share: 16, variants: SCENTS,
        materials: &[m("Natural", "NAT", 100), m("Organic", "ORG", 100)],
        sizes: &[s("50 ml", "50", [130, 45, 35], 70, 100), s("75 ml", "75", [150, 50, 38], 95, 130)] },
    Kind { noun: "Shampoo", code: "SHP", hs_code: "330510", origins: &["DE", "FR", "IT"], price_cents: (490, 1290),
        tracking: Tracking::LotExpiry, share: 16, variants: SCENTS,
        materials: &[m("Natural", "NAT", 100), m("Organic", "ORG", 100)],
        sizes: &[s("250 ml", "250", [60, 45, 180], 290, 100), s("500 ml", "500", [75, 55, 210], 560, 170)] },
    Kind { noun: "Lip Balm", code: "LPB", hs_code: "330410", origins: &["DE", "FR"], price_cents: (290, 590),
        tracking: Tracking::LotExpiry, share: 6, variants: BALMS,
        materials: &[m("Natural", "NAT", 100), m("Organic", "ORG", 100)],
        sizes: &[s("4.8 g", "48", [75, 20, 20], 12, 100)] },
    Kind { noun: "Bar Soap", code: "SOP", hs_code: "340111", origins: &["DE", "FR", "IT"], price_cents: (390, 890),
        tracking: Tracking::LotExpiry, share: 16, variants: SCENTS,
        materials: &[m("Olive Oil", "OLV", 100), m("Goat Milk", "GTM", 100), m("Natural", "NAT", 100)],
        sizes: &[s("100 g", "100", [80, 55, 30], 110, 100), s("150 g", "150", [90, 60, 35], 160, 135)] },
];
