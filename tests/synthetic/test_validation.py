"""The generated returns pass the same validation as a force's file, month after month: every
rule, including continuity (no live operation vanishes, no fixed fact changes) and identity
(each return's lead organisations and references are its own)."""

from __future__ import annotations

from collections import Counter

from msops.domain import content
from msops.domain import return_spec as spec
from msops.domain.reference import find_organisation
from msops.returns import raw, validate
from msops.synthetic import MonthlyReturn


def test_every_return_passes_the_validator(history: list[MonthlyReturn]) -> None:
    prior: dict[str, dict[str, content.PriorState]] = {}
    previous: dict[str, content.PreviousReturn] = {}
    used: dict[str, set[str]] = {}  # every reference each organisation has used
    rules: Counter[str] = Counter()
    for r in history:
        org = find_organisation(r.organisation)
        assert org is not None
        file = raw.RawReturn.from_rows(f"{r.organisation}-{r.period}.csv", r.parts)
        refs = {str(op["operation_ref"]) for op in r.parts["operations"]}
        own = frozenset(used.get(r.organisation, set()))
        others = {
            name: frozenset(theirs)
            for name, theirs in used.items()
            if name != r.organisation and own and not own & refs and theirs & refs
        }
        known = prior.setdefault(r.organisation, {})
        earlier = content.Earlier(dict(known), previous.get(r.organisation), own, others)
        result = validate.validate_return(file, org, r.period, earlier=earlier)
        rules.update(i.rule for i in result.issues)
        for op in result.content.operations:
            totals = {c: op[c] for c in spec.CUMULATIVE_COLUMNS}
            fixed = {c: op[c] for c in spec.FIXED_COLUMNS}
            known[op["operation_ref"]] = content.PriorState(
                r.period, op["status"], op["closed_date"], totals, fixed
            )
        live = {op["operation_ref"] for op in result.content.operations}
        live -= {
            op["operation_ref"] for op in result.content.operations if op["status"] == "closed"
        }
        previous[r.organisation] = content.PreviousReturn(r.period, frozenset(live))
        used.setdefault(r.organisation, set()).update(refs)
    assert not rules
