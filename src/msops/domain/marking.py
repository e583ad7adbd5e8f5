"""Protective markings of what msops writes, under the Government Security Classifications.

OFFICIAL is the lowest of the three classifications (OFFICIAL, SECRET, TOP SECRET) and covers
most public-sector information: here, aggregates released outside the police after disclosure
control. OFFICIAL-SENSITIVE is not a classification of its own but a marking within OFFICIAL
for information whose loss or misuse could do harm, so it is shared on a strict need-to-know
basis: the monthly returns, the people in them, exact counts and casework documents.

Every marking of the OFFICIAL tier starts with the word OFFICIAL, which is how a banner line on
top of a returned file is told from its column names.
"""

from __future__ import annotations

from typing import Final

OFFICIAL: Final = "OFFICIAL"
OFFICIAL_SENSITIVE: Final = "OFFICIAL-SENSITIVE"
