"""The default questionnaire (survey-and-ghg.md §1.5 field table, §5 and §6.8).

The first round is created from this list; every later round copies the previous round's
questions (the office then edits them), so the keys here are the stable keys across years.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

T = "t CO2e"
MAX_TONNES = Decimal("100000000")  # 100 Mt: more than Sweden's total; anything above is a typo

CONSOLIDATION = [
    ["operational_control", "Operativ kontroll", "Operational control"],
    ["financial_control", "Finansiell kontroll", "Financial control"],
    ["equity_share", "Ägarandel", "Equity share"],
]
GEOGRAPHY = [
    ["umea", "Endast verksamhet i Umeå kommun", "Operations in Umeå municipality only"],
    ["sweden", "Sverige", "Sweden"],
    ["global", "Global", "Global"],
]
YES_NO = [["yes", "Ja", "Yes"], ["no", "Nej", "No"]]
RECALC_REASONS = [
    ["structural", "Strukturell förändring", "Structural change"],
    ["method", "Ändrad metod eller emissionsfaktor", "Changed method or emission factor"],
    ["error", "Upptäckt fel", "Discovered error"],
    ["other", "Annat", "Other"],
]
SCOPE3_STATUS = [
    ["calculated", "Beräknad", "Calculated"],
    ["not_relevant", "Inte relevant", "Not relevant"],
    ["not_calculated", "Relevant men inte beräknad", "Relevant, not calculated"],
    ["included_elsewhere", "Ingår i annan kategori", "Included in another category"],
]
# What each category holds, with an example (Swedish, English): shown under the category.
SCOPE3_HELP = [
    (
        "Utsläpp från produktionen av det ni köper in, t.ex. livsmedel, kontorsmaterial och "
        "konsulttjänster.",
        "Emissions from producing what you buy, e.g. food, office supplies and consultancy.",
    ),
    (
        "Tillverkningen av långlivade saker ni köpt under året, t.ex. fordon, maskiner, "
        "byggnader och datorer.",
        "Making the long-lived things you bought this year, e.g. vehicles, machinery, "
        "buildings and computers.",
    ),
    (
        "Utvinning, produktion och transport av bränsle och energi ni använder (inte "
        "förbränningen), t.ex. förluster i elnätet.",
        "Extracting, producing and transporting the fuel and energy you use (not burning it), "
        "e.g. grid losses.",
    ),
    (
        "Transporter av det ni köper in som ni betalar för men inte kör själva, t.ex. "
        "leveranser till ert lager.",
        "Transport of what you buy that you pay for but do not run yourselves, e.g. deliveries "
        "to your warehouse.",
    ),
    (
        "Behandling av avfall från er verksamhet hos någon annan, t.ex. förbränning av restavfall.",
        "Treatment of your operations' waste by others, e.g. incineration of residual waste.",
    ),
    (
        "Resor i tjänsten med fordon ni inte äger, t.ex. flyg, tåg, hyrbil och hotellnätter.",
        "Business travel in vehicles you do not own, e.g. flights, trains, hire cars and hotel "
        "nights.",
    ),
    (
        "De anställdas resor mellan hem och arbete, t.ex. bilpendling.",
        "Employees' travel between home and work, e.g. commuting by car.",
    ),
    (
        "Tillgångar ni hyr eller leasar som inte redan ingår i scope 1 och 2, t.ex. hyrda lokaler.",
        "Assets you rent or lease that are not already in scope 1 and 2, e.g. rented premises.",
    ),
    (
        "Transporter av sålda produkter som ni inte betalar för, t.ex. kundens egen hämtning.",
        "Transport of sold products that you do not pay for, e.g. customers collecting them.",
    ),
    (
        "När andra förädlar mellanprodukter ni sålt, t.ex. sågat virke som blir möbler.",
        "Others processing intermediate products you sold, e.g. sawn timber made into furniture.",
    ),
    (
        "Utsläpp när kunderna använder det ni säljer, t.ex. bränsle, fordon eller apparater.",
        "Emissions when customers use what you sell, e.g. fuel, vehicles or appliances.",
    ),
    (
        "Avfallshantering av sålda produkter när de är förbrukade, t.ex. förpackningar som "
        "förbränns.",
        "Waste treatment of sold products at the end of their life, e.g. packaging that is "
        "incinerated.",
    ),
    (
        "Tillgångar ni äger och hyr ut, t.ex. lokaler som hyresgästerna värmer.",
        "Assets you own and lease to others, e.g. premises your tenants heat.",
    ),
    (
        "Verksamhet som franchisetagare driver under ert varumärke, t.ex. butiker eller "
        "restauranger.",
        "Operations franchisees run under your brand, e.g. shops or restaurants.",
    ),
    (
        "Utsläpp från företag och projekt ni investerar i eller lånar ut till, t.ex. "
        "aktieinnehav (främst banker och fonder).",
        "Emissions of companies and projects you invest in or lend to, e.g. shareholdings "
        "(mainly banks and funds).",
    ),
]
# Swedish, English (the GHG Protocol's own category names).
SCOPE3_CATEGORIES = [
    ("Inköpta varor och tjänster", "Purchased goods and services"),
    ("Kapitalvaror", "Capital goods"),
    ("Bränsle- och energirelaterade aktiviteter", "Fuel- and energy-related activities"),
    ("Transporter och distribution uppströms", "Upstream transportation and distribution"),
    ("Avfall från verksamheten", "Waste generated in operations"),
    ("Tjänsteresor", "Business travel"),
    ("Anställdas pendling", "Employee commuting"),
    ("Leasade tillgångar uppströms", "Upstream leased assets"),
    ("Transporter och distribution nedströms", "Downstream transportation and distribution"),
    ("Bearbetning av sålda produkter", "Processing of sold products"),
    ("Användning av sålda produkter", "Use of sold products"),
    ("Slutbehandling av sålda produkter", "End-of-life treatment of sold products"),
    ("Leasade tillgångar nedströms", "Downstream leased assets"),
    ("Franchiser", "Franchises"),
    ("Investeringar", "Investments"),
]
GWP = [["ar6", "IPCC AR6", "IPCC AR6"], ["ar5", "IPCC AR5", "IPCC AR5"]]
EF_SOURCES = [
    ["naturvardsverket", "Naturvårdsverket", "Swedish Environmental Protection Agency"],
    ["energimyndigheten", "Energimyndigheten", "Swedish Energy Agency"],
    [
        "supplier_vmk",
        "Leverantör / VMK (lokala miljövärden)",
        "Supplier / VMK (local environmental values)",
    ],
    ["ei_residual", "Ei residualmix", "Ei residual mix"],
    ["defra", "DEFRA", "DEFRA"],
    ["spend_based", "Exiobase / spendbaserat", "Exiobase / spend-based"],
    ["other", "Annat", "Other"],
]
SCOPES = [["s1", "Scope 1", "Scope 1"], ["s2", "Scope 2", "Scope 2"], ["s3", "Scope 3", "Scope 3"]]
COMMITMENT_STATUS = [
    ["not_started", "Inte påbörjat", "Not started"],
    ["planned", "Planerat", "Planned"],
    ["ongoing", "Pågår", "Ongoing"],
    ["done", "Genomfört", "Done"],
]
# §6.8: "Instämmer inte alls … Instämmer helt" plus "Vet ej / ej tillämpligt" outside the scale.
LIKERT_DONT_KNOW = "dk"
LIKERT = [
    ["1", "1 – Instämmer inte alls", "1 – Strongly disagree"],
    ["2", "2", "2"],
    ["3", "3", "3"],
    ["4", "4", "4"],
    ["5", "5 – Instämmer helt", "5 – Strongly agree"],
    [LIKERT_DONT_KNOW, "Vet ej / ej tillämpligt", "Don't know / not applicable"],
]
ENABLING_STATEMENTS = [
    (
        "Partnerna delar kunskap och erfarenheter med andra.",
        "The partners share knowledge and experience with others.",
    ),
    (
        "Vi använder andra partners kunskap och erfarenheter.",
        "We use other partners' knowledge and experience.",
    ),
    (
        "Vi lever våra värderingar: modiga, tänker nytt, generösa, förtroende.",
        "We live our values: brave, new thinking, generous, trust.",
    ),
    (
        "Partnerskapet är välstrukturerat och organiserat för att lyckas.",
        "The partnership is well structured and organised to succeed.",
    ),
    ("Träffarna och eventen är värdefulla.", "The meetings and events are valuable."),
    (
        "Partnerskapet hjälper min organisation att utveckla verksamhet och/eller affärer.",
        "The partnership helps my organisation develop its operations and/or business.",
    ),
    (
        "Vi kan identifiera, utveckla och tillämpa nya idéer för klimatomställningen.",
        "We can identify, develop and apply new ideas for the climate transition.",
    ),
    (
        "Vi kan utforska, utveckla och testa nya idéer tillsammans med andra.",
        "We can explore, develop and test new ideas together with others.",
    ),
]


@dataclass(frozen=True)
class Spec:
    key: str
    section: str
    kind: str
    text: str
    unit: str = ""
    required: bool = False
    per_year: bool = False
    per_commitment: bool = False
    choices: list[list[str]] = field(default_factory=list)
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    breakdown_of: str = ""
    help: str = ""
    text_en: str = ""
    help_en: str = ""
    # Filled from the organisation's last approved response (issue 20.3; surveys.carryover).
    carry_over: bool = False


def _tonnes(key: str, section: str, text: str, **kw: object) -> Spec:
    return Spec(
        key,
        section,
        "decimal",
        text,
        unit=T,
        min_value=Decimal(0),
        max_value=MAX_TONNES,
        **kw,  # type: ignore[arg-type]
    )


def _mwh(key: str, text: str) -> Spec:
    return Spec(
        key,
        "scope2",
        "decimal",
        text,
        unit="MWh",
        per_year=True,
        min_value=Decimal(0),
        max_value=Decimal("100000000"),
    )


QUESTIONS: list[Spec] = [
    # Boundary
    Spec("consolidation_approach", "boundary", "choice", "Konsolideringsmetod", required=True,
         choices=CONSOLIDATION),
    Spec("geographic_scope", "boundary", "choice", "Geografisk avgränsning", required=True,
         choices=GEOGRAPHY),
    Spec("geographic_scope_note", "boundary", "text", "Beskriv avgränsningen (valfritt)"),
    Spec("included_in_partner", "boundary", "organisation",
         "Våra siffror ingår också i en annan partners redovisning",
         help="Välj partnern om ni t.ex. är ett dotterbolag; då räknas ni inte dubbelt."),
    Spec("period_start", "boundary", "date", "Räkenskapsårets första dag (om brutet år)"),
    Spec("period_end", "boundary", "date", "Räkenskapsårets sista dag (om brutet år)"),
    # Base year
    Spec("base_year", "base_year", "integer", "Basår", required=True,
         min_value=Decimal(1990), max_value=Decimal(2100)),
    _tonnes("base_scope1", "base_year", "Basårets utsläpp, scope 1"),
    _tonnes("base_scope2_location", "base_year", "Basårets utsläpp, scope 2 platsbaserad"),
    _tonnes("base_scope2_market", "base_year", "Basårets utsläpp, scope 2 marknadsbaserad"),
    _tonnes("base_scope3", "base_year", "Basårets utsläpp, scope 3"),
    Spec("base_recalculated", "base_year", "choice", "Har basåret räknats om?", choices=YES_NO),
    Spec("base_recalc_reason", "base_year", "choice", "Skäl till omräkning",
         choices=RECALC_REASONS),
    # Scope 1
    _tonnes("scope1_total", "scope1", "Scope 1, totalt", per_year=True, required=True),
    _tonnes("scope1_stationary", "scope1", "varav stationär förbränning", per_year=True,
            breakdown_of="scope1_total"),
    _tonnes("scope1_mobile", "scope1", "varav mobil förbränning (fordon, maskiner)",
            per_year=True, breakdown_of="scope1_total"),
    _tonnes("scope1_process", "scope1", "varav processutsläpp", per_year=True,
            breakdown_of="scope1_total"),
    _tonnes("scope1_fugitive", "scope1", "varav läckage (köldmedier)", per_year=True,
            breakdown_of="scope1_total"),
    # Scope 2
    _tonnes("scope2_location", "scope2", "Scope 2, platsbaserad", per_year=True),
    _tonnes("scope2_market", "scope2", "Scope 2, marknadsbaserad", per_year=True),
    Spec("scope2_not_calculated_reason", "scope2", "text",
         "Om scope 2 inte är beräknat: varför?", per_year=True),
    _mwh("electricity_mwh", "Elanvändning"),
    Spec("go_share_pct", "scope2", "decimal", "Andel el med ursprungsgarantier", unit="%",
         per_year=True, min_value=Decimal(0), max_value=Decimal(100)),
    _mwh("district_heating_mwh", "Fjärrvärme"),
    _mwh("district_cooling_mwh", "Fjärrkyla"),
    # Scope 3: value or status per category (§6.6)
    *[
        Spec(f"scope3_c{n}", "scope3", "scope3", f"{n}. {name}", unit=T, per_year=True,
             required=True, choices=SCOPE3_STATUS, min_value=Decimal(0), max_value=MAX_TONNES,
             text_en=f"{n}. {name_en}", help=help_sv, help_en=help_en)
        for n, ((name, name_en), (help_sv, help_en)) in enumerate(
            zip(SCOPE3_CATEGORIES, SCOPE3_HELP, strict=True), start=1
        )
    ],
    # Other
    Spec("biogenic_co2", "other", "decimal", "Biogen koldioxid (utanför scopen)", unit="t CO2",
         per_year=True, min_value=Decimal(0), max_value=MAX_TONNES),
    _tonnes("offsets", "other", "Köpta eller annullerade klimatkompensationer", per_year=True,
            help="Dras aldrig av från scope-summorna."),
    # Method
    Spec("gwp_set", "method", "choice", "GWP-värden", choices=GWP),
    Spec("ef_sources", "method", "multi", "Källor för emissionsfaktorer", choices=EF_SOURCES),
    Spec("calc_tool", "method", "text", "Beräkningsverktyg eller konsult"),
    Spec("verified", "method", "choice", "Granskad av tredje part", choices=YES_NO),
    # Normalisers
    Spec("employees_fte", "normalisers", "decimal", "Årsarbetare", unit="",
         per_year=True, min_value=Decimal(0), max_value=Decimal(10000000)),
    Spec("turnover_sek", "normalisers", "decimal", "Omsättning", unit="SEK", per_year=True,
         min_value=Decimal(0), max_value=Decimal("100000000000000")),
    Spec("heated_area_m2", "normalisers", "decimal", "Uppvärmd area (Atemp)", unit="m²",
         per_year=True, min_value=Decimal(0), max_value=Decimal(1000000000)),
    # Own target
    Spec("target_rate_pct", "target", "decimal", "Eget mål: minskning per år", unit="%",
         min_value=Decimal(0), max_value=Decimal(100)),
    Spec("target_base_year", "target", "integer", "Målets basår",
         min_value=Decimal(1990), max_value=Decimal(2100)),
    Spec("target_scopes", "target", "multi", "Scope som målet omfattar", choices=SCOPES),
    # Evidence
    Spec("report_url", "evidence", "url", "Länk till hållbarhetsredovisning eller klimatbokslut"),
    Spec("evidence_note", "evidence", "text", "Övrigt underlag"),
    # Commitments (one pair per adopted challenge)
    Spec("commitment_status", "commitments", "choice", "Status", per_commitment=True,
         required=True, choices=COMMITMENT_STATUS),
    Spec("commitment_done", "commitments", "text", "Vad har ni gjort?", per_commitment=True),
    # Enabling goal (§6.8)
    *[
        Spec(f"enabling_{n}", "enabling", "likert", text, required=True, choices=LIKERT,
             text_en=text_en)
        for n, (text, text_en) in enumerate(ENABLING_STATEMENTS, start=1)
    ],
]  # fmt: skip

# The English of the questions above (key → text, help text); the office edits both later.
ENGLISH: dict[str, tuple[str, str]] = {
    "consolidation_approach": ("Consolidation approach", ""),
    "geographic_scope": ("Geographic boundary", ""),
    "geographic_scope_note": ("Describe the boundary (optional)", ""),
    "included_in_partner": (
        "Our figures are also included in another partner's report",
        "Choose the partner if you are, for example, a subsidiary; then you are not counted twice.",
    ),
    "period_start": ("First day of the financial year (if not the calendar year)", ""),
    "period_end": ("Last day of the financial year (if not the calendar year)", ""),
    "base_year": ("Base year", ""),
    "base_scope1": ("Base-year emissions, scope 1", ""),
    "base_scope2_location": ("Base-year emissions, scope 2 location-based", ""),
    "base_scope2_market": ("Base-year emissions, scope 2 market-based", ""),
    "base_scope3": ("Base-year emissions, scope 3", ""),
    "base_recalculated": ("Has the base year been recalculated?", ""),
    "base_recalc_reason": ("Reason for the recalculation", ""),
    "scope1_total": ("Scope 1, total", ""),
    "scope1_stationary": ("of which stationary combustion", ""),
    "scope1_mobile": ("of which mobile combustion (vehicles, machinery)", ""),
    "scope1_process": ("of which process emissions", ""),
    "scope1_fugitive": ("of which fugitive emissions (refrigerants)", ""),
    "scope2_location": ("Scope 2, location-based", ""),
    "scope2_market": ("Scope 2, market-based", ""),
    "scope2_not_calculated_reason": ("If scope 2 is not calculated: why?", ""),
    "electricity_mwh": ("Electricity use", ""),
    "go_share_pct": ("Share of electricity with guarantees of origin", ""),
    "district_heating_mwh": ("District heating", ""),
    "district_cooling_mwh": ("District cooling", ""),
    "biogenic_co2": ("Biogenic carbon dioxide (outside the scopes)", ""),
    "offsets": (
        "Carbon credits bought or retired",
        "Never subtracted from the scope totals.",
    ),
    "gwp_set": ("GWP values", ""),
    "ef_sources": ("Sources of emission factors", ""),
    "calc_tool": ("Calculation tool or consultant", ""),
    "verified": ("Verified by a third party", ""),
    "employees_fte": ("Full-time equivalents", ""),
    "turnover_sek": ("Turnover", ""),
    "heated_area_m2": ("Heated floor area (Atemp)", ""),
    "target_rate_pct": ("Own target: reduction per year", ""),
    "target_base_year": ("Base year of the target", ""),
    "target_scopes": ("Scopes the target covers", ""),
    "report_url": ("Link to the sustainability report or climate report", ""),
    "evidence_note": ("Other evidence", ""),
    "commitment_status": ("Status", ""),
    "commitment_done": ("What have you done?", ""),
}
QUESTIONS = [
    replace(spec, text_en=ENGLISH[spec.key][0], help_en=ENGLISH[spec.key][1])
    if spec.key in ENGLISH
    else spec
    for spec in QUESTIONS
]


# Answers that rarely change from one year to the next (issue 20.3): the boundary, the base year
# and its values, the own target and the method. Not whether the base year was recalculated
# this year, nor whether this year's figures were verified. The office changes the set per
# round (Question.carry_over); this is the default of the first round.
CARRY_OVER_KEYS = frozenset(
    {
        "consolidation_approach", "geographic_scope", "geographic_scope_note",
        "included_in_partner", "period_start", "period_end",
        "base_year", "base_scope1", "base_scope2_location", "base_scope2_market", "base_scope3",
        "target_rate_pct", "target_base_year", "target_scopes",
        "gwp_set", "ef_sources", "calc_tool",
    }
)  # fmt: skip
QUESTIONS = [replace(spec, carry_over=spec.key in CARRY_OVER_KEYS) for spec in QUESTIONS]


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    goal: str
    name: str
    kind: str
    unit: str
    direction: str
    source: str
    source_key: str
    aggregation: str


DEFAULT_INDICATORS: list[IndicatorSpec] = [
    # Never a cross-partner S1 + S2 sum (§1.6.2): the share of the like-for-like panel whose own
    # scope 1 + 2 is on or under the 20 % path (each organisation's own check stored with it).
    IndicatorSpec("emissions_s1s2", "impact-1",
                  "Andel partner på eller under 20 %-banan (scope 1 + 2, jämförbar panel)",
                  "quantitative", "%", "increase", "survey_field", "", "emissions"),
    IndicatorSpec("scope1_sum", "impact-1", "Scope 1, summa för partnerna", "quantitative", T,
                  "decrease", "survey_field", "scope1_total", "sum"),
    IndicatorSpec("scope2_market_sum", "impact-1", "Scope 2 marknadsbaserad, summa",
                  "quantitative", T, "decrease", "survey_field", "scope2_market", "sum"),
    IndicatorSpec("scope2_location_sum", "impact-1", "Scope 2 platsbaserad, summa",
                  "quantitative", T, "decrease", "survey_field", "scope2_location", "sum"),
    IndicatorSpec("scope3_travel_median", "impact-1",
                  "Tjänsteresor (scope 3 kat. 6), median per organisation", "quantitative", T,
                  "decrease", "survey_field", "scope3_c6", "median"),
    IndicatorSpec("umea_territorial", "impact-1", "Umeås territoriella utsläpp",
                  "quantitative", T, "decrease", "manual", "", "emissions"),
    IndicatorSpec("share_public_report", "impact-2",
                  "Andel partner med publik klimatredovisning", "quantitative", "%",
                  "increase", "survey_field", "report_url", "share"),
    IndicatorSpec("share_own_target", "impact-2", "Andel partner med eget minskningsmål",
                  "quantitative", "%", "increase", "survey_field", "target_rate_pct", "share"),
    IndicatorSpec("meeting_attendance", "enabling",
                  "Deltagande på partnerskapets träffar (antal deltagare)",
                  "quantitative", "", "increase", "meeting_count", "", "none"),
    *[
        IndicatorSpec(f"enabling_{n}", "enabling", text, "qualitative", "%",
                      "increase", "survey_field", f"enabling_{n}", "likert")
        for n, (text, _text_en) in enumerate(ENABLING_STATEMENTS, start=1)
    ],
]  # fmt: skip

# Default names replaced because they described a wrong figure; an indicator still carrying one
# is renamed by create_default_indicators (an office-edited name is left alone).
REPLACED_INDICATOR_NAMES = {
    "emissions_s1s2": "Partnernas utsläpp scope 1 + 2 (jämförbar panel)",
}

# The indicators' English names (key → name); the office edits both later.
INDICATOR_NAMES_EN: dict[str, str] = {
    "emissions_s1s2": "Share of partners on or under the 20 % path (scope 1 + 2, like-for-like panel)",
    "scope1_sum": "Scope 1, partners' total",
    "scope2_market_sum": "Scope 2 market-based, total",
    "scope2_location_sum": "Scope 2 location-based, total",
    "scope3_travel_median": "Business travel (scope 3 cat. 6), median per organisation",
    "umea_territorial": "Umeå's territorial emissions",
    "share_public_report": "Share of partners with a public climate report",
    "share_own_target": "Share of partners with their own reduction target",
    "meeting_attendance": "Attendance at the partnership's meetings (participants)",
    **{f"enabling_{n}": text_en for n, (_text, text_en) in enumerate(ENABLING_STATEMENTS, start=1)},
}
