"""The shape of the monthly return: its parts, their columns and the code list behind each.

Template, reader, validator, storage and export all read this one description, so a column is
added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "int", "date", "code"]

# Stored statuses (the code list's values, lower case) of an operation live in its month.
LIVE_STATUSES = ("live", "reopened")

# The most a cell may hold. Validation refuses anything longer or larger, so that SQLite (which
# would store it) and PostgreSQL (which would refuse it mid-write) accept exactly the same files;
# the database's columns are at least this wide (a test compares them with store/schema).
REF_LENGTH = 80  # operation and nominal references
TEXT_LENGTH = 200  # names, detail values, identifiers
ALIASES_LENGTH = 1000  # several names separated by ';' (stored without a limit)
# A running total or count of people in one operation: far above any operation yet (the largest
# have counted hundreds), far below what the database holds; a larger figure is a typing error.
COUNT_MAXIMUM = 100_000
INTEGER_MAXIMUM = 2**31 - 1  # any other whole number: PostgreSQL's integer


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    description: str
    required: bool = False
    codes: str | None = None  # name of the code list for kind "code"
    personal: bool = False  # personal data: never repeated in messages
    zero_when_blank: bool = False  # a count: an empty cell means 0
    max_length: int | None = None  # kind "text": the most characters it may hold
    maximum: int | None = None  # kind "int": the largest plausible value
    # A reference that identifies a row across parts and months: invisible characters and odd
    # spaces are removed from it, so "CL-001" typed with a zero-width space is still CL-001.
    reference: bool = False


@dataclass(frozen=True)
class Part:
    name: str  # key, and the CSV file's stem
    sheet: str  # worksheet title
    description: str
    columns: tuple[Column, ...]
    personal: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _count(name: str, description: str) -> Column:
    return Column(name, "int", description, zero_when_blank=True, maximum=COUNT_MAXIMUM)


def _ref(name: str, description: str) -> Column:
    return Column(name, "text", description, True, max_length=REF_LENGTH, reference=True)


def _text(
    name: str,
    description: str,
    max_length: int = TEXT_LENGTH,
    *,
    required: bool = False,
    personal: bool = False,
) -> Column:
    return Column(name, "text", description, required, personal=personal, max_length=max_length)


OPERATIONS = Part(
    name="operations",
    sheet="Operations",
    description="One row per operation active in the month: live, opened or closed in it.",
    columns=(
        _ref("operation_ref", "Your reference, unique within your organisation."),
        _text("operation_name", "Operation name.", required=True),
        Column("lead_org", "code", "Organisation leading the operation.", True, "organisation"),
        Column(
            "status",
            "code",
            "Live, Closed (closed in this month), or Reopened (live again after a closure).",
            True,
            "status",
        ),
        Column("opened_date", "date", "Date the operation opened (YYYY-MM-DD).", True),
        Column("closed_date", "date", "Date closed, within the month; blank while live."),
        Column(
            "primary_category",
            "code",
            "Primary exploitation category.",
            True,
            "exploitation_category",
        ),
        Column(
            "primary_type",
            "code",
            "Primary exploitation type (Home Office typology); blank if not yet known.",
            False,
            "exploitation_type",
        ),
        _count("victims_adult_female", "Potential victims: adult women."),
        _count("victims_adult_male", "Potential victims: adult men."),
        _count("victims_adult_unknown", "Potential victims: adults, gender unknown."),
        _count("victims_child_female", "Potential victims: girls (under 18)."),
        _count("victims_child_male", "Potential victims: boys (under 18)."),
        _count("victims_child_unknown", "Potential victims: children, gender unknown."),
        _count("suspects", "Suspects identified."),
        Column("ocg_involved", "code", "Organised crime group involved.", True, "yes_no_unknown"),
        Column(
            "international_dimension",
            "code",
            "International dimension (list the countries in Operation details).",
            True,
            "yes_no",
        ),
        Column("europol_check_date", "date", "Date of the Europol (SIENA) check; blank if none."),
        Column("jit", "code", "Joint investigation team in place.", True, "yes_no"),
        _count("nrm_referrals", "NRM referrals made to date."),
        _count("duty_to_notify", "Duty-to-notify (MS1) submissions to date."),
        _count("arrests", "Arrests to date."),
        _count("charges", "People charged to date."),
        _count("convictions", "People convicted to date."),
        _count("stro_applied", "Slavery and trafficking risk orders applied for to date."),
        _count("stro_granted", "Risk orders granted to date."),
        _count("stpo_applied", "Slavery and trafficking prevention orders applied for to date."),
        _count("stpo_granted", "Prevention orders granted to date."),
        Column(
            "disruption_outcome",
            "code",
            "Disruption outcome, required once the operation is closed ('Transferred to another"
            " organisation' when another organisation has taken it on).",
            False,
            "disruption_outcome",
        ),
        _text(
            "correction",
            "Blank, unless this row corrects what earlier months said of opened_date, lead_org"
            " or primary_category: then the names of the columns corrected, e.g. 'opened_date'"
            " (separated by ';').",
        ),
    ),
)

# What earlier months said of an operation that does not change from month to month: a return
# may differ from them only in a row whose `correction` names the column.
FIXED_COLUMNS: tuple[str, ...] = ("opened_date", "lead_org", "primary_category")

VICTIM_COUNT_COLUMNS: tuple[str, ...] = (
    "victims_adult_female",
    "victims_adult_male",
    "victims_adult_unknown",
    "victims_child_female",
    "victims_child_male",
    "victims_child_unknown",
)

# Running totals: a later month never reports less than an earlier one.
CUMULATIVE_COLUMNS: tuple[str, ...] = (
    "nrm_referrals",
    "duty_to_notify",
    "arrests",
    "charges",
    "convictions",
    "stro_applied",
    "stro_granted",
    "stpo_applied",
    "stpo_granted",
)

DETAILS = Part(
    name="details",
    sheet="Operation details",
    description=(
        "Lists of values for an operation, one per row: sectors, locations, recruitment and"
        " control methods, countries, initiatives, supporting organisations, linked operations."
    ),
    columns=(
        _ref("operation_ref", "The operation's reference, as on Operations."),
        Column("detail", "code", "What the value is.", True, "detail_kind"),
        _text(
            "value",
            "The value: a label from the list for that detail; a postcode district for a"
            " location; 'ORGANISATION / REFERENCE' for a linked operation.",
            required=True,
        ),
    ),
)

# Which code list each detail's value is checked against; None means a rule of its own.
DETAIL_CODES: dict[str, str | None] = {
    "other_exploitation": "exploitation_type",
    "sector": "sector",
    "location": None,
    "recruitment_method": "recruitment_method",
    "control_method": "control_method",
    "transit_country": "country",
    "international_country": "country",
    "initiative_tag": "initiative_tag",
    "supporting_org": "organisation",
    "linked_operation": None,
}

NATIONALITIES = Part(
    name="nationalities",
    sheet="Nationalities",
    description=(
        "Potential victims and suspects of each operation by nationality. For each operation"
        " the victim rows add up to its victim counts and the suspect rows to its suspects."
    ),
    columns=(
        _ref("operation_ref", "The operation's reference, as on Operations."),
        Column("group", "code", "Potential victims or suspects.", True, "nationality_group"),
        Column("nationality", "code", "Nationality (NRM statistics label).", True, "nationality"),
        Column("count", "int", "How many people of that nationality.", True, maximum=COUNT_MAXIMUM),
    ),
)

NOMINALS = Part(
    name="nominals",
    sheet="Nominals",
    description="The people in each operation. Personal data: OFFICIAL-SENSITIVE.",
    personal=True,
    columns=(
        _ref("operation_ref", "The operation's reference, as on Operations."),
        _ref("nominal_ref", "Your reference for the person, unique per operation."),
        Column("role", "code", "Victim, suspect or other.", True, "role"),
        _text("given_name", "Given name(s).", personal=True),
        _text("family_name", "Family name.", personal=True),
        _text("aliases", "Other names, separated by ';'.", ALIASES_LENGTH, personal=True),
        Column("date_of_birth", "date", "Date of birth (YYYY-MM-DD).", personal=True),
        Column("estimated_age", "int", "Estimated age in years, where no date of birth."),
        Column("gender", "code", "Gender.", False, "gender"),
        Column("nationality", "code", "Nationality (NRM statistics label).", False, "nationality"),
    ),
)

IDENTIFIERS = Part(
    name="identifiers",
    sheet="Identifiers",
    description="Identifiers of the people in Nominals. Personal data: OFFICIAL-SENSITIVE.",
    personal=True,
    columns=(
        _ref("operation_ref", "The operation's reference."),
        _ref("nominal_ref", "The person's reference, as on Nominals."),
        Column("kind", "code", "Kind of identifier.", True, "identifier_kind"),
        _text("value", "The identifier as recorded.", required=True, personal=True),
    ),
)

PARTS: tuple[Part, ...] = (OPERATIONS, DETAILS, NATIONALITIES, NOMINALS, IDENTIFIERS)
PARTS_BY_NAME: dict[str, Part] = {p.name: p for p in PARTS}
REQUIRED_PARTS: tuple[str, ...] = ("operations",)
