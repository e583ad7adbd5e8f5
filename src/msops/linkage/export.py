"""Threads as a network: GraphML (Gephi, i2) and FollowTheMoney JSON lines (Aleph).

The same picture in both: the organisations, their operations, the people's records in those
operations, and the links between records with the evidence in words. Ids are opaque: thread
keys, and record labels made of organisation, operation and nominal references (no names).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msops.domain.reference import find_organisation, nationalities
from msops.linkage.explain import describe_link
from msops.store.linkage_repo import ThreadDetail

if TYPE_CHECKING:
    import networkx as nx
    from followthemoney.proxy import EntityProxy

# followthemoney (half a second) and networkx are imported by the functions that export, so
# that `msops`, whose link commands import this module, starts quickly.

FORMATS = ("graphml", "ftm")
_PERSON_FIELDS = ("given_name", "family_name", "aliases", "date_of_birth", "estimated_age")


def _link_text(link: dict[str, Any]) -> str:
    lines = describe_link(link["kind"], link["probability"], link["match_weight"], link["evidence"])
    return "; ".join(lines)


def _attrs(values: dict[str, Any]) -> dict[str, Any]:
    """GraphML takes text, numbers and booleans only; blanks are left out."""
    return {
        k: (v if isinstance(v, (int, float, bool)) else str(v))
        for k, v in values.items()
        if v is not None and v != ""
    }


def to_graph(threads: Sequence[ThreadDetail]) -> nx.MultiGraph:
    import networkx as nx

    graph = nx.MultiGraph()
    for t in threads:
        graph.add_node(t.key, **_attrs({"type": "thread", "status": t.status}))
        for op in t.operations:
            org_node, op_node = f"org:{op['organisation']}", f"op:{op['organisation']}/{op['ref']}"
            graph.add_node(org_node, type="organisation", label=op["organisation"])
            graph.add_node(op_node, **_attrs({"type": "operation", "label": op["name"]}))
            graph.add_edge(op_node, org_node, kind="held by")
        for m in t.members:
            person = {f: m.get(f) for f in _PERSON_FIELDS}
            person["estimated_age"] = person["estimated_age"] or None  # 0 is a blank
            attrs = {"type": "record", "label": m["label"], "role": m["role"], "thread": t.key}
            graph.add_node(m["label"], **_attrs(attrs | person | {"nationality": m["nationality"]}))
            graph.add_edge(
                m["label"], f"op:{m['organisation']}/{m['operation_ref']}", kind="named in"
            )
            graph.add_edge(m["label"], t.key, kind="member of")
        for link in t.links:
            graph.add_edge(
                link["left"],
                link["right"],
                **_attrs({"kind": link["kind"], "probability": link["probability"],
                          "evidence": _link_text(link)}),
            )  # fmt: skip
    return graph


def _iso(label: str | None) -> str | None:
    if not label:
        return None
    return next((n.iso2.lower() for n in nationalities() if n.label == label and n.iso2), None)


def _entity(schema: str, *key: str) -> EntityProxy:
    from followthemoney import model

    entity = model.make_entity(schema)
    entity.make_id("msops", *key)
    return entity


def ftm_entities(threads: Sequence[ThreadDetail]) -> Iterator[EntityProxy]:
    """Organisations (PublicBody), operations (Project), records (Person), and the links
    between them (ProjectParticipant; UnknownLink for 'possibly the same person')."""
    seen: set[str] = set()
    for t in threads:
        for op in t.operations:
            org = _entity("PublicBody", "org", op["organisation"])
            known = find_organisation(op["organisation"])
            org.add("name", known.name if known else op["organisation"])
            org.add("country", "gb")
            project = _entity("Project", "op", op["organisation"], op["ref"])
            project.add("name", op["name"] or op["ref"])
            project.add("projectId", op["ref"])
            lead = _entity("ProjectParticipant", "lead", op["organisation"], op["ref"])
            lead.add("project", project)
            lead.add("participant", org)
            lead.add("role", "organisation holding the operation")
            for e in (org, project, lead):
                if e.id not in seen:
                    seen.add(e.id or "")
                    yield e
        people = {m["label"]: _person(m) for m in t.members}
        for m in t.members:
            yield people[m["label"]]
            part = _entity("ProjectParticipant", "named", m["label"])
            part.add("project", _entity("Project", "op", m["organisation"], m["operation_ref"]))
            part.add("participant", people[m["label"]])
            part.add("role", m["role"])
            yield part
        for i, link in enumerate(t.links):
            edge = _entity("UnknownLink", "link", t.key, str(i))
            edge.add("subject", people[link["left"]])
            edge.add("object", people[link["right"]])
            edge.add("role", "possibly the same person")
            edge.add("summary", _link_text(link))
            edge.add("description", f"msops thread {t.key} ({t.status})")
            yield edge


def _person(m: dict[str, Any]) -> EntityProxy:
    person = _entity("Person", "record", m["label"])
    names = [m.get("given_name"), m.get("family_name")]
    person.add("name", " ".join(n for n in names if n) or m["label"])
    person.add("firstName", m.get("given_name"))
    person.add("lastName", m.get("family_name"))
    for alias in (m.get("aliases") or "").split(";"):
        person.add("alias", alias.strip() or None)
    if m.get("date_of_birth"):
        person.add("birthDate", str(m["date_of_birth"]))
    person.add("nationality", _iso(m.get("nationality")))
    if m.get("gender") in ("male", "female"):
        person.add("gender", m["gender"])
    person.add("description", f"msops record {m['label']}")
    return person


def write_export(threads: Sequence[ThreadDetail], fmt: str, out: Path) -> int:
    """Write the threads to `out`; the number of nodes (GraphML) or entities (FtM) written."""
    partial = out.with_name(out.name + ".partial")  # a failed export leaves no file behind
    try:
        if fmt == "graphml":
            import networkx as nx

            graph = to_graph(threads)
            nx.write_graphml(graph, partial)
            count = int(graph.number_of_nodes())
        else:
            count = 0
            with partial.open("w", encoding="utf-8") as handle:
                for entity in ftm_entities(threads):
                    line = json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True)
                    handle.write(line + "\n")
                    count += 1
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return count
