"""What the authentic sources know about a sandbox person, as plain facts.

Each service the sandbox serves maps these facts onto its own wire model;
the facts themselves know nothing about XML. They are generated from
``(seed, index)`` alone, so a person's facts are the same in every run and
cost nothing until asked for.

Facts describe the world as of `REFERENCE_DATE`: closed periods end before
it, open periods (``end=None``) are still running, and so are "current"
whatever today's date is. A deceased person's periods all end at death.
Amounts are integer euro cents, never floats.

The rules keep a profile coherent: pensioners do not work, the DmfA
quarters follow the Dimona employments, the holiday pay follows blue-collar
work, leefloon goes to people without other income, MediPrima decisions to
people without health insurance, the social tariff to people with a
social right.
"""

from __future__ import annotations

import datetime as _dt
import random
from dataclasses import dataclass, replace
from typing import Final, TypeVar

from ksz_client.sandbox.organisations import SANDBOX_CBE_NUMBER, kbo_number
from ksz_client.types import Period

__all__ = [
    "EMPLOYERS",
    "LEEFLOON_MONTHLY_CENTS",
    "MUTUALITIES",
    "REFERENCE_DATE",
    "ChildBenefitFile",
    "DisabilityFile",
    "DmfaQuarter",
    "Employer",
    "EmployerRecord",
    "Employment",
    "Facts",
    "HolidayPay",
    "IncapacityPeriod",
    "Insurability",
    "JobSeekerRegistration",
    "LeefloonAttest",
    "MediPrimaDecision",
    "Pension",
    "Posting",
    "RealEstate",
    "SelfEmployment",
    "SocialTariff",
    "TaxAssessment",
    "UnemploymentPeriod",
    "employer_record",
    "generate",
]

_T = TypeVar("_T")

REFERENCE_DATE: Final = _dt.date(2026, 1, 1)
"""Facts are generated as of this day; periods open on it are still running."""


@dataclass(frozen=True)
class Employer:
    """An employer in the RSZ employer repertory (Dolsis getEmployerDetail)."""

    name: str
    cbe_number: str
    noss_number: str
    """RSZ/ONSS registration number (10 digits, starts with 0)."""
    joint_committee: str
    public: bool = False


@dataclass(frozen=True)
class Employment:
    """A Dimona employment period (Dolsis findEmployersByWorker)."""

    employer: Employer
    worker_type: str
    """Dimona worker type: oth (ordinary), stu (student), ivt (interim), ..."""
    white_collar: bool
    dimona_period_id: int
    period: Period

    @property
    def current(self) -> bool:
        return self.period.end is None


@dataclass(frozen=True)
class DmfaQuarter:
    """Wage and working time of one quarter with one employer (Dolsis getEmploymentDetail)."""

    employer: Employer
    year: int
    quarter: int
    worker_code: int
    """DmfA worker code: 15 blue collar, 495 white collar."""
    gross_wage_cents: int
    days_worked: int
    working_time_per_mille: int
    """Part of a full-time job, in thousandths (1000 = full time)."""


@dataclass(frozen=True)
class SelfEmployment:
    """A self-employed career period at the RSVZ (SelfEmployed consultCareer/Contributions)."""

    period: Period
    activity: str
    quarterly_contribution_cents: int
    contributions_paid_regularly: bool


@dataclass(frozen=True)
class Insurability:
    """Health-insurance affiliation (HealthCareInsurance)."""

    mutuality_code: str
    mutuality: str
    period: Period
    third_party_payer: bool
    medical_house: bool
    increased_intervention: bool


@dataclass(frozen=True)
class TaxAssessment:
    """A tax assessment of an income year (TaxAssessment V2)."""

    income_year: int
    taxable_income_cents: int
    dependants: int
    foreign_real_estate_income_cents: int


@dataclass(frozen=True)
class RealEstate:
    """A property in Belgium (PatrimonyService)."""

    municipality_code: str
    municipality: str
    kind: str
    """house, apartment or land."""
    cadastral_income_cents: int
    share_per_mille: int
    """The person's share of the property, in thousandths."""


