"""A postcode held by far more records than a household (a police station's, written for every
person of no fixed abode) does not make every pair of its holders a candidate: blocking on it
would score them all, quadratic in its holders. Its holders are still linked on their names and
dates."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from msops.linkage.dedupe import dedupe
from msops.linkage.matcher import BLOCK_VALUE_MAX, MatcherConfig
from msops.linkage.prepare import PersonInput

STATION = "SW1A 2AA"


def _name(rng: Random) -> str:
    return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)).title()


def test_a_placeholder_postcode_is_not_blocked_on_but_its_holders_still_link() -> None:
    rng = Random(8)
    people = []
    for pid in range(BLOCK_VALUE_MAX + 50):  # people of no fixed abode, each at the station
        given, family = _name(rng), _name(rng)
        dob = (date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))).isoformat()
        for copy in range(rng.choice([1, 2])):
            people.append(
                PersonInput(f"nfa{pid}-{copy}", "org", given, family, dob, postcode=STATION)
            )
    for pid in range(600):  # people with their own addresses
        given, family = _name(rng), _name(rng)
        dob = (date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))).isoformat()
        postcode = f"E{pid % 20 + 1} {pid % 9 + 1}{rng.choice('ABD')}{rng.choice('EFG')}"
        for copy in range(rng.choice([1, 2, 3])):
            people.append(
                PersonInput(f"p{pid}-{copy}", "org", given, family, dob, postcode=postcode)
            )
    resolved = dedupe(people, MatcherConfig(seed=2, keep_pairs_from=1e-12))
    station = {p.record_id for p in people if p.postcode == STATION}
    scored = [p for p in resolved.scored.pairs if p.left in station and p.right in station]
    person = {rid: rid.split("-")[0] for rid in station}
    # only the pairs some other rule brings together (the same person's records) are scored
    assert scored and all(person[p.left] == person[p.right] for p in scored)
    together = [(a, b) for a in station for b in station if a < b and person[a] == person[b]]
    assert all(resolved.clusters[a] == resolved.clusters[b] for a, b in together)
