"""Lists: a stated purpose, evidence and review dates, no victim as offender, harm not
association, removal with a reason, and the audit on every list."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from tests.network.helpers import AS_OF, frame, link, person
from upstream.definitions import load_definitions
from upstream.network.graph import build_graph
from upstream.network.links import active_links, validate_links
from upstream.network.lists import PersonList, SafeguardError, build_list, remove_person
from upstream.network.people import validate_people

PURPOSE = "Offer diversion to those doing most harm"


def day(days_ago: int) -> str:
    return (AS_OF - timedelta(days=days_ago)).isoformat()


def setting():
    """H1 (the hub, a victim linked to everyone, no offences); R1 (one robbery, 100);
    V1 (two violence, 60 each); D1 (drugs, 8); A1 (anti-social behaviour, weight 0);
    X1 (robbery 3 years ago, outside the window)."""
    people = validate_people(
        frame(
            [
                person("H1", harmed=day(20)),
                person("R1", offences=f"{day(50)}|Robbery|INC-R", eth="Black"),
                person(
                    "V1",
                    offences=f"{day(40)}|Violence and sexual offences|INC-V1;"
                    f"{day(300)}|Violence and sexual offences|INC-V2",
                    harmed=day(10),
                ),
                person("D1", offences=f"{day(30)}|Drugs|INC-D", age=16),
                person("A1", offences=f"{day(30)}|Anti-social behaviour|INC-A"),
                person("X1", offences=f"{day(1100)}|Robbery|INC-X"),
            ]
        )
    )
    rows = [link("H1", p, "friend") for p in ("R1", "V1", "D1", "A1", "X1")]
    graph = build_graph(active_links(validate_links(frame(rows)), AS_OF), people["id"])
    return people, graph


def harm_list() -> PersonList:
    people, graph = setting()
    return build_list(people, graph, load_definitions(), purpose=PURPOSE, as_of=AS_OF)


def test_harm_ranks_offences_by_weight_never_association() -> None:
    plist = harm_list()
    e = plist.entries
    assert list(e["person"]) == ["V1", "R1", "D1"]  # 120, 100, 8
    assert list(e["score"]) == [120.0, 100.0, 8.0]
    assert "H1" not in set(e["person"])  # the victim hub: most links, no offences
    assert "X1" not in set(e["person"])  # aged out of the window
    assert "A1" not in set(e["person"])  # no harm-weighted offence


def test_each_person_carries_evidence_and_review_date() -> None:
    e = harm_list().entries.set_index("person")
    assert e.loc["V1", "evidence_ids"] == "INC-V1;INC-V2"
    assert e.loc["V1", "last_evidence"] == date.fromisoformat(day(40))
    assert e.loc["V1", "review_date"] == date(2027, 5, 21)  # 24 months after 2025-05-21


def test_a_victim_cannot_be_put_on_a_harm_list() -> None:
    plist = harm_list()
    victim = pd.DataFrame(
        [
            {
                "rank": 1,
                "person": "H1",
                "score": 0.0,
                "offences": 0,
                "evidence_ids": "INC-H",
                "last_evidence": AS_OF,
                "review_date": AS_OF,
            }
        ]
    )
    with pytest.raises(SafeguardError, match="only people with harmful offences"):
        PersonList(PURPOSE, "harm", AS_OF, 24, victim, plist.audit)


def test_a_list_needs_a_purpose() -> None:
    people, graph = setting()
    with pytest.raises(SafeguardError, match="stated purpose"):
        build_list(people, graph, load_definitions(), purpose="  list ", as_of=AS_OF)


def test_the_audit_is_always_attached() -> None:
    plist = harm_list()
    t = plist.audit.table
    assert set(t["dimension"]) == {"ethnic_group", "age_band", "sex"}
    black = t[(t["dimension"] == "ethnic_group") & (t["group"] == "Black")].iloc[0]
    # suspects of serious violence in the window: R1 and V1 (D1's drugs is not serious violence)
    assert (black["list_n"], black["list_total"], black["suspects_n"], black["suspects_total"]) == (
        1,
        3,
        1,
        2,
    )
    assert black["victims_total"] == 2  # H1 and V1


def test_removal_needs_a_reason_and_leaves_a_record() -> None:
    plist = harm_list()
    with pytest.raises(SafeguardError, match="reason"):
        remove_person(plist, "R1", reason=" ", removed_by="analyst", removed_on=AS_OF)
    with pytest.raises(SafeguardError, match="not on the list"):
        remove_person(plist, "H1", reason="x", removed_by="analyst", removed_on=AS_OF)
    new, record = remove_person(
        plist, "V1", reason="Moved away; case closed", removed_by="analyst", removed_on=AS_OF
    )
    assert list(new.entries["person"]) == ["R1", "D1"] and list(new.entries["rank"]) == [1, 2]
    assert (record.person, record.former_rank, record.purpose) == ("V1", 1, PURPOSE)
    assert new.removals == (record,)
    assert new.audit.table.loc[new.audit.table["dimension"] == "sex", "list_total"].iat[0] == 2
    assert list(plist.entries["person"]) == ["V1", "R1", "D1"]  # the old list is unchanged


def test_a_safeguarding_list_ranks_by_exposure_and_shows_no_offences() -> None:
    people, graph = setting()
    plist = build_list(
        people, graph, load_definitions(), purpose=PURPOSE, as_of=AS_OF, kind="safeguarding"
    )
    e = plist.entries.set_index("person")
    # everyone linked to H1 (harmed 20 days ago) has exposure 1; H1's contacts include V1 (harmed)
    assert e.loc["R1", "score"] == 1.0 and e.loc["H1", "score"] == pytest.approx(1 / 5)
    assert (e["offences"] == 0).all()
    assert e.loc["R1", "evidence_ids"] == "INC-H1R130"
