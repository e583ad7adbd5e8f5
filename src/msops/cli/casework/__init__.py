"""The casework registers' command groups: one module per register."""
