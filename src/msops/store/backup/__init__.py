"""Backing up, restoring and checking the database, while the service runs.

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), which copies the database as
  one consistent read transaction: writers go on meanwhile (WAL mode), and the copy holds every
  committed transaction up to its start and nothing of those after it.
- PostgreSQL: `pg_dump --format=custom`, which reads in one snapshot; `pg_restore` puts it back.
  The client must be at least as new as the server (checked first), and the password reaches it
  through the environment (PGPASSWORD), never the command line, where `ps` would show it.

A backup file is written under a temporary name, readable by its owner only, and takes its
name only once it is complete: a file called FILE is always a whole backup.

Messages name a database by `describe_url` (no password) and never show its data.

- `kinds`: which kind of database a URL names, and which kind of backup a file holds;
- `pg_tools`: finding and running PostgreSQL's own client programs;
- `write`: taking a backup (`msops db backup`);
- `restore`: putting one back (`msops db restore`);
- `check`: integrity, schema revision, audit trail and row counts (`msops db check`).
"""
