"""Read-only figures and documents from the casework registers: one module per register."""
