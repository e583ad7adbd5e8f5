"""Evidence in words: why two records were linked, as an analyst would say it."""

from __future__ import annotations

from collections.abc import Sequence

FIELD_WORDS = {
    "name": "name",
    "date_of_birth": "date of birth",
    "gender": "gender",
    "nationality": "nationality",
    "phone": "phone",
    "postcode": "postcode",
    "address": "address",
}

IDENTIFIER_WORDS = {
    "phone": "phone number",
    "email": "email address",
    "vehicle": "vehicle registration",
    "passport": "passport number",
    "bank_account": "bank account",
    "advert_handle": "online advert handle",
}


def strength(weight: float) -> str:
    """A match weight (log2 of the Bayes factor) in words."""
    size = abs(weight)
    if size < 1:
        return "little evidence either way"
    word = "strong" if size >= 6 else "moderate" if size >= 3 else "weak"
    return f"{word} evidence" + ("" if weight > 0 else " against")


def describe_field(field: str, level: str, weight: float) -> str:
    """e.g. 'date of birth: exact match, strong evidence (+9.1)'."""
    name = FIELD_WORDS.get(field, field.replace("_", " "))
    return f"{name}: {level}, {strength(weight)} ({weight:+.1f})"


def describe_link(
    kind: str, probability: float, weight: float | None, evidence: Sequence[Sequence[object]]
) -> list[str]:
    """The heading and the per-field lines of one link."""
    if kind == "model":
        shown = "above 0.999" if probability > 0.999 else f"{probability:.3f}"
        head = f"matching model: probability {shown}"
        if weight is not None:
            head += f" (match weight {weight:+.1f})"
        lines = [describe_field(str(f), str(level), float(str(w))) for f, level, w in evidence]
        return [head, *lines]
    if kind == "confirmed":
        return ["confirmed by an analyst's judgement on this thread"]
    return [f"same {IDENTIFIER_WORDS.get(kind, kind)} (exact identifier link; value not shown)"]
