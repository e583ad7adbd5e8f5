"""The casework registers' input models and forms, one module per register under the register's
name; the register's own module beside this folder holds its pages and API."""
