"""Relations, milestones and events on varied phrasing (issue 7): party sets and order, multi-label sentences,
values normalised, ordinals kept, dates only when absolute with a year."""

import pytest

from biocampus.intelligence.extraction import extract


def relations(text: str) -> set[tuple]:
    return {(r["type"], tuple(r["parties"])) for r in extract(text)["relations"]}


def milestones(text: str) -> set[tuple]:
    return {(m["org"], m["kind"], m["value"], m["unit"]) for m in extract(text)["milestones"]}


@pytest.mark.parametrize(
    "text",
    [
        "Quillon Bio joined Harbourside Incubator in May.",
        "Quillon Bio will move its research team into Harbourside Incubator next year.",
        "Quillon Bio signed to settle in Harbourside Incubator.",
        "Quillon Bio, a Harbourside Incubator resident, raised money.",
        "The new residents of Harbourside Incubator include Quillon Bio, Lumivex and Tessaro.",
        "Harbourside Incubator continues to welcome start-ups, including Quillon Bio and Lumivex.",
        "Quillon Bio will open its European headquarters at Harbourside Incubator.",
    ],
)
def test_joined_campus_joiner_first_host_second(text):
    assert ("joined_campus", ("Quillon Bio", "Harbourside Incubator")) in relations(text)


def test_resident_list_without_a_host_in_the_sentence_takes_the_host_just_named():
    found = relations(
        "Eight start-ups have joined BioForge @ Pittsburgh, its site in Lawrenceville. "
        "The new residents include Quillon Bio, Marrowgate and Corvina Medical, Inc."
    )
    assert ("joined_campus", ("Corvina Medical, Inc.", "BioForge @ Pittsburgh")) in found
    assert ("joined_campus", ("Marrowgate", "BioForge @ Pittsburgh")) in found


def test_no_joining_from_counts_or_co_mention():
    found = relations("Greenacre Science Park signed 12 new companies. Halden Robotics praised Greenacre Science Park.")
    assert not any(t == "joined_campus" for t, _ in found)


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        (
            "Marrowgate raised $6.5 million in seed financing led by Allegheny Crest Capital, with participation from "
            "Three Rivers Angels.",
            [("Allegheny Crest Capital", "Marrowgate"), ("Three Rivers Angels", "Marrowgate")],
        ),
        ("Fjord Bio closed a SEK 45 million round backed by Norrsken Ventures.", [("Norrsken Ventures", "Fjord Bio")]),
        ("The Texas Health Fund awarded LaunchLab a $1.5 million grant.", [("Texas Health Fund", "LaunchLab")]),
        (
            "Kestrel Bioanalytics raised £3.5m in April 2024 from Northern Gritstone and Praetura Ventures.",
            [("Northern Gritstone", "Kestrel Bioanalytics"), ("Praetura Ventures", "Kestrel Bioanalytics")],
        ),
    ],
)
def test_investment_investor_first(text, pairs):
    found = relations(text)
    for investor, recipient in pairs:
        assert ("investment", (investor, recipient)) in found


def test_co_builders_are_the_parties_not_the_built_entity():
    found = relations(
        "Harbour Innovation Campus, a platform co-built by the Harbour Municipal Government, Nanhu District and "
        "Veltrix Pharma, signed new companies."
    )
    assert ("partnership", ("Harbour Municipal Government", "Nanhu District", "Veltrix Pharma")) in found
    assert not any("Harbour Innovation Campus" in parties for t, parties in found if t == "partnership")


def test_one_sentence_many_types():
    text = (
        "Furthermore, Teddor Labs and Veltrix Pharma signed a cooperation agreement on the joint development "
        "and commercialization of companion diagnostics."
    )
    types = {t for t, parties in relations(text) if set(parties) == {"Teddor Labs", "Veltrix Pharma"}}
    assert types == {"cooperation_agreement", "joint_development", "commercialization"}


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (
            "The bureau and Nanhu Hi-tech District signed a strategic framework agreement with Harbour University.",
            {"framework_agreement", "strategic_cooperation"},
        ),
        (
            "Greenacre Science Park signed a memorandum of understanding with Oxfordshire County Council.",
            {"other_agreement"},
        ),
        ("Stellar Therapeutics, Inc. agreed to acquire Kaitobi Bio for $420 million.", {"acquisition"}),
        ("Daehan Medisys signed an exclusive licensing agreement with Stellar Therapeutics.", {"licensing"}),
        (
            "Sanvira entered a cooperation with Tenbright to co-develop an online platform.",
            {"partnership", "joint_development"},
        ),
        (
            "Northgate Innovation Centre announced a strategic partnership with Smith & Nephew to support start-ups.",
            {"strategic_cooperation"},
        ),
    ],
)
def test_agreement_types(text, kinds):
    found = {t for t, _ in relations(text)}
    assert kinds <= found
    assert "cooperation_agreement" not in found or "cooperation_agreement" in kinds