@dataclass(frozen=True)
class DisabilityFile:
    """A disability file and its allowances (HandiService)."""

    file_number: str
    recognised_since: _dt.date
    category: int
    """Integration allowance category, 1 to 5."""
    income_replacement_monthly_cents: int
    integration_monthly_cents: int
    social_card: bool


@dataclass(frozen=True)
class UnemploymentPeriod:
    """Unemployment benefits (UnemploymentDataService)."""

    period: Period
    kind: str
    """FULL or TEMPORARY."""
    daily_allowance_cents: int
    dossier_status: str
    """COMPLETED, PROVISIONAL or NOT_STARTED."""


@dataclass(frozen=True)
class ChildBenefitFile:
    """A file in the child-benefit cadastre (ChildBenefits); no amounts."""

    authentic_source: str
    """FLANDERS, WALLONIA, BRUSSELS, EASTBELGIUM or FEDERAL."""
    role: str
    """ATTRIBUTED, ALLOCATED or BENEFICIARY_CHILD."""
    period: Period
    children: int


@dataclass(frozen=True)
class SocialTariff:
    """A right to the social energy tariff (SocialRateInvestigation)."""

    product: str
    """E (electricity) or G (gas)."""
    supplier: str
    ean: str
    period: Period


@dataclass(frozen=True)
class Pension:
    """A pension right in the pension cadastre (OCMWCPASPensionRegisterConsult)."""

    kind: str
    """RETIREMENT, SURVIVAL or GRAPA (income guarantee for the elderly)."""
    period: Period
    monthly_gross_cents: int


@dataclass(frozen=True)
class JobSeekerRegistration:
    """A registration with a public employment service (JobSeeker)."""

    service: str
    """VDAB, FOREM, ACTIRIS or ADG."""
    period: Period
    category: str


@dataclass(frozen=True)
class IncapacityPeriod:
    """An incapacity for work, paid by the mutuality (HdiIndemnityAllowance)."""

    period: Period
    kind: str
    """INCAPACITY, PREGNANCY or INVALIDITY."""
    daily_indemnity_cents: int


@dataclass(frozen=True)
class HolidayPay:
    """Holiday pay of blue-collar work, paid by the RJV (HolidayAttestationService)."""

    year: int
    """The holiday year; the pay is for the work of the year before."""
    single_cents: int
    double_cents: int
    days: int


@dataclass(frozen=True)
class LeefloonAttest:
    """A leefloon (integration income) decision of an OCMW, refunded by the POD MI."""

    attest_id: str
    ocmw_cbe_number: str
    category: str
    """COHABITANT, ISOLATED or FAMILY."""
    period: Period
    monthly_cents: int


@dataclass(frozen=True)
class MediPrimaDecision:
    """A MediPrima decision on medical costs (ManageCarmed)."""

    carmed_number: str
    version: int
    ocmw_cbe_number: str
    period: Period
    covers: tuple[str, ...]


@dataclass(frozen=True)
class Posting:
    """A Limosa declaration: the person, working for a foreign employer, is posted to
    Belgium (Dolsis findPostedWorkers, PostedWorkerDetail, FindPostingDocumentDetail)."""

    document_id: str
    """Limosa's technical id of the posting document."""
    foreign_employer: str
    foreign_country: str
    """ISO 3166-1 alpha-2 code of the country the employer is established in."""
    foreign_employer_id: str
    """The employer's identification in its own country (VAT or company number)."""
    belgian_client: Employer | None
    """The Belgian company the work is done for (None for a private client)."""
    period: Period
    workplace_postal_code: str
    workplace_municipality: str
    weekly_hours_hundredths: int
    """Declared working time a week, in hundredths of an hour (3800 = 38 hours)."""
    declared_on: _dt.date
    self_employed: bool = False
    cancelled: bool = False


