"""A model learnt once on a large population, for files too small to learn from.

A file of a few dozen records holds too few pairs for expectation maximisation. In a file of
twelve records, an exact copy of a record scored 0.17: EM had learnt from one pair that an
agreeing postcode counts against a match, and the name's term frequency (two records in twelve)
said the name was common. In one of eight records EM drove a level's m to 0 and Splink stopped.
Below `LEARN_FROM` records the matcher instead weighs each level by the m and u that msops
itself learnt on a synthetic population of 100,000 records (and on FEBRL3 for addresses),
shipped as `reference_model.json` and rebuilt by `benchmarks/linkage_reference.py`.

- Names weigh without term frequencies: a small file cannot tell a common name from a rare one.
  Identifiers keep theirs (a phone that ten records of forty hold is a shared phone).
- The alias level is not used (the reference population has no aliases).
- The prior is still the file's own (`training.prior`, then `training.cap_prior`).

Like `training`, this module works on Splink's linker without importing Splink.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

# Records below which a file is matched with the reference model (docs/benchmarks.md, small files)
LEARN_FROM = 100

REFERENCE_FILE = Path(__file__).with_name("reference_model.json")


def weighs(n_records: int) -> bool:
    """Whether a batch of this many records is matched with the reference model (one record
    is matched with nothing)."""
    return 1 < n_records < LEARN_FROM


# comparison -> level label -> (m, u)
Model = dict[str, dict[str, tuple[float, float]]]


def parameters(linker: Any) -> Model:
    """m and u of every level of a trained linker (the null levels carry none)."""
    out: Model = {}
    for comparison in linker._settings_obj.comparisons:
        levels = out.setdefault(comparison.output_column_name, {})
        for level in comparison._comparison_levels_excluding_null:
            m, u = level.m_probability, level.u_probability
            if m is not None and u is not None:
                levels[level.label_for_charts] = (float(m), float(u))
    return out


@cache
def load() -> Model:
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    return {
        name: {label: (float(m), float(u)) for label, (m, u) in levels.items()}
        for name, levels in data["comparisons"].items()
    }


def missing(linker: Any, model: Model) -> list[str]:
    """Levels of the linker's model that the reference does not weigh ("comparison: level")."""
    return [
        f"{comparison.output_column_name}: {level.label_for_charts}"
        for comparison in linker._settings_obj.comparisons
        for level in comparison._comparison_levels_excluding_null
        if level.label_for_charts not in model.get(comparison.output_column_name, {})
    ]


def apply(linker: Any, model: Model | None = None) -> None:
    """Give every level of the linker the reference's m and u, fixed."""
    model = load() if model is None else model
    gaps = missing(linker, model)
    if gaps:  # the comparisons changed since the reference was built: rebuild it
        raise RuntimeError(f"the reference model has no weights for {', '.join(gaps)}")
    for comparison in linker._settings_obj.comparisons:
        levels = model[comparison.output_column_name]
        for level in comparison._comparison_levels_excluding_null:
            level.m_probability, level.u_probability = levels[level.label_for_charts]
            level._fix_m_probability = level._fix_u_probability = True
