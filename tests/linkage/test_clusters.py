"""Clustering refuses to put two people's birth dates in one cluster, even through a chain."""

from __future__ import annotations

from msops.linkage.clusters import Birth, Link, compatible, connected_clusters, used_links
from msops.linkage.matcher import DEFAULT_THRESHOLD, MatcherConfig

IDS = ["a", "b", "c", "d"]


def test_namesakes_with_different_dates_of_birth_are_never_merged_through_a_chain() -> None:
    # a and c: the same name, different full dates of birth; b gives only an age (fits both)
    births = {
        "a": Birth("1980-04-03", 1980),
        "b": Birth(None, 1981),
        "c": Birth("1982-09-21", 1982),
    }
    links = [Link("a", "b", 0.91, "model"), Link("b", "c", 0.95, "model")]
    clusters = connected_clusters(IDS, links, births)
    assert clusters["a"] != clusters["c"]
    # b goes with its stronger link, and only the link used is reported
    assert clusters["b"] == clusters["c"]
    assert used_links(links, clusters) == [links[1]]
    # without birth facts the chain merges all three: the rule is what keeps them apart
    plain = connected_clusters(IDS, links)
    assert plain["a"] == plain["b"] == plain["c"]


def test_a_shared_phone_does_not_merge_a_household() -> None:
    births = {"a": Birth("1979-01-20", 1979), "b": Birth("2001-06-30", 2001)}
    clusters = connected_clusters(IDS, [Link("a", "b", 1.0, "phone")], births)
    assert clusters["a"] != clusters["b"]


def test_swapped_day_and_month_and_one_mistyped_digit_are_one_person() -> None:
    assert compatible(Birth("1990-03-11", 1990), Birth("1990-11-03", 1990))
    assert compatible(Birth("1990-03-11", 1990), Birth("1990-03-17", 1990))
    assert compatible(Birth("1990-11-03", 1990), Birth("1990-03-17", 1990))  # swap and typo
    assert compatible(Birth("1990-03-11", 1990), Birth("1990-03-27", 1990))  # two slips
    assert not compatible(Birth("1990-03-11", 1990), Birth("1991-05-17", 1991))
    # an estimated age fits a year within five
    assert compatible(Birth(None, 1984), Birth("1980-02-01", 1980))
    assert compatible(Birth(None, 1975), Birth(None, 1970))
    assert not compatible(Birth(None, 1990), Birth("1980-02-01", 1980))
    assert compatible(Birth(None, None), Birth("1980-02-01", 1980))


def test_a_confirmed_link_holds_whatever_the_dates_say() -> None:
    births = {"a": Birth("1980-04-03", 1980), "b": Birth("1999-12-30", 1999)}
    links = [Link("a", "b", 1.0, "confirmed")]
    clusters = connected_clusters(IDS, links, births)
    assert clusters["a"] == clusters["b"] == "a"


def test_the_default_threshold_is_one_person_likelier_than_two_at_any_size() -> None:
    # the model is calibrated (prior from the data, namesakes' agreement counted as such)
    assert MatcherConfig().threshold is None
    assert DEFAULT_THRESHOLD == 0.5


def test_a_model_link_overrides_the_dates_only_between_one_persons_names() -> None:
    # a household: one family name, a phone and a postcode shared, two given names, two dates
    births = {"a": Birth("1958-08-19", 1958), "b": Birth("1962-01-10", 1962)}
    household = [Link("a", "b", 0.999, "model", one_name=False)]
    clusters = connected_clusters(IDS, household, births)
    assert clusters["a"] != clusters["b"]
    # the same link between names that could be one person's: the model's link stands
    one_person = [Link("a", "b", 0.999, "model")]
    clusters = connected_clusters(IDS, one_person, births)
    assert clusters["a"] == clusters["b"]


def test_a_date_outvoted_by_a_direct_link_no_longer_refuses_the_cluster() -> None:
    # a, b, c: one person born 1927-02-04; d: the same person with a wholly different date,
    # linked directly to a; e: the same date as a, b, c, linked to b only
    births = {r: Birth("1927-02-04", 1927) for r in ("a", "b", "c", "e")}
    births["d"] = Birth("1960-08-28", 1960)
    links = [
        Link("a", "b", 0.99, "model"),
        Link("b", "c", 0.99, "model"),
        Link("a", "d", 0.98, "model"),
        Link("b", "e", 0.97, "model"),
    ]
    clusters = connected_clusters([*IDS, "e"], links, births)
    # d's date was outvoted (one record against three) when d joined, so e is not refused
    assert clusters["e"] == clusters["a"] == clusters["d"]
    # two dates held by one record each: neither outvotes the other, the refusal stands
    births = {r: Birth("1927-02-04", 1927) for r in ("a", "e")}
    births["d"] = Birth("1960-08-28", 1960)
    links = [Link("a", "d", 0.98, "model"), Link("a", "e", 0.97, "model")]
    clusters = connected_clusters([*IDS, "e"], links, births)
    assert clusters["a"] == clusters["d"] != clusters["e"]


