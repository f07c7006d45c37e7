//! Word lists for demo addresses: the countries the demo warehouse ships to,
//! with their currency, streets, cities, postcode and phone formats.

use super::names::{self, Names};

/// A destination country and how its addresses look.
pub struct Country {
    /// ISO 3166-1 alpha-2.
    pub code: &'static str,
    /// ISO 4217; every currency here has two minor digits.
    pub currency: &'static str,
    /// Minor units per euro cent, as numerator and denominator.
    pub rate: (i64, i64),
    /// Orders per thousand.
    pub share: u32,
    /// Inside the EU customs union, so no customs data is needed from DE.
    pub eu: bool,
    pub names: &'static Names,
    pub streets: &'static [&'static str],
    /// The house number comes before the street ("12 High Street").
    pub number_first: bool,
    /// City, postcode pattern (`#` a digit, `@` a letter) and region.
    pub cities: &'static [(&'static str, &'static str, &'static str)],
    /// Mobile number pattern (`#` a digit).
    pub phone: &'static str,
    pub address2: &'static [&'static str],
}

/// The home country: domestic shipping, no customs.
pub const HOME: &str = "DE";

#[rustfmt::skip]
pub const COUNTRIES: &[Country] = &[
    Country {
        code: "DE",
        currency: "EUR",
        rate: (1, 1),
        share: 600,
        eu: true,
        names: &names::DE,
        streets: &[
            "Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Lindenstraße", "Bergstraße",
            "Kirchstraße", "Goethestraße", "Schillerstraße", "Am Markt", "Waldweg", "Rosenweg", "Friedrichstraße",
            "Mühlenweg", "Ringstraße", "Birkenallee",
        ],
        number_first: false,
        cities: &[
            ("Berlin", "10###", ""), ("Berlin", "12###", ""), ("Hamburg", "20###", ""), ("Hamburg", "22###", ""),
            ("München", "80###", ""), ("München", "81###", ""), ("Köln", "50###", ""), ("Frankfurt am Main", "60###", ""),
            ("Stuttgart", "70###", ""), ("Düsseldorf", "40###", ""), ("Leipzig", "04###", ""), ("Dresden", "01###", ""),
            ("Hannover", "30###", ""), ("Nürnberg", "90###", ""), ("Bremen", "28###", ""), ("Essen", "45###", ""),
            ("Dortmund", "44###", ""), ("Freiburg im Breisgau", "79###", ""), ("Münster", "48###", ""),
            ("Regensburg", "93###", ""), ("Kiel", "24###", ""), ("Mainz", "55###", ""), ("Erfurt", "99###", ""),
            ("Bielefeld", "33###", ""), ("Augsburg", "86###", ""),
        ],
        phone: "+49 15# ########",
        address2: names::ADDRESS2_DE,
    },
    Country {
        code: "AT",
        currency: "EUR",
        rate: (1, 1),
        share: 80,
        eu: true,
        names: &names::AT,
        streets: &[
            "Hauptplatz", "Bahnhofstraße", "Kirchengasse", "Wiener Straße", "Linzer Straße", "Mariahilfer Straße",
            "Schulgasse", "Dorfstraße", "Grazer Straße", "Lindengasse",
        ],
        number_first: false,
        cities: &[
            ("Wien", "1##0", ""), ("Graz", "80##", ""), ("Linz", "40##", ""), ("Salzburg", "50##", ""),
            ("Innsbruck", "60##", ""), ("Klagenfurt", "90##", ""), ("St. Pölten", "31##", ""),
        ],
        phone: "+43 66# #######",
        address2: names::ADDRESS2_DE,
    },
    Country {
        code: "FR",
        currency: "EUR",
        rate: (1, 1),
        share: 50,
        eu: true,
        names: &names::FR,
        streets: &[
            "rue de la République", "rue Victor Hugo", "avenue Jean Jaurès", "rue Pasteur", "boulevard Voltaire",
            "rue de la Paix", "place de la Mairie", "rue des Écoles", "chemin des Vignes", "avenue de la Gare",
        ],
        number_first: true,
        cities: &[
            ("Paris", "7500#", ""), ("Paris", "7501#", ""), ("Lyon", "6900#", ""), ("Marseille", "130##", ""),
            ("Toulouse", "310##", ""), ("Nantes", "440##", ""), ("Bordeaux", "330##", ""), ("Lille", "590##", ""),
            ("Strasbourg", "670##", ""), ("Montpellier", "340##", ""), ("Rennes", "350##", ""),
        ],
        phone: "+33 6 ## ## ## ##",
        address2: names::ADDRESS2_FR,
    },
    Country {
        code: "NL",
        currency: "EUR",
        rate: (1, 1),
        share: 50,
        eu: true,
        names: &names::NL,
        streets: &[
            "Kerkstraat", "Dorpsstraat", "Molenweg", "Schoolstraat", "Stationsweg", "Julianastraat", "Beatrixlaan",
            "Prinsengracht", "Keizersgracht", "Eikenlaan",
        ],
        number_first: false,
        cities: &[
            ("Amsterdam", "10## @@", ""), ("Rotterdam", "30## @@", ""), ("Den Haag", "25## @@", ""),
            ("Utrecht", "35## @@", ""), ("Eindhoven", "56## @@", ""), ("Groningen", "97## @@", ""),
            ("Haarlem", "20## @@", ""),
        ],
        phone: "+31 6 ########",
        address2: names::ADDRESS2_OTHER,
    },
    Country {
        code: "BE",
        currency: "EUR",
        rate: (1, 1),
        share: 30,
        eu: true,
        names: &names::BE,
        streets: &[
            "Rue Royale", "Kerkstraat", "Stationsstraat", "Rue de la Station", "Dorpstraat", "Avenue Louise",
            "Nieuwstraat", "Rue du Marché", "Molenstraat", "Chaussée de Wavre",
        ],
        number_first: false,
        cities: &[
            ("Bruxelles", "10#0", ""), ("Antwerpen", "2000", ""), ("Antwerpen", "2018", ""), ("Gent", "9000", ""),
            ("Brugge", "8000", ""), ("Liège", "4000", ""), ("Leuven", "3000", ""), ("Namur", "5000", ""),
        ],
        phone: "+32 47# ## ## ##",
        address2: names::ADDRESS2_OTHER,
    },
    Country {
        code: "PL",
        currency: "PLN",
        rate: (432, 100),
        share: 35,
        eu: true,
        names: &names::PL,
        streets: &[
            "ul. Marszałkowska", "ul. Długa", "ul. Polna", "ul. Leśna", "ul. Słoneczna", "ul. Kościuszki",
            "ul. Mickiewicza", "ul. Ogrodowa", "ul. Lipowa", "al. Jerozolimskie",
        ],
        number_first: false,
        cities: &[
            ("Warszawa", "0#-###", ""), ("Kraków", "3#-###", ""), ("Wrocław", "5#-###", ""), ("Poznań", "6#-###", ""),
            ("Gdańsk", "80-###", ""), ("Łódź", "9#-###", ""),
        ],
        phone: "+48 5## ### ###",
        address2: names::ADDRESS2_OTHER,
    },
    Country {
        code: "IT",
        currency: "EUR",
        rate: (1, 1),
        share: 35,
        eu: true,
        names: &names::IT,
        streets: &[
            "Via Roma", "Via Garibaldi", "Via Mazzini", "Corso Vittorio Emanuele II", "Via Dante", "Via Verdi",
            "Piazza della Repubblica", "Via Cavour", "Via Marconi", "Viale dei Mille",
        ],
        number_first: false,
        cities: &[
            ("Milano", "201##", "MI"), ("Roma", "001##", "RM"), ("Torino", "101##", "TO"), ("Napoli", "801##", "NA"),
            ("Bologna", "401##", "BO"), ("Firenze", "501##", "FI"), ("Verona", "371##", "VR"),
        ],
        phone: "+39 3## ### ####",
        address2: names::ADDRESS2_OTHER,
    },
    Country {
        code: "ES",
        currency: "EUR",
        rate: (1, 1),
        share: 25,
        eu: true,
        names: &names::ES,
        streets: &[
            "Calle Mayor", "Calle de Alcalá", "Gran Vía", "Avenida de la Constitución", "Calle Real",
            "Paseo de Gracia", "Calle del Sol", "Plaza de España", "Calle Nueva", "Calle San Juan",
        ],
        number_first: false,
        cities: &[
            ("Madrid", "280##", ""), ("Barcelona", "080##", ""), ("Valencia", "460##", ""), ("Sevilla", "410##", ""),
            ("Bilbao", "480##", ""), ("Zaragoza", "500##", ""), ("Málaga", "290##", ""),
        ],
        phone: "+34 6## ## ## ##",
        address2: names::ADDRESS2_OTHER,
    },
    Country {
        code: "DK",
        currency: "DKK",
        rate: (746, 100),
        share: 20,
        eu: true,
        names: &names::DK,
        streets: &[
            "Vestergade", "Østergade", "Nørregade", "Søndergade", "Strandvejen", "Kongensgade", "Skolevej",
            "Møllevej", "Kirkevej", "Parkvej",
        ],
        number_first: false,
        cities: &[
            ("København K", "1#0#", ""), ("Aarhus C", "8000", ""), ("Odense C", "5000", ""), ("Aalborg", "9000", ""),
            ("Roskilde", "4000", ""),
        ],
        phone: "+45 2# ## ## ##",
        address2: names::ADDRESS2_OTHER,
    },
    Country {
        code: "SE",
        currency: "SEK",
        rate: (1130, 100),
        share: 20,
        eu: true,
        names: &names::SE,
        streets: &[
            "Storgatan", "Drottninggatan", "Kungsgatan", "Skolgatan", "Kyrkogatan", "Järnvägsgatan", "Parkvägen",
            "Björkvägen", "Sjövägen", "Ringvägen",
        ],
        number_first: false,
        cities: &[
            ("Stockholm", "11# ##", ""), ("Göteborg", "41# ##", ""), ("Malmö", "21# ##", ""), ("Uppsala", "75# ##", ""),
            ("Lund", "22# ##", ""),
        ],
        phone: "+46 7# ### ## ##",
        address2: names::ADDRESS2_OTHER,
    },
    Country {
        code: "GB",
        currency: "GBP",
        rate: (85, 100),
        share: 25,
        eu: false,
        names: &names::GB,
        streets: &[
            "High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane", "King Street",
            "Queens Road", "The Green", "Manor Road",
        ],
        number_first: true,
        cities: &[
            ("London", "SW# #@@", ""), ("London", "N# #@@", ""), ("London", "E# #@@", ""), ("Manchester", "M# #@@", ""),
            ("Birmingham", "B# #@@", ""), ("Leeds", "LS# #@@", ""), ("Bristol", "BS# #@@", ""),
            ("Edinburgh", "EH# #@@", ""), ("Glasgow", "G# #@@", ""),
        ],
        phone: "+44 7700 900###",
        address2: names::ADDRESS2_EN,
    },
    Country {
        code: "US",
        currency: "USD",
        rate: (108, 100),
        share: 15,
        eu: false,
        names: &names::US,
        streets: &[
            "Main Street", "Oak Avenue", "Maple Street", "Washington Avenue", "Park Place", "Lake Drive",
            "Cedar Lane", "Elm Street", "2nd Avenue", "Pine Street",
        ],
        number_first: true,
        cities: &[
            ("New York", "100##", "NY"), ("Los Angeles", "900##", "CA"), ("Chicago", "606##", "IL"),
            ("Seattle", "981##", "WA"), ("Austin", "787##", "TX"), ("Boston", "021##", "MA"), ("Denver", "802##", "CO"),
        ],
        phone: "+1 2## 555 01##",
        address2: names::ADDRESS2_EN,
    },
    Country {
        code: "CH",
        currency: "CHF",
        rate: (96, 100),
        share: 15,
        eu: false,
        names: &names::CH,
        streets: &[
            "Bahnhofstrasse", "Hauptstrasse", "Dorfstrasse", "Kirchgasse", "Seestrasse", "Rue du Lac",
            "Via Cantonale", "Poststrasse", "Rue de Lausanne",
        ],
        number_first: false,
        cities: &[
            ("Zürich", "80##", ""), ("Bern", "30##", ""), ("Basel", "40##", ""), ("Genève", "12##", ""),
            ("Lausanne", "10##", ""), ("Luzern", "60##", ""), ("Winterthur", "84##", ""),
        ],
        phone: "+41 7# ### ## ##",
        address2: names::ADDRESS2_DE,
    },
];