def test_parties_bind_to_their_own_trigger():
    found = relations(
        "Northgate Innovation Centre announced a strategic partnership with Smith & Nephew, and a collaboration "
        "agreement with the University of Manchester on clinical trials."
    )
    assert ("strategic_cooperation", ("Northgate Innovation Centre", "Smith & Nephew")) in found
    assert ("cooperation_agreement", ("Northgate Innovation Centre", "University of Manchester")) in found
    assert ("cooperation_agreement", ("Northgate Innovation Centre", "Smith & Nephew")) not in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "CHIC Devices extended its screening devices to more than 470 hospitals.",
            ("CHIC Devices", "market_reach", 470, "hospitals"),
        ),
        (
            "The Jinhu Hi-tech Zone signed 18 projects worth 2.5 billion yuan.",
            ("Jinhu Hi-tech Zone", "other", 2500000000, "CNY"),
        ),
        (
            "Zhenfu and Shenlan signed an agreement to advance screening services to one million people in the coming year.",
            ("Zhenfu", "programme_target", 1000000, "people"),
        ),
        (
            "Northgate Innovation Centre has secured over £100m to build its second phase.",
            ("Northgate Innovation Centre", "funding", 100000000, "GBP"),
        ),
        ("Fjord Bio raised SEK 45 million in a seed round.", ("Fjord Bio", "funding", 45000000, "SEK")),
        ("Marrowgate raised $6.5 million in seed financing.", ("Marrowgate", "funding", 6500000, "USD")),
        (
            "Harbourside Incubator has signed up more than 30 leading firms from home and abroad.",
            ("Harbourside Incubator", "other", 30, "companies"),
        ),
    ],
)
def test_milestone_values(text, expected):
    assert expected in milestones(text)


def test_openings_certifications_and_dates():
    result = extract(
        "Harbour Campus held its opening ceremony in September 2019 and was announced fully operational in April 2020. "
        "Teddor Labs, which joined Harbour Campus this April, opened its Teddor Joint Lab two months later and "
        "became a qualified medical testing laboratory in early August. "
        "The Nanhu Certification Center was also unveiled on Friday."
    )
    found = {(m["org"], m["kind"], m["date"]) for m in result["milestones"]}
    assert ("Harbour Campus", "facility_opened", "2019-09") in found
    assert ("Harbour Campus", "facility_opened", "2020-04") in found
    assert ("Teddor Labs", "lab_opened", None) in found
    assert ("Teddor Labs", "certification", None) in found
    assert ("Nanhu Certification Center", "facility_opened", None) in found


def test_announced_openings_are_not_milestones():
    found = milestones("Hoshino Diagnostics will open its research headquarters at Meridian Biopolis in 2025.")
    assert not any(kind in ("facility_opened", "lab_opened") for _, kind, _, _ in found)


def test_events_keep_ordinals_places_and_only_absolute_dates():
    result = extract(
        "Harbour Campus signed 12 companies at the third China International Import Expo (CIIE) in Shanghai on Friday. "
        "At the 3rd CIIE, Veltrix Pharma showcased residents. Daehan Medisys will present at the 12th Asia Pacific "
        "Medtech Forum in Seoul on 14 May 2025. The opening ceremony was held in June."
    )
    events = {e["name"]: e for e in result["events"]}
    assert set(events) == {"third China International Import Expo", "12th Asia Pacific Medtech Forum"}
    assert events["third China International Import Expo"]["place"] == "Shanghai"
    assert events["third China International Import Expo"]["date"] is None
    assert events["12th Asia Pacific Medtech Forum"]["date"] == "2025-05-14"
    relation = (
        next(r for r in result["relations"] if r["parties"][0] == "Veltrix Pharma" or "Veltrix Pharma" in r["parties"])
        if any("Veltrix Pharma" in r["parties"] for r in result["relations"])
        else None
    )
    assert relation is None or relation["event"] in (None, "third China International Import Expo")


def test_publication_date_from_the_dateline_only():
    assert (
        extract("Headline about a campus\n\nABINGDON, England, 14 March 2024 -- Greenacre Science Park grew.")["date"]
        == "2024-03-14"
    )
    assert extract("Greenacre Science Park grew on Friday, its fifth year.")["date"] is None


def test_a_date_inside_the_first_sentence_is_not_the_publication_date():
    text = "Headline about a lab opening\n\nHarbour University opened the Harbour Joint Lab on March 18, 2023.\n"
    assert extract(text)["date"] is None
    assert (
        extract("Headline about a deal\n\nSEOUL, Korea, January 15, 2025 -- Daehan Medisys grew.")["date"]
        == "2025-01-15"
    )


def test_a_headline_ending_on_a_legal_form_is_the_title():
    text = "Harbour Campus welcomes Stellar Therapeutics, Inc.\n\nSINGAPORE, 2 February 2025 -- Harbour Campus grew.\n"
    assert extract(text)["title"] == "Harbour Campus welcomes Stellar Therapeutics, Inc."
