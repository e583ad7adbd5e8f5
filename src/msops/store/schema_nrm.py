"""Tables of the nrm capability, on the shared metadata (imported by msops.store.schema)."""

from __future__ import annotations

from msops.store.schema import metadata  # noqa: F401
