-- The company's monthly token limit (company_policies.monthly_token_limit) is enforced like its USD budget: a call
-- that would pass it blocks its task with a budget raise for the CEO.
ALTER TABLE approvals DROP CONSTRAINT approvals_budget_limit_ck;
ALTER TABLE approvals ADD CONSTRAINT approvals_budget_limit_ck CHECK (budget_limit IS NULL
  OR budget_limit IN ('agent_tokens_per_day', 'agent_tokens_per_month', 'agent_max_cost', 'company_monthly_budget', 'company_monthly_tokens'));
