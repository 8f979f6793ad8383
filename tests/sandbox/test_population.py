"""The synthetic population: households, address history, facts and profiles."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pytest

from ksz_client.sandbox.facts import LEEFLOON_MONTHLY_CENTS
from ksz_client.sandbox.faults import FaultKind
from ksz_client.sandbox.population import FAULT_PERSONS, Population, Profile
from ksz_client.services.person import Register
from ksz_client.types import AddressKind

POP = Population(seed=3, size=2000)
SAMPLE = range(0, 1200)


def _years(a: dt.date, b: dt.date) -> float:
    return (b - a).days / 365.25


# --- households ---------------------------------------------------------------------------


def test_households_share_an_address_and_have_one_head() -> None:
    sizes: Counter[int] = Counter()
    for index in SAMPLE:
        household = POP.household(index)
        sizes[len(household.members)] += 1
        assert [m.relationship for m in household.members].count("01") == 1
        head = household.head
        assert head.relationship == "01"
        assert POP.household(head.index) == household  # every member sees the same household
        for member in household.members:
            person = POP.person(member.index)
            (address,) = person.addresses
            assert (address.street, address.house_number, address.municipality) == (
                household.address.street, household.address.house_number,
                household.address.municipality)
            assert POP.birth_date(member.index) >= POP.birth_date(head.index)
    assert sizes[1] and sizes[2] and sizes[3] and sizes[4]  # a mix of household sizes


def test_relationships_follow_the_ages_and_the_civil_states() -> None:
    found = Counter()
    for index in SAMPLE:
        household = POP.household(index)
        member = household.member(index)
        head = household.head
        person = POP.person(index)
        gap = _years(POP.birth_date(head.index), POP.birth_date(index))
        found[member.relationship] += 1
        if member.relationship == "03":
            assert gap >= 16
            assert person.name.last_name == POP.person(head.index).name.last_name
        elif member.relationship == "02":
            assert gap <= 15
            # Spouses are married to each other, both ways.
            assert person.civil_states[0].code == "20"
            assert person.civil_states[0].partner_ssin == head.ssin
            assert POP.person(head.index).civil_states[0].partner_ssin == person.ssin
    assert found["01"] and found["02"] and found["03"]


def test_special_persons_live_alone_and_bis_persons_have_a_contact_address() -> None:
    for index in SAMPLE:
        if POP.is_deceased(index) or POP.replaced_by(index) is not None \
                or POP.register_of(index) is Register.BIS:
            assert len(POP.household(index).members) == 1
        person = POP.person(index)
        assert person.register is POP.register_of(index)
        kind = AddressKind.CONTACT if person.register is Register.BIS else AddressKind.RESIDENTIAL
        assert person.addresses[0].kind is kind


def test_address_history_is_most_recent_first() -> None:
    moves = 0
    for index in range(200):
        history = POP.address_history(index)
        current = POP.household(index).address
        assert (history[0].street, history[0].municipality) == (current.street,
                                                                current.municipality)
        since = [a.since for a in history]
        assert all(s is not None for s in since)
        assert since == sorted(since, reverse=True)  # type: ignore[type-var]
        moves += len(history) - 1
    assert moves > 50


def test_a_replacing_ssin_names_the_one_it_replaces() -> None:
    old = next(i for i in SAMPLE if POP.replaced_by(i) is not None)
    new = POP.replaced_by(old)
    assert new is not None
    assert POP.person(new).replaces == POP.ssin_of(old)
    assert POP.person(old).canceled and not POP.person(new).canceled
    assert POP.replaces(old) is None


# --- facts --------------------------------------------------------------------------------


def _amounts(value: object) -> list[object]:
    """Every field whose name says it is an amount, anywhere in the facts."""
    found: list[object] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if field.name.endswith("_cents"):
                found.append(item)
            found += _amounts(item)
    elif isinstance(value, tuple):
        for item in value:
            found += _amounts(item)
    return found


def test_facts_are_deterministic_and_amounts_are_integer_cents() -> None:
    again = Population(seed=3, size=2000)
    other = Population(seed=4, size=2000)
    assert [POP.facts(i) for i in range(100)] == [again.facts(i) for i in range(100)]
    assert [POP.facts(i) for i in range(100)] != [other.facts(i) for i in range(100)]
    amounts = [a for i in range(300) for a in _amounts(POP.facts(i))]
    assert amounts and all(type(a) is int and a >= 0 for a in amounts)


def test_facts_tell_a_coherent_story() -> None:
    seen: Counter[str] = Counter()
    for index in SAMPLE:
        facts = POP.facts(index)
        died = POP.death_date(index)
        if facts.pensioned:
            seen["pensioned"] += 1
            assert not facts.has_employment and not facts.unemployed
        if facts.on_leefloon:
            seen["leefloon"] += 1
            assert not (facts.has_employment or facts.self_employed or facts.unemployed
                        or facts.pensioned)
            for attest in facts.leefloon:
                assert attest.monthly_cents == LEEFLOON_MONTHLY_CENTS[attest.category]
        if facts.mediprima:
            seen["mediprima"] += 1
            assert not facts.insurability  # MediPrima is for people without health insurance
        if facts.unemployed:
            assert facts.job_seeking
        employers = {e.employer for e in facts.employments}
        for quarter in facts.dmfa:
            seen["dmfa"] += 1
            assert quarter.employer in employers
            first = dt.date(quarter.year, 3 * quarter.quarter - 2, 1)
            assert any(e.period.start <= first + dt.timedelta(days=92)
                       and (e.period.end is None or e.period.end >= first)
                       for e in facts.employments if e.employer == quarter.employer)
        for pay in facts.holiday_pay:
            seen["holiday pay"] += 1
            assert any(q.worker_code == 15 and q.year == pay.year - 1 for q in facts.dmfa)
        if facts.social_tariffs:
            assert facts.on_leefloon or facts.disability is not None or any(
                p.kind == "GRAPA" for p in facts.pensions) or any(
                a.period.end is not None for a in facts.leefloon)
        if died is not None:
            seen["deceased"] += 1
            for items in (facts.employments, facts.leefloon, facts.pensions,
                          facts.insurability, facts.unemployment, facts.job_seeker):
                for item in items:
                    assert item.period.end is not None and item.period.end <= died
    assert all(seen[k] for k in ("pensioned", "leefloon", "mediprima", "dmfa", "holiday pay",
                                 "deceased")), seen


def test_profiles_mirror_the_facts_and_filter() -> None:
    for index in range(300):
        profile = POP.profile(index)
        facts = POP.facts(index)
        assert profile.has_employment == facts.has_employment
        assert profile.leefloon == facts.on_leefloon
        assert profile.has_disability == (facts.disability is not None)
        assert profile.household_size == len(POP.household(index).members)
    chosen = list(POP.select({"has_employment": "true", "deceased": "false"}, limit=5))
    assert len(chosen) == 5
    assert all(p.has_employment and not p.deceased for p in chosen)
    assert [p.ssin for p in POP.select({"register": "bis"}, limit=3)] == [
        POP.ssin_of(i) for i in range(POP.size) if POP.register_of(i) is Register.BIS][:3]
    replaced = next(POP.select({"replaced": "yes"}))
    assert replaced.replaced and next(POP.select({"replaced_by": str(replaced.replaced_by)}))
    assert list(POP.select({"household_size": "99"}, limit=1)) == []
    with pytest.raises(KeyError, match="unknown profile field"):
        list(POP.select({"colour": "blue"}, limit=1))


def test_profile_json_has_every_field() -> None:
    data = POP.profile(0).as_json()
    assert set(data) == {*Profile.__dataclass_fields__, "replaced"}
    assert isinstance(data["ssin"], str) and data["integrated"] is False


# --- reserved fault persons ---------------------------------------------------------------


def test_the_last_persons_carry_the_faults() -> None:
    population = Population(seed=1, size=100_000)
    kinds = {population.fault_of(i) for i in range(population.size - len(FAULT_PERSONS),
                                                   population.size)}
    assert {k.kind for k in kinds if k is not None} == set(FaultKind)
    assert population.fault_of(population.size - len(FAULT_PERSONS) - 1) is None
    reset = population.fault_person("reset")
    index = population.index_of(reset)
    assert index is not None and population.fault_of(index).kind is FaultKind.RESET  # type: ignore[union-attr]
    # Listed without generating the whole population (the filter starts at the reserved block).
    (profile,) = population.select({"fault": "reset"})
    assert profile.ssin == reset and profile.fault == "reset"
    assert not profile.deceased and not profile.replaced
    assert len(list(population.select({"fault": "any"}))) == len(FaultKind)


def test_a_small_population_has_no_fault_persons() -> None:
    small = Population(seed=1, size=40)
    assert all(small.fault_of(i) is None for i in range(40))
    with pytest.raises(KeyError):
        small.fault_person(FaultKind.RESET)


def test_a_large_population_is_generated_lazily() -> None:
    population = Population(seed=9, size=100_000)
    for index in (0, 12_345, 54_321, 99_999):
        assert population.person(index).ssin == population.ssin_of(index)
        assert population.facts(index) == Population(seed=9, size=100_000).facts(index)
    # No person was generated to build the population: the cache of households is per block.
    assert population._households_of_block.cache_info().currsize <= 4  # type: ignore[attr-defined]
