-- The superuser's part of a fluidManager database, run on the product database before the product
-- starts (scripts/run.sh, docker compose's db-init, the test clusters), again at every start: every
-- step is idempotent. The product itself then connects as fluid_app, which is not a superuser, and
-- the migrations run as fluid_app.
--
-- Inputs, as settings of the session that runs this file:
--   fluid_setup.app_password   the password of fluid_app (kept when empty)
--   fluid_setup.tool_password  the password of fluid_sql_tool; when empty, derived from the app password
--                              as SqlToolConnection does: hex(sha256('fluid_sql_tool:' || app password))
--
-- Roles (cluster-wide; privileges are granted per database):
--   fluid_app         LOGIN, owns the database and every object of the product's schemas.
--   fluid_sql_reader  NOLOGIN NOINHERIT, SELECT on the SQL tool's views only; agents' statements run as it.
--   fluid_sql_tool    LOGIN NOINHERIT, the SQL tool's own pool: no privilege of its own, member of
--                     fluid_sql_reader only, so SET ROLE can take it nowhere else.
--
-- Catalog and server information (pg_catalog and information_schema relations, version(),
-- inet_server_addr(), current_setting(), pg_stat_activity, pg_settings…) is revoked from PUBLIC and
-- granted back to fluid_app: the agents' role is refused it. Several catalogs are shared by every
-- database of the cluster (pg_database, pg_auth_members…), so their privileges change cluster-wide.

SET client_min_messages = warning;

DO $$
DECLARE
  app_password  text := coalesce(current_setting('fluid_setup.app_password', true), '');
  tool_password text := coalesce(current_setting('fluid_setup.tool_password', true), '');
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RAISE EXCEPTION 'the database setup must run as a superuser (it creates roles and extensions); % is not one', current_user;
  END IF;

  -- Created once per cluster; another database's setup may be creating the same role concurrently.
  BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fluid_app') THEN
      CREATE ROLE fluid_app LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fluid_sql_reader') THEN
      CREATE ROLE fluid_sql_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fluid_sql_tool') THEN
      CREATE ROLE fluid_sql_tool LOGIN;
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
  END;

  IF (SELECT rolsuper FROM pg_roles WHERE rolname = 'fluid_app') THEN
    RAISE EXCEPTION 'role fluid_app is a superuser (it may be the cluster''s bootstrap user): the product must connect with a role that is not one';
  END IF;
  ALTER ROLE fluid_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
  ALTER ROLE fluid_sql_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
  ALTER ROLE fluid_sql_tool LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;

  IF app_password <> '' THEN
    EXECUTE format('ALTER ROLE fluid_app PASSWORD %L', app_password);
    IF tool_password = '' THEN
      tool_password := encode(sha256(convert_to('fluid_sql_tool:' || app_password, 'UTF8')), 'hex');
    END IF;
  END IF;
  IF tool_password <> '' THEN
    EXECUTE format('ALTER ROLE fluid_sql_tool PASSWORD %L', tool_password);
  END IF;

  -- The tool's login may become fluid_sql_reader and nothing else; the reader is a member of nothing.
  IF EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'fluid_sql_reader') THEN
    RAISE EXCEPTION 'role fluid_sql_reader must not be a member of any role';
  END IF;
  IF EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
             WHERE r.rolname = 'fluid_sql_tool' AND g.rolname <> 'fluid_sql_reader') THEN
    RAISE EXCEPTION 'role fluid_sql_tool must be a member of fluid_sql_reader only';
  END IF;
  IF NOT pg_has_role('fluid_sql_tool', 'fluid_sql_reader', 'MEMBER') THEN
    GRANT fluid_sql_reader TO fluid_sql_tool;
  END IF;
  -- The migrations (0210) grant the reader SELECT on the views; its owner needs the membership.
  IF NOT pg_has_role('fluid_app', 'fluid_sql_reader', 'MEMBER') THEN
    GRANT fluid_sql_reader TO fluid_app;
  END IF;

  -- The database: owned by fluid_app, reachable by the product's two logins only.
  EXECUTE format('ALTER DATABASE %I OWNER TO fluid_app', current_database());
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO fluid_sql_tool', current_database());
END
$$;

