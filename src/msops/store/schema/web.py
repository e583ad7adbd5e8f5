"""Tables of the web capability, on the shared metadata (imported by msops.store.schema).

Accounts, server-side sessions and the sign-in throttle. No operational data lives here.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table

from msops.store.schema.base import metadata

web_user = Table(
    "web_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("role", String(30), nullable=False),
    Column("organisation", String(80)),  # short name: force and partner users, PCCs
    Column("region", String(40)),  # regional analysts
    Column("password_hash", String(255), nullable=False),  # argon2id, PHC string
    Column("created_at", DateTime(), nullable=False),  # naive UTC
    Column("disabled", Boolean, nullable=False, default=False),
)

# Only the SHA-256 of the session token is stored: a copy of this table opens no session.
web_session = Table(
    "web_session",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user_id", ForeignKey("web_user.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(), nullable=False),
    Column("expires_at", DateTime(), nullable=False),
)

# Failed sign-ins per account ("user:NAME") and per client ("client:ADDRESS").
sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", DateTime(), nullable=False),
    Column("locked_until", DateTime()),
)
