-- The SQL tool's statements run in a pool of its own, logged in as fluid_sql_tool and lowered to
-- fluid_sql_reader (see the database setup, src/Runtime/Setup/database-setup.sql, which revokes the
-- catalog and server information from PUBLIC, current_setting() included).

-- The views call these as the reader, which may no longer call current_setting(): they run as their owner.
CREATE OR REPLACE FUNCTION fluid_sql.agent_id() RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT nullif(current_setting('fluid.agent_id', true), '')::bigint $$;

CREATE OR REPLACE FUNCTION fluid_sql.company_id() RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT nullif(current_setting('fluid.company_id', true), '')::bigint $$;

-- Nothing of the product's schemas is PUBLIC's: the reader keeps USAGE on the schemas of its views
-- and EXECUTE on the gate functions (granted by name in 0210), nothing more.
REVOKE ALL ON SCHEMA public, runtime, fluid_sql, crm, crm_data, progress FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA fluid_sql, crm, crm_data, progress, runtime FROM PUBLIC;
GRANT USAGE ON SCHEMA fluid_sql, crm, progress TO fluid_sql_reader;
GRANT EXECUTE ON FUNCTION fluid_sql.allow(text), fluid_sql.visible_agents(), fluid_sql.agent_id(), fluid_sql.company_id() TO fluid_sql_reader;

-- Functions made by later migrations are not PUBLIC's either.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
