-- Silos are Orleans silos: their membership is Orleans' table, and the product keeps no silo table
-- of its own. A lease (of an activity or a grain inbox) names its silo by a uuid derived from the
-- silo's Orleans address and generation; this function derives it from a membership row, so that
-- SQL can say which silo holds what:
--   SELECT m.siloname, a.id FROM runtime.activities a
--   JOIN orleansmembershiptable m ON a.lease_owner = runtime.silo_lease_owner(m.address, m.port, m.generation);
DROP TABLE runtime.silos;

CREATE FUNCTION runtime.silo_lease_owner(address text, port integer, generation integer) RETURNS uuid
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN left(encode(sha256(convert_to(address || ':' || port || '@' || generation, 'UTF8')), 'hex'), 32)::uuid;