@dataclass(frozen=True)
class Facts:
    """Everything the social databases know about one sandbox person."""

    employments: tuple[Employment, ...] = ()
    dmfa: tuple[DmfaQuarter, ...] = ()
    self_employment: tuple[SelfEmployment, ...] = ()
    insurability: tuple[Insurability, ...] = ()
    taxes: tuple[TaxAssessment, ...] = ()
    real_estate: tuple[RealEstate, ...] = ()
    disability: DisabilityFile | None = None
    unemployment: tuple[UnemploymentPeriod, ...] = ()
    child_benefits: tuple[ChildBenefitFile, ...] = ()
    social_tariffs: tuple[SocialTariff, ...] = ()
    pensions: tuple[Pension, ...] = ()
    job_seeker: tuple[JobSeekerRegistration, ...] = ()
    incapacity: tuple[IncapacityPeriod, ...] = ()
    holiday_pay: tuple[HolidayPay, ...] = ()
    leefloon: tuple[LeefloonAttest, ...] = ()
    mediprima: tuple[MediPrimaDecision, ...] = ()
    postings: tuple[Posting, ...] = ()

    @property
    def has_employment(self) -> bool:
        """An employment is running (open Dimona period)."""
        return any(e.current for e in self.employments)

    @property
    def self_employed(self) -> bool:
        return any(s.period.end is None for s in self.self_employment)

    @property
    def insured(self) -> bool:
        return any(i.period.end is None for i in self.insurability)

    @property
    def unemployed(self) -> bool:
        return any(u.period.end is None for u in self.unemployment)

    @property
    def pensioned(self) -> bool:
        return any(p.period.end is None for p in self.pensions)

    @property
    def job_seeking(self) -> bool:
        return any(j.period.end is None for j in self.job_seeker)

    @property
    def incapacitated(self) -> bool:
        return any(i.period.end is None for i in self.incapacity)

    @property
    def on_leefloon(self) -> bool:
        return any(a.period.end is None for a in self.leefloon)

    @property
    def posted(self) -> bool:
        """A Limosa posting is declared for the person."""
        return bool(self.postings)

    @property
    def on_mediprima(self) -> bool:
        return any(d.period.end is None or d.period.end >= REFERENCE_DATE
                   for d in self.mediprima)


# --- reference data -----------------------------------------------------------------------

EMPLOYERS: Final = (
    Employer("Bakkerij Peeters BV", kbo_number(4_111_201), "0411120100", "118.03"),
    Employer("Boulangerie Dubois SRL", kbo_number(4_111_202), "0411120200", "118.03"),
    Employer("Interim Plus NV", kbo_number(4_111_203), "0411120300", "322.00"),
    Employer("Schoonmaak Vlaanderen BV", kbo_number(4_111_204), "0411120400", "121.00"),
    Employer("Nettoyage Wallonie SA", kbo_number(4_111_205), "0411120500", "121.00"),
    Employer("Logistiek Antwerpen NV", kbo_number(4_111_206), "0411120600", "226.00"),
    Employer("Horeca De Kroon BV", kbo_number(4_111_207), "0411120700", "302.00"),
    Employer("Supermarché Central SA", kbo_number(4_111_208), "0411120800", "202.00"),
    Employer("Stad Sandbox", kbo_number(4_111_209), "0411120900", "000.00", public=True),
    Employer("OCMW Sandbox", SANDBOX_CBE_NUMBER, "0411121000", "000.00", public=True),
    Employer("Bauunternehmen Eupen GmbH", kbo_number(4_111_211), "0411121100", "124.00"),
    Employer("ICT Solutions NV", kbo_number(4_111_212), "0411121200", "200.00"),
)
"""Fictitious employers; the OCMW itself employs people (article 60)."""


@dataclass(frozen=True)
class EmployerRecord:
    """What the RSZ employer repertory holds about an employer (Dolsis getEmployerDetail)."""

    employer: Employer
    employer_type: str
    """PRIVATE, PUBLIC_FEDERAL or PUBLIC_LOCAL."""
    employer_class: int
    registered: _dt.date
    vat_number: str | None
    street: str
    house_number: str
    postal_code: str
    municipality: str
    social_secretariat: tuple[str, str] | None = None
    """(number, name) of the recognised social secretariat the employer is affiliated to."""
    family_allowance_fund: tuple[str, str] | None = None
    """(number, name) of the family allowance fund."""
    curator: tuple[str, _dt.date] | None = None
    """(name, appointment date) of the curator of a bankrupt employer."""


