"""A part's rows as read from a sheet or CSV file, turned into a `RawTable`: header matched to
the spec's columns, and every problem with a column or cell said once."""

from __future__ import annotations

from collections.abc import Sequence

from msops.domain.reference import suggest
from msops.domain.return_spec import Part
from msops.returns import limits
from msops.returns.file_layout import column_letter, header_key
from msops.returns.raw import Cell, Issue, RawRow, RawTable

FORMULA_MESSAGE = "cell holds a formula; msops never evaluates formulas: type the value instead"


class TableBuilder:
    """Turns a header and data rows, as read from a sheet or CSV file, into a `RawTable`."""

    def __init__(
        self, part: Part, header_row: int, header: Sequence[object], where: str | None = None
    ) -> None:
        self.part = part
        self.where = where or part.sheet  # the file or sheet, as the user knows it
        self.max_rows = limits.max_rows_per_part()
        self.header_row = header_row
        self.table = RawTable(part=part.name, sheet=part.sheet)
        self.issues: list[Issue] = []
        self.columns: dict[int, str] = {}  # position in the row -> spec column name
        self._headed = {i for i, h in enumerate(header) if h is not None and str(h).strip()}
        self._unheaded: set[int] = set()  # columns with values but no header, reported once
        self._match(header)

    def issue(
        self,
        row: int | None,
        column: str | None,
        value: str | None,
        rule: str,
        message: str,
        suggestion: str | None = None,
    ) -> None:
        shown = None if self.part.personal else value
        self.issues.append(Issue(self.part.sheet, row, column, shown, rule, message, suggestion))

    def _match(self, header: Sequence[object]) -> None:
        wanted = {header_key(name): name for name in self.part.column_names}
        unknown: list[tuple[int, str]] = []
        for index, cell in enumerate(header):
            text = "" if cell is None else str(cell).strip()
            if not text:
                continue
            name = wanted.get(header_key(text))
            if name is None:
                unknown.append((index, text))
            elif name in self.columns.values():
                self.issue(
                    self.header_row,
                    name,
                    text,
                    "column_duplicate",
                    f"column {column_letter(index)} repeats the header '{name}'; msops reads"
                    " the first one only: delete or rename the other",
                )
            else:
                self.columns[index] = name
        self._unknown(unknown)

    def _unknown(self, unknown: Sequence[tuple[int, str]]) -> None:
        used = set(self.columns.values())
        unused = [n for n in self.part.column_names if n not in used] or self.part.column_names
        for index, text in unknown:
            nearest = suggest(header_key(text), unused)
            letter = column_letter(index)
            hint = f"; did you mean '{nearest}'?" if nearest else ""
            if self.part.personal:  # a header row may be a row of data: do not repeat it
                self.issue(
                    self.header_row,
                    letter,
                    None,
                    "column_unknown",
                    f"the header of column {letter} is not a {self.part.sheet} column, so msops"
                    f" ignores that column{hint}",
                    nearest,
                )
            else:
                self.issue(
                    self.header_row,
                    text,
                    text,
                    "column_unknown",
                    f"column {letter} '{text}' is not a {self.part.sheet} column, so msops"
                    f" ignores it{hint}",
                    nearest,
                )

    def add(self, number: int, values: Sequence[Cell]) -> None:
        """One data row: `values` in sheet order, already cleaned; empty rows are skipped."""
        width = len(values)
        cells = {name: values[i] if i < width else None for i, name in self.columns.items()}
        if len(cells) < width:
            for index, value in enumerate(values):
                if value is not None and index not in self.columns:
                    self._unheaded_value(index, number)
        if any(v is not None for v in cells.values()):
            if len(self.table.rows) >= self.max_rows:
                raise limits.TooManyRows(limits.too_many_rows_message(self.where, self.max_rows))
            self.table.rows.append(RawRow(number, cells))

    def formula(self, number: int, index: int, text: str) -> None:
        """A formula in a cell of a column msops reads (others are ignored, formulas or not)."""
        column = self.columns.get(index)
        if column is not None:
            self.issue(number, column, text, "formula_cell", FORMULA_MESSAGE)

    def _unheaded_value(self, index: int, number: int) -> None:
        if index in self._unheaded or index in self._headed:
            return  # reported once, or already reported as an unknown header
        self._unheaded.add(index)
        letter = column_letter(index)
        self.issue(
            number,
            letter,
            None,
            "column_unknown",
            f"column {letter} has values (the first in row {number}) but no header, so msops"
            " ignores it: give it its column name, or delete the values (in a CSV file, look"
            " for a comma inside a value that is not in quotes)",
        )

    def finish(self) -> tuple[RawTable, list[Issue]]:
        """The table, and the header's issues (column_missing once the data has been seen)."""
        if self._headed or self.table.rows or self._unheaded:  # not an empty sheet
            present = set(self.columns.values())
            for column in self.part.columns:
                if column.required and column.name not in present:
                    self.issue(
                        self.header_row,
                        column.name,
                        None,
                        "column_missing",
                        f"the header row (row {self.header_row}) has no '{column.name}'"
                        " column, which is required: add it as in the template",
                    )
        return self.table, self.issues