def test_a_year_written_a_decade_wrong_does_not_refuse_the_persons_age() -> None:
    # a and b: one person, b's year mistyped (1943 for 1983); c: the same person giving an
    # age of 34 in 2018. c and b are linked only through a.
    births = {
        "a": Birth("1983-11-17", 1983.9),
        "b": Birth("1943-11-17", 1943.9),
        "c": Birth(None, 1983.5),
    }
    links = [Link("a", "c", 0.99, "model"), Link("a", "b", 0.97, "model")]
    clusters = connected_clusters(IDS, links, births)
    assert clusters["a"] == clusters["b"] == clusters["c"]
    # without a's date nothing says 1943 is a slip: the age refuses it
    del births["a"]
    clusters = connected_clusters(IDS, links, births)
    assert clusters["a"] == clusters["c"] != clusters["b"]
    # two full dates are never reconciled through a third: b and d are three digits apart
    births = {
        "a": Birth("1983-11-17", 1983.9),
        "b": Birth("1943-11-17", 1943.9),
        "d": Birth("1983-11-28", 1983.9),
    }
    links = [Link("a", "b", 0.97, "model"), Link("a", "d", 0.96, "model")]
    clusters = connected_clusters(IDS, links, births)
    assert clusters["a"] == clusters["b"] != clusters["d"]


def test_another_given_name_joins_one_record_to_a_person_never_two_people() -> None:
    # a, b: "Reece Willite" twice; c, d: "Renor Willite" twice; all born 1962-01-30. Each pair
    # agrees on its names; across them only the family name and the date agree
    births = {r: Birth("1962-01-30", 1962) for r in ("a", "b", "c", "d", "e")}
    alike = [Link("a", "b", 0.99, "model"), Link("c", "d", 0.99, "model")]
    across = [Link(x, y, 0.98, "model", one_name=False) for x in "ab" for y in "cd"]
    clusters = connected_clusters([*IDS, "e"], [*alike, *across], births)
    assert clusters["a"] == clusters["b"] != clusters["c"] == clusters["d"]
    # e: one record under an alias ("Jack Willite"), linked across two given names to b: an
    # alias is one record's, so it joins
    alias = Link("b", "e", 0.95, "model", one_name=False)
    clusters = connected_clusters([*IDS, "e"], [*alike, *across, alias], births)
    assert clusters["e"] == clusters["a"] == clusters["b"] != clusters["c"]
    # a shared identifier is not a model link between names: it still joins the two groups
    phone = Link("b", "c", 1.0, "phone")
    clusters = connected_clusters(IDS, [*alike, *across, phone], births)
    assert clusters["a"] == clusters["c"]


def test_two_people_who_meet_in_one_chance_likeness_stay_two() -> None:
    # a, b: "Ermal Meta" born 1992-08-17, twice; c, d: another "Ermal Meta", born 1992-04-17
    # (a digit apart), twice. Each pair agrees in full; across them one pair (b, c) scores
    # above the threshold by chance, the other three do not
    births = {
        "a": Birth("1992-08-17", 1992.6),
        "b": Birth("1992-08-17", 1992.6),
        "c": Birth("1992-04-17", 1992.3),
        "d": Birth("1992-04-17", 1992.3),
    }
    alike = [Link("a", "b", 0.99, "model"), Link("c", "d", 0.99, "model")]
    chance = Link("b", "c", 0.6, "model")
    clusters = connected_clusters(IDS, [*alike, chance], births)
    assert clusters["a"] == clusters["b"] != clusters["c"] == clusters["d"]
    assert chance not in used_links([*alike, chance], clusters)
    # one person whose date was written a digit wrong in two records: the pairs across link
    across = [Link(x, y, 0.6, "model") for x in "ab" for y in "cd"]
    assert len(set(connected_clusters(IDS, [*alike, *across], births).values())) == 1
    # a shared identifier is never outweighed
    phone = Link("b", "c", 1.0, "phone")
    assert len(set(connected_clusters(IDS, [*alike, phone], births).values())) == 1


def test_clusters_do_not_depend_on_the_order_links_come_in() -> None:
    # the scoring engine returns pairs in no fixed order, and pairs agreeing on the same
    # fields score the same: the same file must give the same people on every run
    links = [Link("a", "b", 0.99, "model"), Link("c", "d", 0.99, "model")]
    links.append(Link("b", "c", 0.99, "model"))
    assert connected_clusters(IDS, links) == connected_clusters(IDS, links[::-1])


def test_a_link_weighed_down_early_still_speaks_once_its_records_are_joined() -> None:
    # r0 and r3 have full dates twenty years apart, and the model linked them directly (its
    # other fields outweighed the dates). That link first met two groups it could not join;
    # weaker links then joined them, and the direct link keeps r0 and r3 together
    links = [
        Link("r0", "r2", 0.9992, "model"),
        Link("r1", "r3", 0.9877, "model"),
        Link("r0", "r3", 0.9731, "model"),
        Link("r2", "r5", 0.8594, "model"),
        Link("r1", "r5", 0.8505, "model"),
        Link("r0", "r1", 0.8501, "model"),
        Link("r3", "r5", 0.5369, "model"),
    ]
    births = {"r0": Birth("1990-01-01", 1990.0), "r3": Birth("1970-05-05", 1970.3)}
    ids = ["r0", "r1", "r2", "r3", "r5"]
    assert len(set(connected_clusters(ids, links, births).values())) == 1
    assert connected_clusters(ids, links, births) == connected_clusters(ids, links)
