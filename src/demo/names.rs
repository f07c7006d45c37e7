//! Word lists for demo people: customers' first and last names per country,
//! company forms for B2B buyers, the floor staff, email domains and the
//! delivery notes customers type.

use crate::domain::Role;

/// First and last names common in one country.
pub struct Names {
    pub first: &'static [&'static str],
    pub last: &'static [&'static str],
    /// Legal form appended to B2B company names, e.g. `GmbH`.
    pub company_form: &'static str,
}

#[rustfmt::skip]
pub const DE: Names = Names {
    first: &[
        "Anna", "Lukas", "Sophie", "Jonas", "Marie", "Leon", "Laura", "Felix", "Lea", "Maximilian", "Julia",
        "Paul", "Katharina", "Tim", "Hannah", "Niklas", "Sabine", "Thomas", "Petra", "Michael", "Jürgen", "Ute",
    ],
    last: &[
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
        "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Yılmaz", "Nowak",
    ],
    company_form: "GmbH",
};

#[rustfmt::skip]
pub const AT: Names = Names {
    first: &["Elias", "Anna", "David", "Lena", "Tobias", "Sarah", "Florian", "Magdalena", "Stefan", "Theresa"],
    last: &[
        "Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer", "Leitner",
        "Berger", "Fuchs", "Eder", "Fischer",
    ],
    company_form: "GmbH",
};

#[rustfmt::skip]
pub const FR: Names = Names {
    first: &["Camille", "Lucas", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Gabriel", "Inès", "Jules", "Élodie"],
    last: &[
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Fontaine",
    ],
    company_form: "SARL",
};

#[rustfmt::skip]
pub const NL: Names = Names {
    first: &["Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Finn", "Sophie", "Bram", "Anouk", "Joost"],
    last: &[
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
        "Meijer", "de Boer", "Mulder", "Bos", "Vos",
    ],
    company_form: "B.V.",
};

#[rustfmt::skip]
pub const BE: Names = Names {
    first: &["Louise", "Arthur", "Olivia", "Noah", "Elise", "Jules", "Marie", "Victor", "Lotte", "Wout"],
    last: &[
        "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "Dubois",
        "Lambert", "Dupont",
    ],
    company_form: "BV",
};

#[rustfmt::skip]
pub const PL: Names = Names {
    first: &["Zofia", "Jakub", "Julia", "Antoni", "Maja", "Jan", "Hanna", "Szymon", "Agnieszka", "Piotr", "Łukasz"],
    last: &[
        "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
        "Szymański", "Woźniak", "Dąbrowski", "Mazur",
    ],
    company_form: "Sp. z o.o.",
};

#[rustfmt::skip]
pub const IT: Names = Names {
    first: &["Giulia", "Leonardo", "Sofia", "Francesco", "Aurora", "Alessandro", "Chiara", "Lorenzo", "Martina", "Matteo"],
    last: &[
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Bruno", "Gallo", "Conti", "De Luca",
    ],
    company_form: "S.r.l.",
};

#[rustfmt::skip]
pub const ES: Names = Names {
    first: &["Lucía", "Hugo", "Martina", "Mateo", "Sofía", "Pablo", "Carmen", "Javier", "Elena", "Álvaro"],
    last: &[
        "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
        "Martín", "Jiménez", "Ruiz",
    ],
    company_form: "S.L.",
};

#[rustfmt::skip]
pub const DK: Names = Names {
    first: &["Freja", "William", "Ida", "Oscar", "Emma", "Noah", "Clara", "Magnus", "Mette", "Søren"],
    last: &[
        "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
        "Jørgensen", "Madsen",
    ],
    company_form: "ApS",
};

#[rustfmt::skip]
pub const SE: Names = Names {
    first: &["Alice", "William", "Maja", "Hugo", "Elsa", "Lucas", "Astrid", "Oskar", "Ingrid", "Erik"],
    last: &[
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
        "Gustafsson", "Lindqvist", "Björk",
    ],
    company_form: "AB",
};

#[rustfmt::skip]
pub const GB: Names = Names {
    first: &["Olivia", "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Emily", "Charlie", "Priya"],
    last: &[
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
        "Wright", "Thompson", "Evans", "Walker",
    ],
    company_form: "Ltd",
};

#[rustfmt::skip]
pub const US: Names = Names {
    first: &["Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Mia", "Ethan", "Harper", "Mason", "Maria"],
    last: &[
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Rodriguez", "Martinez",
        "Anderson", "Taylor", "Nguyen", "Kim",
    ],
    company_form: "Inc.",
};

#[rustfmt::skip]
pub const CH: Names = Names {
    first: &["Mia", "Noah", "Lina", "Luca", "Emma", "Leon", "Chiara", "Nico", "Sara", "Matteo", "Léa"],
    last: &[
        "Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Meyer", "Steiner", "Fischer",
        "Brunner", "Baumann", "Rochat", "Bernasconi",
    ],
    company_form: "AG",
};

/// The demo floor staff: badge, name and role.
#[rustfmt::skip]
pub const OPERATORS: &[(&str, &str, Role)] = &[
    ("EMP-0001", "Sabine Hoffmann", Role::Supervisor),
    ("EMP-0002", "Jonas Weber", Role::Picker),
    ("EMP-0003", "Aylin Demir", Role::Picker),
    ("EMP-0004", "Marek Nowak", Role::Packer),
    ("EMP-0005", "Lea Fischer", Role::Packer),
    ("EMP-0006", "Tomasz Kowalczyk", Role::Picker),
];

/// Mailbox domains for shop customers (reserved example domains: nobody real
/// receives mail there).
#[rustfmt::skip]
pub const EMAIL_DOMAINS: &[&str] =
    &["example.com", "example.net", "example.org", "mail.example", "post.example", "web.example"];

/// Notes customers leave at checkout; most orders have none.
#[rustfmt::skip]
pub const NOTES: &[&str] = &[
    "Please leave the parcel with a neighbour if I am out.",
    "Gift, please do not include the invoice.",
    "Bitte beim Nachbarn abgeben.",
    "Deliver to the back door, the front bell is broken.",
    "Please use as little plastic as possible.",
    "Abstellgenehmigung: Garage.",
    "Call before delivery.",
    "Birthday present, a gift note would be lovely.",
];

/// Second address lines; `#` becomes a digit.
#[rustfmt::skip]
pub const ADDRESS2_DE: &[&str] = &["Hinterhaus", "#. OG", "Wohnung #", "c/o Büro", "Seiteneingang"];
#[rustfmt::skip]
pub const ADDRESS2_EN: &[&str] = &["Flat #", "Apt #", "Suite ##0", "Unit #", "Floor #"];
#[rustfmt::skip]
pub const ADDRESS2_FR: &[&str] = &["Bâtiment B", "Appartement ##", "Escalier #", "Résidence les Tilleuls"];
#[rustfmt::skip]
pub const ADDRESS2_OTHER: &[&str] = &["#. floor", "Apartment ##", "Building #"];