_SECRETARIATS: Final = (("100", "Sociaal Secretariaat Sandbox vzw"),
                        ("200", "Secrétariat social Bac-à-sable asbl"))
_ALLOWANCE_FUNDS: Final = (("11", "Kinderbijslagfonds Sandbox"),
                           ("21", "Caisse d'allocations familiales Sandbox"))
_SEATS: Final = (("Kerkstraat", "2000", "Antwerpen"), ("Rue Haute", "1000", "Bruxelles"),
                 ("Stationsstraat", "9000", "Gent"), ("Rue de la Station", "4000", "Liège"))


def employer_record(employer: Employer) -> EmployerRecord:
    """The employer's record in the repertory; pure function of the employer.

    The horeca employer is bankrupt (a curator manages it since 2025-09-15): an
    OCMW asks Dolsis exactly that when a client's employer stops paying.
    """
    position = EMPLOYERS.index(employer) if employer in EMPLOYERS else len(employer.name)
    street, postal, municipality = _SEATS[position % len(_SEATS)]
    curator = None
    if employer.joint_committee == "302.00":
        curator = ("Mr. A. Curator, advocaat", _dt.date(2025, 9, 15))
    return EmployerRecord(
        employer=employer,
        employer_type="PUBLIC_LOCAL" if employer.public else "PRIVATE",
        employer_class=0,
        registered=_dt.date(1940 + position, 1 + position % 12, 1),
        vat_number=None if employer.public else f"BE{employer.cbe_number}",
        street=street,
        house_number=str(10 + position),
        postal_code=postal,
        municipality=municipality,
        social_secretariat=None if employer.public else _SECRETARIATS[position % 2],
        family_allowance_fund=_ALLOWANCE_FUNDS[position % 2],
        curator=curator,
    )

MUTUALITIES: Final = (
    ("100", "Christelijke Mutualiteit / Mutualité chrétienne"),
    ("200", "Neutrale ziekenfondsen / Mutualités neutres"),
    ("300", "Solidaris / Socialistische mutualiteiten"),
    ("400", "Liberale mutualiteiten / Mutualités libérales"),
    ("500", "Onafhankelijke ziekenfondsen / Mutualités libres"),
    ("600", "HZIV / CAAMI"),
    ("900", "Kas der geneeskundige verzorging HR Rail"),
)
"""Health-insurance organisations (national union codes)."""

_SOURCES: Final = {"nl": "FLANDERS", "fr": "WALLONIA", "de": "EASTBELGIUM", "bxl": "BRUSSELS"}
_JOB_SERVICES: Final = {"nl": "VDAB", "fr": "FOREM", "de": "ADG", "bxl": "ACTIRIS"}
_SUPPLIERS: Final = ("Engie", "Luminus", "TotalEnergies", "Eneco", "Mega")
_ACTIVITIES: Final = ("retail", "construction", "hairdressing", "consulting", "transport",
                      "catering")
_PROPERTY_KINDS: Final = ("house", "apartment", "land")

# Monthly leefloon amounts (cents) by category; sandbox values of the order of the real ones.
LEEFLOON_MONTHLY_CENTS: Final = {"COHABITANT": 87_613, "ISOLATED": 131_420, "FAMILY": 177_607}


def _date_between(rng: random.Random, start: _dt.date, end: _dt.date) -> _dt.date:
    if end <= start:
        return start
    return start + _dt.timedelta(days=rng.randint(0, (end - start).days))


def _years_after(day: _dt.date, years: int) -> _dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _cut(period: Period, death: _dt.date | None) -> Period | None:
    """The period as it stands for a person who died on `death`; None if it began after."""
    if death is None:
        return period
    if period.start > death:
        return None
    if period.end is None or period.end > death:
        return Period(period.start, death)
    return period


def _quarters(period: Period, year: int) -> list[tuple[int, int, int]]:
    """(quarter, days in the period, days in the quarter) for each quarter of `year`."""
    out = []
    for q in range(1, 5):
        first = _dt.date(year, 3 * q - 2, 1)
        last = _dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - _dt.timedelta(days=1)
        start = max(first, period.start)
        end = min(last, period.end) if period.end is not None else last
        if start <= end:
            out.append((q, (end - start).days + 1, (last - first).days + 1))
    return out


