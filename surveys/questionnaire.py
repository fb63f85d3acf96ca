"""The default questionnaire (survey-and-ghg.md §1.5 field table, §5 and §6.8).

The first round is created from this list; every later round copies the previous round's
questions (the office then edits them), so the keys here are the stable keys across years.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

T = "t CO2e"
MAX_TONNES = Decimal("100000000")  # 100 Mt: more than Sweden's total; anything above is a typo

CONSOLIDATION = [
    ["operational_control", "Operativ kontroll"],
    ["financial_control", "Finansiell kontroll"],
    ["equity_share", "Ägarandel"],
]
GEOGRAPHY = [
    ["umea", "Endast verksamhet i Umeå kommun"],
    ["sweden", "Sverige"],
    ["global", "Global"],
]
YES_NO = [["yes", "Ja"], ["no", "Nej"]]
RECALC_REASONS = [
    ["structural", "Strukturell förändring"],
    ["method", "Ändrad metod eller emissionsfaktor"],
    ["error", "Upptäckt fel"],
    ["other", "Annat"],
]
SCOPE3_STATUS = [
    ["calculated", "Beräknad"],
    ["not_relevant", "Inte relevant"],
    ["not_calculated", "Relevant men inte beräknad"],
    ["included_elsewhere", "Ingår i annan kategori"],
]
SCOPE3_CATEGORIES = [
    "Inköpta varor och tjänster",
    "Kapitalvaror",
    "Bränsle- och energirelaterade aktiviteter",
    "Transporter och distribution uppströms",
    "Avfall från verksamheten",
    "Tjänsteresor",
    "Anställdas pendling",
    "Leasade tillgångar uppströms",
    "Transporter och distribution nedströms",
    "Bearbetning av sålda produkter",
    "Användning av sålda produkter",
    "Slutbehandling av sålda produkter",
    "Leasade tillgångar nedströms",
    "Franchiser",
    "Investeringar",
]
GWP = [["ar6", "IPCC AR6"], ["ar5", "IPCC AR5"]]
EF_SOURCES = [
    ["naturvardsverket", "Naturvårdsverket"],
    ["energimyndigheten", "Energimyndigheten"],
    ["supplier_vmk", "Leverantör / VMK (lokala miljövärden)"],
    ["ei_residual", "Ei residualmix"],
    ["defra", "DEFRA"],
    ["spend_based", "Exiobase / spendbaserat"],
    ["other", "Annat"],
]
SCOPES = [["s1", "Scope 1"], ["s2", "Scope 2"], ["s3", "Scope 3"]]
COMMITMENT_STATUS = [
    ["not_started", "Inte påbörjat"],
    ["planned", "Planerat"],
    ["ongoing", "Pågår"],
    ["done", "Genomfört"],
]
# §6.8: "Instämmer inte alls … Instämmer helt" plus "Vet ej / ej tillämpligt" outside the scale.
LIKERT_DONT_KNOW = "dk"
LIKERT = [
    ["1", "1 – Instämmer inte alls"],
    ["2", "2"],
    ["3", "3"],
    ["4", "4"],
    ["5", "5 – Instämmer helt"],
    [LIKERT_DONT_KNOW, "Vet ej / ej tillämpligt"],
]
ENABLING_STATEMENTS = [
    "Partnerna delar kunskap och erfarenheter med andra.",
    "Vi använder andra partners kunskap och erfarenheter.",
    "Vi lever våra värderingar: modiga, tänker nytt, generösa, förtroende.",
    "Partnerskapet är välstrukturerat och organiserat för att lyckas.",
    "Träffarna och eventen är värdefulla.",
    "Partnerskapet hjälper min organisation att utveckla verksamhet och/eller affärer.",
    "Vi kan identifiera, utveckla och tillämpa nya idéer för klimatomställningen.",
    "Vi kan utforska, utveckla och testa nya idéer tillsammans med andra.",
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
             required=True, choices=SCOPE3_STATUS, min_value=Decimal(0), max_value=MAX_TONNES)
        for n, name in enumerate(SCOPE3_CATEGORIES, start=1)
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
    Spec("employees_fte", "normalisers", "decimal", "Årsarbetare", unit="årsarbetare",
         per_year=True, min_value=Decimal(0), max_value=Decimal(10000000)),
    Spec("turnover_sek", "normalisers", "decimal", "Omsättning", unit="kr", per_year=True,
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
        Spec(f"enabling_{n}", "enabling", "likert", text, required=True, choices=LIKERT)
        for n, text in enumerate(ENABLING_STATEMENTS, start=1)
    ],
]  # fmt: skip


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
    IndicatorSpec("emissions_s1s2", "impact-1",
                  "Partnernas utsläpp scope 1 + 2 (jämförbar panel)", "quantitative", T,
                  "decrease", "survey_field", "", "emissions"),
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
    IndicatorSpec("meeting_attendance", "enabling", "Deltagande på partnerskapets träffar",
                  "quantitative", "deltagare", "increase", "meeting_count", "", "none"),
    *[
        IndicatorSpec(f"enabling_{n}", "enabling", text, "qualitative", "% instämmer",
                      "increase", "survey_field", f"enabling_{n}", "likert")
        for n, text in enumerate(ENABLING_STATEMENTS, start=1)
    ],
]  # fmt: skip
