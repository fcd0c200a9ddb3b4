-- Every company starts with an org chart row and the default hierarchy rules; the CEO may edit or
-- disable them. New companies get them from a trigger, existing ones from the backfill below.
CREATE FUNCTION seed_default_policy(p_company_id bigint) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO org_charts (company_id) VALUES (p_company_id) ON CONFLICT (company_id) DO NOTHING;
  INSERT INTO policy_rules (company_id, name, kind, description, data) VALUES
    (p_company_id, 'direct-subordinates-only', 'delegation_scope',
     'An agent assigns work only to its direct subordinates and escalates to its manager.',
     '{"scope": "direct_subordinates"}'),
    (p_company_id, 'sales-never-above-engineering', 'role_separation',
     'A Sales agent can never be above, nor assign to, an engineering agent such as a Developer or the CTO.',
     '{"upper": {"departments": ["sales"], "roles": ["sales", "sales manager", "sales representative", "account executive", "head of sales"]},
       "lower": {"departments": ["engineering"], "roles": ["developer", "engineer", "software engineer", "cto", "architect", "devops engineer", "qa engineer"]},
       "reason": "Sales never manages or directs engineering."}'),
    (p_company_id, 'approval-publication', 'approval_required',
     'Publishing anything outside the company needs the CEO''s approval.',
     '{"action": "publication"}'),
    (p_company_id, 'approval-spending', 'approval_required',
     'Spending money needs the CEO''s approval.',
     '{"action": "spending", "threshold": 0}'),
    (p_company_id, 'approval-external-actions', 'approval_required',
     'Actions outside the company (emails, calls, orders) need the CEO''s approval.',
     '{"action": "external_action"}')
  ON CONFLICT (company_id, name) DO NOTHING;
$$;

CREATE FUNCTION companies_seed_default_policy() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM seed_default_policy(NEW.id);
  RETURN NEW;
END;
$$;

CREATE TRIGGER companies_seed_default_policy_trg
  AFTER INSERT ON companies FOR EACH ROW EXECUTE FUNCTION companies_seed_default_policy();

SELECT seed_default_policy(id) FROM companies;