def generate(
    *,
    seed: int,
    index: int,
    birth: _dt.date,
    death: _dt.date | None,
    region: str,
    household_size: int,
    has_children: bool,
    posted_worker: bool = False,
) -> Facts:
    """The facts of one person; pure function of its arguments.

    `region` is ``nl``, ``fr``, ``de`` or ``bxl`` (where the household lives);
    `has_children` tells whether children live in the household; `posted_worker`
    whether the person is a foreign worker posted to Belgium (Limosa), whose
    postings come from a stream of their own (the other facts do not change).
    """
    rng = random.Random(f"{seed}:{index}:facts")  # noqa: S311 - synthetic data
    ref = REFERENCE_DATE
    adult = _years_after(birth, 18)
    age = ref.year - birth.year - ((ref.month, ref.day) < (birth.month, birth.day))
    retired = age >= 66

    employments: list[Employment] = []
    self_employment: list[SelfEmployment] = []
    unemployment: list[UnemploymentPeriod] = []
    job_seeker: list[JobSeekerRegistration] = []
    pensions: list[Pension] = []
    leefloon: list[LeefloonAttest] = []

    # Past jobs, then what the person does now.
    career_end = _years_after(birth, 65) if retired else ref
    cursor = _date_between(rng, adult, min(_years_after(adult, 8), career_end))
    for k in range(rng.randint(0, 2)):
        if cursor >= career_end - _dt.timedelta(days=60):
            break
        end = _date_between(rng, cursor + _dt.timedelta(days=30),
                            min(cursor + _dt.timedelta(days=4000), career_end))
        employments.append(_employment(rng, index, k, Period(cursor, end)))
        cursor = end + _dt.timedelta(days=rng.randint(15, 400))
    situation = rng.random()
    if retired:
        start = _years_after(birth, 65)
        if situation < 0.12:
            pensions.append(Pension("GRAPA", Period(start), rng.randint(95_000, 130_000)))
        else:
            pensions.append(Pension("RETIREMENT", Period(start), rng.randint(110_000, 260_000)))
            if situation > 0.9:
                pensions.append(Pension("SURVIVAL", Period(_date_between(rng, start, ref)),
                                        rng.randint(40_000, 90_000)))
    elif situation < 0.55 and cursor < ref:
        employments.append(_employment(rng, index, 9, Period(cursor)))
    elif situation < 0.65 and cursor < ref:
        self_employment.append(SelfEmployment(
            Period(cursor), rng.choice(_ACTIVITIES), rng.randint(85_000, 420_000),
            rng.random() < 0.8,
        ))
    elif situation < 0.80 and cursor < ref:
        start = _date_between(rng, cursor, ref - _dt.timedelta(days=20))
        unemployment.append(UnemploymentPeriod(
            Period(start), "FULL", rng.randint(4_000, 8_000),
            "COMPLETED" if rng.random() < 0.85 else "PROVISIONAL",
        ))
        job_seeker.append(JobSeekerRegistration(_JOB_SERVICES[region], Period(start), "UNEMPLOYED"))
    else:
        # No income of their own: the OCMW's public.
        start = _date_between(rng, max(adult, ref - _dt.timedelta(days=1500)),
                              ref - _dt.timedelta(days=10))
        if rng.random() < 0.65:
            category = ("FAMILY" if has_children else
                        "COHABITANT" if household_size > 1 else "ISOLATED")
            if rng.random() < 0.3:
                past_end = _date_between(rng, start, ref - _dt.timedelta(days=5))
                past_start = _date_between(rng, adult, past_end - _dt.timedelta(days=30))
                leefloon.append(_attest(seed, index, 0, category, Period(past_start, past_end)))
                start = past_end + _dt.timedelta(days=1)
            leefloon.append(_attest(seed, index, 1, category, Period(start)))
        if rng.random() < 0.5:
            job_seeker.append(JobSeekerRegistration(_JOB_SERVICES[region], Period(start),
                                                    "INTEGRATION_INCOME"))

    wages = _monthly_wages(rng, employments)
    dmfa = _dmfa(employments, wages)
    holiday_pay = _holiday_pay(dmfa)

    insured = rng.random() >= 0.05
    low_income = bool(leefloon or any(p.kind == "GRAPA" for p in pensions))
    disability = None
    if rng.random() < 0.07:
        disability = DisabilityFile(
            f"H{index:09d}", _date_between(rng, adult, ref - _dt.timedelta(days=30)),
            rng.randint(1, 5), rng.randint(80_000, 130_000), rng.randint(10_000, 60_000),
            rng.random() < 0.6,
        )
    insurability: list[Insurability] = []
    mediprima: list[MediPrimaDecision] = []
    if insured:
        code, name = rng.choice(MUTUALITIES)
        insurability.append(Insurability(
            code, name, Period(min(adult, ref)),
            third_party_payer=low_income or rng.random() < 0.2,
            medical_house=rng.random() < 0.1,
            increased_intervention=low_income or disability is not None or rng.random() < 0.1,
        ))
    elif rng.random() < 0.7:
        start = _date_between(rng, ref - _dt.timedelta(days=300), ref - _dt.timedelta(days=5))
        mediprima.append(MediPrimaDecision(
            f"{start.year}{index:08d}", 1 + rng.randint(0, 2), SANDBOX_CBE_NUMBER,
            Period(start, start + _dt.timedelta(days=364)),
            tuple(sorted(rng.sample(["DOCTOR", "PHARMACEUTICAL_DRUG", "HOSPITALIZATION",
                                     "AMBULATORY_HOSPITALIZATION", "PARAMEDIC"], 3))),
        ))

    incapacity: list[IncapacityPeriod] = []
    if not retired and insured and rng.random() < 0.06:
        start = _date_between(rng, ref - _dt.timedelta(days=900), ref - _dt.timedelta(days=10))
        ongoing = rng.random() < 0.5
        incapacity.append(IncapacityPeriod(
            Period(start, None if ongoing else
                   _date_between(rng, start, ref - _dt.timedelta(days=1))),
            rng.choice(("INCAPACITY", "INCAPACITY", "PREGNANCY", "INVALIDITY")),
            rng.randint(5_000, 9_000),
        ))

    taxes = _taxes(rng, employments, wages, pensions, unemployment)
    real_estate = tuple(
        _property(rng) for _ in range(2 if rng.random() < 0.1 else 1 if rng.random() < 0.45 else 0)
    )
    child_benefits: tuple[ChildBenefitFile, ...] = ()
    if 25 <= age <= 55 and (has_children or rng.random() < 0.25):
        start = _date_between(rng, _years_after(birth, 22), ref - _dt.timedelta(days=30))
        child_benefits = (ChildBenefitFile(_SOURCES[region], "ATTRIBUTED", Period(start),
                                           rng.randint(1, 3)),)
    social_tariffs: tuple[SocialTariff, ...] = ()
    if (low_income or disability is not None) and rng.random() < 0.8:
        start = _date_between(rng, ref - _dt.timedelta(days=700), ref - _dt.timedelta(days=1))
        supplier = rng.choice(_SUPPLIERS)
        social_tariffs = tuple(
            SocialTariff(product, supplier, "5414" + f"{rng.randrange(10**14):014d}",
                         Period(start))
            for product in ("E", "G")[: rng.randint(1, 2)]
        )

    facts = Facts(
        employments=tuple(employments),
        dmfa=dmfa,
        self_employment=tuple(self_employment),
        insurability=tuple(insurability),
        taxes=taxes,
        real_estate=real_estate,
        disability=disability,
        unemployment=tuple(unemployment),
        child_benefits=child_benefits,
        social_tariffs=social_tariffs,
        pensions=tuple(pensions),
        job_seeker=tuple(job_seeker),
        incapacity=tuple(incapacity),
        holiday_pay=holiday_pay,
        leefloon=tuple(leefloon),
        mediprima=tuple(mediprima),
        postings=_postings(seed, index) if posted_worker else (),
    )
    return facts if death is None else _after_death(facts, death)


