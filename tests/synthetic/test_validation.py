"""The generated returns pass the same validation as a force's file, month after month."""

from __future__ import annotations

from collections import Counter

from msops.domain import content
from msops.domain import return_spec as spec
from msops.domain.reference import find_organisation
from msops.returns import raw, validate
from msops.synthetic import MonthlyReturn


def test_every_return_passes_the_validator(history: list[MonthlyReturn]) -> None:
    prior: dict[str, dict[str, object]] = {}
    rules: Counter[str] = Counter()
    for r in history:
        org = find_organisation(r.organisation)
        assert org is not None
        file = raw.RawReturn.from_rows(f"{r.organisation}-{r.period}.csv", r.parts)
        known = prior.setdefault(r.organisation, {})
        result = validate.validate_return(file, org, r.period, known)
        rules.update(i.rule for i in result.issues)
        for op in result.content.operations:
            totals = {c: op[c] for c in spec.CUMULATIVE_COLUMNS}
            known[op["operation_ref"]] = content.PriorState(
                r.period, op["status"], op["closed_date"], totals
            )
    assert not rules
