-- The company's governance settings: the models its agents may use (within the server's list), its
-- monthly token budget (the USD budget stays in company_budgets), the limits new agents start with,
-- the web tool's daily quota per agent and whether the CEO's own assignments follow the hierarchy.
-- One row per company, created on first write; no row means the defaults below.
CREATE TABLE company_policies (
  company_id               bigint        NOT NULL,
  allowed_models           text[]        NOT NULL DEFAULT '{}',
  monthly_token_limit      bigint        NULL,
  default_tokens_per_day   bigint        NULL,
  default_tokens_per_month bigint        NULL,
  default_max_cost         numeric(14,4) NULL,
  web_daily_quota          integer       NULL,
  ceo_assignment           text          NOT NULL DEFAULT 'follow_hierarchy',
  version                  bigint        NOT NULL DEFAULT 1,
  updated_at               timestamptz   NOT NULL DEFAULT now(),
  updated_by               text          NULL,
  CONSTRAINT company_policies_pk PRIMARY KEY (company_id),
  CONSTRAINT company_policies_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
  CONSTRAINT company_policies_token_limit_ck CHECK (monthly_token_limit IS NULL OR monthly_token_limit >= 0),
  CONSTRAINT company_policies_defaults_ck CHECK ((default_tokens_per_day IS NULL OR default_tokens_per_day >= 0)
                                                AND (default_tokens_per_month IS NULL OR default_tokens_per_month >= 0)
                                                AND (default_max_cost IS NULL OR default_max_cost >= 0)),
  CONSTRAINT company_policies_web_quota_ck CHECK (web_daily_quota IS NULL OR web_daily_quota >= 0),
  CONSTRAINT company_policies_ceo_assignment_ck CHECK (ceo_assignment IN ('follow_hierarchy', 'direct'))
);