def _employment(rng: random.Random, index: int, k: int, period: Period) -> Employment:
    employer = rng.choice(EMPLOYERS)
    worker_type = rng.choice(("oth", "oth", "oth", "oth", "ivt", "stu")) if not employer.public \
        else "oth"
    return Employment(employer, worker_type, rng.random() < 0.5, index * 100 + k + 1, period)


def _monthly_wages(rng: random.Random, employments: list[Employment]) -> list[tuple[int, int]]:
    """(monthly gross wage in cents, working time per mille) of each employment."""
    return [(rng.randint(210_000, 520_000), rng.choice((1000, 1000, 1000, 800, 500)))
            for _ in employments]


def _dmfa(employments: list[Employment],
          wages: list[tuple[int, int]]) -> tuple[DmfaQuarter, ...]:
    quarters = []
    for employment, (monthly, fraction) in zip(employments, wages, strict=True):
        for year in (REFERENCE_DATE.year - 2, REFERENCE_DATE.year - 1):
            for quarter, days, in_quarter in _quarters(employment.period, year):
                wage = monthly * 3 * fraction // 1000 * days // in_quarter
                worked = round(65 * days / in_quarter * fraction / 1000)
                quarters.append(DmfaQuarter(
                    employment.employer, year, quarter, 495 if employment.white_collar else 15,
                    wage, worked, fraction,
                ))
    return tuple(quarters)


