"""The casework registers' reads and writes, scoped and audited: one module per register."""
