"""The casework registers' rules: one module per register, the same names in every layer."""