def _holiday_pay(dmfa: tuple[DmfaQuarter, ...]) -> tuple[HolidayPay, ...]:
    # Blue-collar holiday pay comes from the RJV, computed on the wages of the year before.
    last_year = REFERENCE_DATE.year - 2
    gross = sum(q.gross_wage_cents for q in dmfa if q.worker_code == 15 and q.year == last_year)
    if not gross:
        return ()
    days = min(20, sum(q.days_worked for q in dmfa if q.worker_code == 15
                       and q.year == last_year) * 20 // 260)
    # 15.38 % of 108 % of the gross wage, split single (8 %) and double (7.38 %) holiday pay.
    base = gross * 108 // 100
    return (HolidayPay(last_year + 1, base * 800 // 10_000, base * 738 // 10_000, days),)


def _taxes(
    rng: random.Random,
    employments: list[Employment],
    wages: list[tuple[int, int]],
    pensions: list[Pension],
    unemployment: list[UnemploymentPeriod],
) -> tuple[TaxAssessment, ...]:
    out = []
    for year in (REFERENCE_DATE.year - 3, REFERENCE_DATE.year - 2):
        earned = sum(
            monthly * fraction // 1000 * 12 * sum(d for _q, d, _n in _quarters(e.period, year))
            // 365
            for e, (monthly, fraction) in zip(employments, wages, strict=True)
        )
        pension = sum(p.monthly_gross_cents * 12 for p in pensions
                      if p.period.start.year <= year)
        benefits = sum(u.daily_allowance_cents * 312 for u in unemployment
                       if u.period.start.year <= year)
        income = (earned + pension + benefits) * 86 // 100
        out.append(TaxAssessment(year, income, rng.choice((0, 0, 0, 1, 2, 3)),
                                 rng.randint(50_000, 400_000) if rng.random() < 0.05 else 0))
    return tuple(out)


_PLACES: Final = (("21004", "Brussel"), ("11002", "Antwerpen"), ("44021", "Gent"),
                  ("62063", "Liège"), ("92094", "Namur"), ("63023", "Eupen"))


def _property(rng: random.Random) -> RealEstate:
    nis, name = rng.choice(_PLACES)
    return RealEstate(nis, name, rng.choice(_PROPERTY_KINDS), rng.randint(40_000, 250_000),
                      rng.choice((1000, 500, 500, 250)))


def _attest(seed: int, index: int, k: int, category: str, period: Period) -> LeefloonAttest:
    # A stable UUID-shaped id: the same attest in every run of the same seed.
    digest = random.Random(f"{seed}:{index}:attest:{k}").getrandbits(128)  # noqa: S311
    text = f"{digest:032x}"
    attest_id = f"{text[:8]}-{text[8:12]}-4{text[13:16]}-a{text[17:20]}-{text[20:]}"
    return LeefloonAttest(attest_id, SANDBOX_CBE_NUMBER, category, period,
                          LEEFLOON_MONTHLY_CENTS[category])


_FOREIGN_EMPLOYERS: Final = (
    ("Budowa Kraków Sp. z o.o.", "PL", "PL5260250995"),
    ("Construções Lisboa Lda", "PT", "PT500100144"),
    ("Transport Cluj SRL", "RO", "RO14399840"),
    ("Bouwbedrijf Maas BV", "NL", "NL001234567B01"),
    ("Montage Lorraine SARL", "FR", "FR40303265045"),
    ("Elektro Aachen GmbH", "DE", "DE129273398"),
)
_WORKPLACES: Final = (("1000", "Brussel"), ("2000", "Antwerpen"), ("9000", "Gent"),
                      ("4000", "Liège"), ("5000", "Namur"), ("8000", "Brugge"))


def _postings(seed: int, index: int) -> tuple[Posting, ...]:
    """One or two Limosa postings, from a stream of their own; the first may be cancelled."""
    rng = random.Random(f"{seed}:{index}:limosa")  # noqa: S311 - synthetic data
    name, country, ident = rng.choice(_FOREIGN_EMPLOYERS)
    out = []
    start = REFERENCE_DATE - _dt.timedelta(days=rng.randint(400, 900))
    for k in range(rng.randint(1, 2)):
        end = start + _dt.timedelta(days=rng.randint(30, 300))
        ongoing = k == 1 or rng.random() < 0.3
        postal, municipality = rng.choice(_WORKPLACES)
        out.append(Posting(
            document_id=f"LD{index:08d}{k + 1}",
            foreign_employer=name,
            foreign_country=country,
            foreign_employer_id=ident,
            belgian_client=rng.choice(EMPLOYERS[:8]) if rng.random() < 0.8 else None,
            period=Period(start, None if ongoing and end >= REFERENCE_DATE else end),
            workplace_postal_code=postal,
            workplace_municipality=municipality,
            weekly_hours_hundredths=rng.choice((3800, 3800, 4000, 2000)),
            declared_on=start - _dt.timedelta(days=rng.randint(1, 20)),
            self_employed=rng.random() < 0.1,
            cancelled=k == 0 and rng.random() < 0.15,
        ))
        start = end + _dt.timedelta(days=rng.randint(20, 120))
        if start >= REFERENCE_DATE:
            break
    return tuple(out)


def _after_death(facts: Facts, death: _dt.date) -> Facts:
    """The same facts for a person who died: nothing runs past the day of death."""

    def cut_all(items: tuple[_T, ...]) -> tuple[_T, ...]:
        out: list[_T] = []
        for item in items:
            period = getattr(item, "period")  # noqa: B009 - every dated fact has one
            kept = _cut(period, death)
            if kept is not None:
                out.append(item if kept == period else _with_period(item, kept))
        return tuple(out)

    disability = facts.disability
    if disability is not None and disability.recognised_since > death:
        disability = None
    return Facts(
        employments=cut_all(facts.employments),
        dmfa=tuple(q for q in facts.dmfa
                   if _dt.date(q.year, 3 * q.quarter - 2, 1) <= death),
        self_employment=cut_all(facts.self_employment),
        insurability=cut_all(facts.insurability),
        taxes=tuple(t for t in facts.taxes if t.income_year <= death.year),
        real_estate=facts.real_estate,
        disability=disability,
        unemployment=cut_all(facts.unemployment),
        child_benefits=cut_all(facts.child_benefits),
        social_tariffs=cut_all(facts.social_tariffs),
        pensions=cut_all(facts.pensions),
        job_seeker=cut_all(facts.job_seeker),
        incapacity=cut_all(facts.incapacity),
        holiday_pay=tuple(h for h in facts.holiday_pay if h.year <= death.year),
        leefloon=cut_all(facts.leefloon),
        mediprima=cut_all(facts.mediprima),
        postings=cut_all(facts.postings),
    )


def _with_period(item: _T, period: Period) -> _T:
    return replace(item, period=period)  # type: ignore[type-var]
