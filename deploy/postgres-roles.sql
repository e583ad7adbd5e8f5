-- msops on PostgreSQL: two roles.
--   owner (msops_owner): owns the tables; runs `msops db upgrade`, `msops db backup` and
--         `msops db restore`. Never used by the web application.
--   app   (msops_app):   what `msops serve` connects as. Reads and writes rows; cannot create,
--         alter, truncate or drop a table; cannot change or remove an audit entry.
--
-- Run as a superuser (e.g. postgres), connected to the msops database, after the owner has run
-- `msops db upgrade`; again after each upgrade and after each restore (it is idempotent):
--
--   psql -d msops -f deploy/postgres-roles.sql [-v owner=msops_owner -v app=msops_app]
--
-- It creates the roles if they are missing, without passwords: set them with `\password`.
\set ON_ERROR_STOP on
\if :{?owner}
\else
  \set owner msops_owner
\endif
\if :{?app}
\else
  \set app msops_app
\endif

SELECT format('CREATE ROLE %I LOGIN', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', :'app')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec

-- Only the owner creates objects in the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";

-- Rows, not tables: the app role owns nothing, so it can alter, truncate or drop nothing.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
-- Tables and sequences a later migration adds get the same grants.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO :"app";

-- The audit trail (DPA 2018 s.62): the app role appends and reads, nothing more.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM :"app";

-- And whoever asks, the owner included, an UPDATE, DELETE or TRUNCATE of it is refused: to
-- change the trail one must first drop these triggers, which only the table's owner can do.
CREATE OR REPLACE FUNCTION msops_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on audit_event refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE ALL ON FUNCTION msops_audit_append_only() FROM PUBLIC;
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION msops_audit_append_only();
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION msops_audit_append_only();
