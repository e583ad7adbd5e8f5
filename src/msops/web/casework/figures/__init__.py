"""The casework registers' figures as their pages and API show them, one module per register
under the register's name (only where a register's own module would otherwise grow too long)."""