-- Extensions need a superuser to be created; the migrations then find them (btree_gin is trusted, so the
-- migrations could make it themselves; it is made here with the others).
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- A database whose objects were made by another role (an installation that ran the product as the
-- superuser) hands them to fluid_app. Extension members and the sequences of identity and serial
-- columns (they follow their table) stay as they are.
DO $$
DECLARE
  item record;
BEGIN
  FOR item IN
    SELECT n.nspname FROM pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND n.nspname NOT LIKE 'pg\_%'
      AND n.nspowner <> 'fluid_app'::regrole
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO fluid_app', item.nspname);
  END LOOP;

  FOR item IN
    SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
      AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relowner <> 'fluid_app'::regrole
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
  LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO fluid_app', item.name);
  END LOOP;

  FOR item IN
    SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
      AND p.proowner <> 'fluid_app'::regrole
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO fluid_app', item.name);
  END LOOP;

  FOR item IN
    SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
      AND t.typowner <> 'fluid_app'::regrole AND t.typtype IN ('e', 'd', 'r', 'm') AND t.typelem = 0
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype IN ('e', 'i'))
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO fluid_app', item.name);
  END LOOP;
END
$$;

-- Catalog and server information: what PUBLIC could read or call goes to fluid_app alone.
DO $$
DECLARE
  item record;
BEGIN
  FOR item IN
    SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v', 'm', 'p')
      AND EXISTS (SELECT FROM aclexplode(c.relacl) a WHERE a.grantee = 0)
  LOOP
    EXECUTE format('GRANT SELECT ON %s TO fluid_app', item.name);
    EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', item.name);
  END LOOP;

  FOR item IN
    SELECT p::regprocedure AS name
    FROM unnest(ARRAY[
      'pg_catalog.version()', 'pg_catalog.inet_server_addr()', 'pg_catalog.inet_server_port()',
      'pg_catalog.inet_client_addr()', 'pg_catalog.inet_client_port()',
      'pg_catalog.current_setting(text)', 'pg_catalog.current_setting(text, boolean)', 'pg_catalog.set_config(text, text, boolean)',
      'pg_catalog.pg_show_all_settings()', 'pg_catalog.pg_settings_get_flags(text)', 'pg_catalog.current_database()',
      'pg_catalog.pg_postmaster_start_time()', 'pg_catalog.pg_conf_load_time()', 'pg_catalog.pg_current_logfile()', 'pg_catalog.pg_current_logfile(text)',
      'pg_catalog.pg_backend_pid()', 'pg_catalog.pg_stat_get_activity(integer)', 'pg_catalog.pg_stat_get_backend_idset()',
      'pg_catalog.pg_stat_get_backend_activity(integer)', 'pg_catalog.pg_stat_get_backend_client_addr(integer)',
      'pg_catalog.pg_stat_get_backend_userid(integer)', 'pg_catalog.pg_stat_get_backend_dbid(integer)',
      'pg_catalog.pg_get_viewdef(oid)', 'pg_catalog.pg_get_viewdef(oid, boolean)', 'pg_catalog.pg_get_viewdef(oid, integer)',
      'pg_catalog.pg_get_viewdef(text)', 'pg_catalog.pg_get_viewdef(text, boolean)', 'pg_catalog.pg_get_functiondef(oid)',
      'pg_catalog.pg_get_userbyid(oid)', 'pg_catalog.pg_tablespace_location(oid)', 'pg_catalog.pg_listening_channels()',
      'pg_catalog.pg_logical_emit_message(boolean, text, text)', 'pg_catalog.pg_logical_emit_message(boolean, text, bytea)'
    ]) AS f (signature)
    CROSS JOIN LATERAL to_regprocedure(f.signature) AS p
    WHERE p IS NOT NULL
      AND EXISTS (SELECT FROM pg_proc x, aclexplode(coalesce(x.proacl, acldefault('f', x.proowner))) a WHERE x.oid = p AND a.grantee = 0)
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO fluid_app', item.name);
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', item.name);
  END LOOP;

  IF has_schema_privilege('public', 'information_schema', 'USAGE') THEN
    GRANT USAGE ON SCHEMA information_schema TO fluid_app;
    REVOKE USAGE ON SCHEMA information_schema FROM PUBLIC;
  END IF;
END
$$;

RESET fluid_setup.app_password;
RESET fluid_setup.tool_password;
