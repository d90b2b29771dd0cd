"""Writes erg-cohort.json: a made-up employee resource group's mentoring cohort at Northwind (a
retailer with a software arm): 40 mentees, 15 mentors (13 inside, 2 from a partner company),
an organisation chart of 70 people. Seeded, so the file is the same on every run:

    python examples/programme/make_cohort.py > examples/programme/erg-cohort.json
"""

from __future__ import annotations

import json
import random
import sys

NAMES = [
    "Ada",
    "Bea",
    "Cai",
    "Dee",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ines",
    "Jon",
    "Kai",
    "Lia",
    "Moe",
    "Nia",
    "Oda",
    "Pia",
    "Quin",
    "Rae",
    "Sol",
    "Tia",
    "Uma",
    "Vic",
    "Wen",
    "Xia",
    "Yas",
    "Zoe",
    "Abe",
    "Bo",
    "Cy",
    "Dov",
    "Eva",
    "Fin",
    "Gil",
    "Hal",
    "Ivy",
    "Jas",
    "Kit",
    "Lou",
    "Max",
    "Ned",
    "Oli",
    "Pat",
    "Roz",
    "Sam",
    "Tam",
    "Una",
    "Val",
    "Wes",
    "Xan",
    "Yul",
    "Zed",
    "Amy",
    "Ben",
    "Cat",
    "Dan",
    "Emi",
    "Flo",
    "Geo",
    "Hil",
    "Ira",
    "Jo",
    "Kay",
    "Leo",
    "Mia",
    "Noa",
    "Ola",
    "Pru",
    "Rex",
    "Sia",
    "Teo",
    "Ula",
    "Vin",
]


def cohort() -> dict[str, object]:
    rng = random.Random(18)
    names = iter(NAMES)
    people: list[dict[str, object]] = []

    def person(reports_to: str | None, level: int, organisation: str = "northwind") -> str:
        pid = next(names).lower()
        entry: dict[str, object] = {"id": pid, "level": level, "organisation": organisation}
        if reports_to:
            entry["reports_to"] = reports_to
        people.append(entry)
        return pid

    ceo = person(None, 10)
    vps = [person(ceo, 8) for _ in range(3)]
    directors = [person(vps[n % 3], 6) for n in range(6)]
    managers = [person(directors[n % 6], 4) for n in range(12)]
    staff = [person(managers[n % 12], 2) for n in range(44)]
    partners = [person(None, 7, "contoso"), person(None, 6, "contoso")]
    jobs = ["engineer", "data analyst", "product manager", "buyer", "designer"]
    targets = ["engineering manager", "product manager", "data scientist", "buyer"]
    mentee_ids = staff[:36] + managers[:4]
    mentees = []
    for n, pid in enumerate(mentee_ids):
        job = rng.choice(jobs)
        goals = [{"kind": "advice", "scope": "company"}]
        entry: dict[str, object] = {
            "id": pid,
            "months_at_company": rng.choice([2, 5, 9, 14, 30, 60]),
            "industry": "retail",
            "job": job,
        }
        if n % 3 == 0:
            entry["target_job"] = rng.choice(targets)
            goals.append({"kind": "questions", "scope": "job"})
        if n % 10 == 1:  # four who want to move into logistics: no mentor knows it
            entry["target_industry"] = "logistics"
            entry["career_move"] = "change"
            goals.append({"kind": "advice", "scope": "industry"})
        entry["goals"] = goals
        mentees.append(entry)
    mentor_ids = vps[:2] + directors + managers[4:9] + partners
    mentors = []
    for n, pid in enumerate(mentor_ids):
        entry = {
            "id": pid,
            "capacity": [2, 3, 2][n % 3],
            "years_at_company": rng.choice([3.0, 6.0, 12.0]),
            "knows_culture": n % 4 != 3,
            "willing": "yes" if n % 7 else "unknown",
            "industry": "software" if pid in partners else "retail",
            "years_in_industry": rng.choice([6.0, 10.0, 15.0]),
            "jobs": rng.sample(
                ["engineering manager", "product manager", "data scientist", "buyer", "engineer"], 2
            ),
        }
        if pid in partners:
            entry["years_at_company"] = None
            entry["knows_culture"] = False
        mentors.append({k: v for k, v in entry.items() if v is not None})
    mentors[0]["preferences"] = [mentee_ids[3], mentee_ids[7]]
    mentees[0]["preferences"] = [mentor_ids[3], mentor_ids[9]]
    mentees[5]["preferences"] = [mentor_ids[14]]
    pairs = [
        {"mentee": mentee_ids[0], "mentor": mentor_ids[3], "chemistry": "good", "conversations": 2},
        {"mentee": mentee_ids[2], "mentor": mentor_ids[4], "chemistry": "poor", "conversations": 1},
        {
            "mentee": mentee_ids[5],
            "mentor": mentor_ids[14],
            "chemistry": "good",
            "conversations": 3,
        },
    ]
    blocked = [
        {
            "mentee": mentee_ids[8],
            "mentor": mentor_ids[2],
            "reason": "matched last year; it did not work",
        }
    ]
    existing = [{"mentee": mentee_ids[39], "mentor": mentor_ids[1]}]
    return {
        "settings": {
            "objective": "fit",
            "lowest_verdict": "weak_fit",
            "exclude_relations": ["direct_manager", "skip_level"],
        },
        "people": people,
        "mentees": mentees,
        "mentors": mentors,
        "pairs": pairs,
        "blocked": blocked,
        "existing": existing,
    }


if __name__ == "__main__":
    json.dump(cohort(), sys.stdout, indent=1)
    sys.stdout.write("\n")
