"""The reference data of domain.md, as data. ``services.load_reference_data`` loads it."""

from decimal import Decimal

FOCUS_AREAS = [
    # code, Swedish, English, colour (distinguishable in grey-scale too: decreasing lightness)
    ("mobility", "Mobilitet och transporter", "Mobility and transport", "#1b5e8c"),
    ("energy", "Energi och byggd miljö", "Energy and built environment", "#8a5a00"),
    (
        "consumption",
        "Konsumtion och cirkulär ekonomi",
        "Consumption and circular economy",
        "#6b3f8c",
    ),
    ("food", "Mat och jordbruk", "Food and agriculture", "#2e6b1f"),
    ("other", "Övriga kompletterande åtgärder", "Other complementary measures", "#5c5c5c"),
]

CHALLENGES = [
    (
        1,
        "Underlätta för lokalt hållbart resande",
        "Make sustainable local travel easier",
        "mobility",
    ),
    (2, "Skifta till hållbar personbilsflotta", "Shift to a sustainable car fleet", "mobility"),
    (
        3,
        "Skapa resepolicy för färre och mer hållbara tjänsteresor",
        "Travel policy for fewer, more sustainable business trips",
        "mobility",
    ),
    (4, "Välj hållbar godstransport", "Choose sustainable freight", "mobility"),
    (
        5,
        "Skifta till hållbar lastbilsflotta samt energieffektivisera lastbilstransporter",
        "Sustainable truck fleet, energy-efficient trucking",
        "mobility",
    ),
    (6, "Bygg i klimatsmarta material", "Build with climate-smart materials", "energy"),
    (
        7,
        "Bygg bostäder och lokaler som lågenergihus",
        "Build homes and premises as low-energy buildings",
        "energy",
    ),
    (8, "Skifta till hållbara arbetsmaskiner", "Shift to sustainable work machinery", "energy"),
    (
        9,
        "Energieffektivisera lokaler och bostäder",
        "Make premises and homes energy-efficient",
        "energy",
    ),
    (10, "Effektivisera lokalanvändning", "Use premises more efficiently", "energy"),
    (11, "Välj hållbar uppvärmning", "Choose sustainable heating", "energy"),
    (
        12,
        "Producera och konsumera mer hållbar energi",
        "Produce and consume more sustainable energy",
        "energy",
    ),
    (
        13,
        "Minska klimatpåverkan från resursanvändning",
        "Cut the climate impact of resource use",
        "consumption",
    ),
    (
        14,
        "Använd mindre och mer hållbar plast",
        "Use less and more sustainable plastic",
        "consumption",
    ),
    (
        15,
        "Använd och utveckla delningstjänster inom mobilitet och service",
        "Use and develop sharing services in mobility and services",
        "consumption",
    ),
    (
        16,
        "Skifta till fossilfria finansiella investeringar och kapitalplaceringar",
        "Shift to fossil-free financial investments",
        "other",
    ),
    (
        17,
        "Konsumera större andel klimatsmart mat",
        "Eat a larger share of climate-smart food",
        "food",
    ),
    (18, "Minska matsvinn", "Reduce food waste", "food"),
    (
        19,
        "Använd mindre och mer hållbar gödsel",
        "Use less and more sustainable fertiliser",
        "food",
    ),
    (
        20,
        "Skydda och stärk lokala ekosystemtjänster",
        "Protect and strengthen local ecosystem services",
        "other",
    ),
    (
        21,
        "Utbilda och engagera i klimat- och hållbarhetsfrågor",
        "Educate and engage on climate and sustainability",
        "other",
    ),
]

CLUSTERS = [
    (
        "building",
        "Hållbart byggande och förvaltande",
        "Sustainable building and property management",
        [6, 7, 8, 9, 10, 11, 12],
    ),
]

GOALS = [
    (
        "impact-1",
        "impact",
        "Effektmål 1: utsläppen minskar minst 20 % per år",
        "Impact goal 1: emissions fall at least 20 % a year",
        "Alla partner bidrar till att Umeås utsläpp minskar med minst 20 % per år. "
        "Indikatorer: kvantitativa, data enligt GHG-protokollet.",
        "All partners contribute to Umeå's emissions falling at least 20 % a year. "
        "Indicators: quantitative, data per the GHG Protocol.",
    ),
    (
        "impact-2",
        "impact",
        "Effektmål 2: aktivt arbete med antagna utmaningar",
        "Impact goal 2: active work on adopted challenges",
        "Varje partner arbetar aktivt för att minska utsläppen i den egna verksamheten inom "
        "sina antagna klimatutmaningar.",
        "Every partner works actively to cut emissions in its own operations on its adopted "
        "challenges.",
    ),
    (
        "enabling",
        "enabling",
        "Förutsättningsmål: organisation och process",
        "Enabling goal: organisation and process",
        "Vi delar nätverk, erfarenheter och kompetens; vi skapar väl fungerande "
        "samverkansformer och arenor; engagemanget utvecklar våra egna organisationer.",
        "We share networks, experience and competence; we create well-working forms of "
        "cooperation and arenas; the engagement develops our own organisations.",
    ),
]

PERIODS = [
    # name, first year, last year, base year, annual reduction rate
    ("2023–2025", 2023, 2025, 2022, Decimal("0.200")),
]

# Sectors (bransch): the Swedish text stored on organisations → English. The office adds more.
SECTORS = [
    ("Offentlig förvaltning", "Public administration"),
    ("Hälso- och sjukvård", "Health care"),
    ("Utbildning och forskning", "Education and research"),
    ("Energi", "Energy"),
    ("Fastigheter", "Real estate"),
    ("Vatten och avfall", "Water and waste"),
    ("Parkering och mobilitet", "Parking and mobility"),
    ("Transport och logistik", "Transport and logistics"),
    ("Bygg och anläggning", "Construction"),
    ("Teknikkonsult och arkitektur", "Engineering consultancy and architecture"),
    ("Bank och finans", "Banking and finance"),
    ("Industri", "Manufacturing"),
    ("Kultur och turism", "Culture and tourism"),
    ("Ideell förening", "Non-profit association"),
    ("Hotell och restaurang", "Hotels and restaurants"),
    ("IT och telekom", "IT and telecoms"),
    ("Handel", "Retail and wholesale"),
    ("Revision och rådgivning", "Audit and advisory"),
    ("Jordbruk och livsmedel", "Agriculture and food"),
    ("Jordbruk", "Agriculture"),
    ("Kommun", "Municipality"),
    ("Region", "Region"),
    ("Kultur", "Culture"),
    ("Media och kommunikation", "Media and communication"),
]
