namespace FluidManager.Grains.Governance;

/// <summary>The statements over the company's governance settings.</summary>
internal static class CompanyPolicySql
{
    public const string Columns = """
        allowed_models, monthly_token_limit, default_tokens_per_day, default_tokens_per_month, default_max_cost,
        web_daily_quota, ceo_assignment, version, updated_at
        """;

    public const string ByCompany = "SELECT " + Columns + " FROM company_policies WHERE company_id = @company_id";

    public const string AllowedModels = "SELECT allowed_models FROM company_policies WHERE company_id = @company_id";

    public const string CeoAssignment = "SELECT ceo_assignment FROM company_policies WHERE company_id = @company_id";

    /// <summary>Creates the row with the defaults (version 0) when missing, before <see cref="Lock"/>.</summary>
    public const string Ensure = """
        INSERT INTO company_policies (company_id, version, updated_at) VALUES (@company_id, 0, @now)
        ON CONFLICT (company_id) DO NOTHING
        """;

    /// <summary>Locks the row so that two changes cannot interleave; returns its version.</summary>
    public const string Lock = "SELECT version FROM company_policies WHERE company_id = @company_id FOR NO KEY UPDATE";

    /// <summary>Raises a set monthly token limit, never lowers it; no row when there was nothing to raise.</summary>
    public const string RaiseTokenLimit = """
        UPDATE company_policies SET monthly_token_limit = @limit, version = version + 1, updated_at = @now, updated_by = @actor
        WHERE company_id = @company_id AND monthly_token_limit < @limit
        RETURNING version
        """;

    public const string Update = """
        UPDATE company_policies
        SET allowed_models = @allowed_models, monthly_token_limit = @monthly_token_limit,
            default_tokens_per_day = @default_tokens_per_day, default_tokens_per_month = @default_tokens_per_month,
            default_max_cost = @default_max_cost, web_daily_quota = @web_daily_quota, ceo_assignment = @ceo_assignment,
            version = version + 1, updated_at = @now, updated_by = @actor
        WHERE company_id = @company_id
        """;

    /// <summary>Every agent's model, to flag those the lists no longer allow.</summary>
    public const string AgentModels = """
        SELECT id, first_name || ' ' || last_name AS display_name, model FROM agents
        WHERE company_id = @company_id AND status <> 'archived' ORDER BY id
        """;

    /// <summary>Adds the route of a task the CEO assigned to its description, so that the top manager knows whom it is for.</summary>
    public const string AppendToDescription = """
        UPDATE tasks SET description = CASE WHEN description = '' THEN @text ELSE description || E'\n\n' || @text END
        WHERE id = @id AND company_id = @company_id
        """;
}
