"""Accounts of the web application: who may sign in, with which role and scope, and sessions.

- `accounts`: the accounts themselves (create, list, disable) and the scope each role needs;
- `hashing`: argon2id password hashes, at most a few computed at once;
- `throttle`: failed sign-ins counted per account and per client address, and lockouts;
- `sessions`: server-side sessions behind a random token;
- `sign_in`: checking a password to sign in;
- `passwords`: a holder changing their password, an administrator resetting one.
"""
