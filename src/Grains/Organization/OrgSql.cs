namespace FluidManager.Grains.Organization;

/// <summary>The statements over the org chart and the policy rules.</summary>
internal static class OrgSql
{
    /// <summary>Every agent of the company with its current manager (placed = has a current edge).</summary>
    public const string Snapshot = """
        SELECT a.id, a.first_name, a.last_name, a.role, a.department, a.status,
               e.manager_agent_id, (e.id IS NOT NULL) AS placed
        FROM agents a
        LEFT JOIN org_edges e ON e.subordinate_agent_id = a.id AND e.effective_to IS NULL
        WHERE a.company_id = @company_id
        """;

    public const string EdgeColumns = "id, manager_agent_id, subordinate_agent_id, effective_from, effective_to";

    public const string EdgesAsOf = "SELECT " + EdgeColumns + """
         FROM org_edges
        WHERE company_id = @company_id AND effective_from <= @as_of AND (effective_to IS NULL OR effective_to > @as_of)
        ORDER BY manager_agent_id NULLS FIRST, subordinate_agent_id
        """;

    public const string CurrentEdges = "SELECT " + EdgeColumns + """
         FROM org_edges
        WHERE company_id = @company_id AND effective_to IS NULL
        ORDER BY manager_agent_id NULLS FIRST, subordinate_agent_id
        """;

    public const string Version = "SELECT version FROM org_charts WHERE company_id = @company_id";

    public const string BumpVersion = """
        INSERT INTO org_charts (company_id, version, updated_at) VALUES (@company_id, 1, @now)
        ON CONFLICT (company_id) DO UPDATE SET version = org_charts.version + 1, updated_at = @now
        RETURNING version
        """;

    public const string InsertEdge = """
        INSERT INTO org_edges (company_id, manager_agent_id, subordinate_agent_id, effective_from, created_by)
        VALUES (@company_id, @manager_agent_id, @subordinate_agent_id, @now, @created_by)
        RETURNING
        """ + " " + EdgeColumns;

    public const string EndEdge = """
        UPDATE org_edges SET effective_to = @now
        WHERE company_id = @company_id AND subordinate_agent_id = @subordinate_agent_id AND effective_to IS NULL
        RETURNING
        """ + " " + EdgeColumns;

    public const string RuleColumns = "id, company_id, name, kind, description, data::text AS data, enabled, version, updated_at";

    public const string Rules = "SELECT " + RuleColumns + " FROM policy_rules WHERE company_id = @company_id ORDER BY id";

    public const string RuleById = "SELECT " + RuleColumns + " FROM policy_rules WHERE company_id = @company_id AND id = @id";

    public const string InsertRule = """
        INSERT INTO policy_rules (company_id, name, kind, description, data, enabled, created_at, updated_at)
        VALUES (@company_id, @name, @kind, @description, @data, @enabled, @now, @now)
        ON CONFLICT (company_id, name) DO NOTHING
        RETURNING
        """ + " " + RuleColumns;

    public const string UpdateRule = """
        UPDATE policy_rules SET description = @description, data = @data, enabled = @enabled, version = version + 1, updated_at = @now
        WHERE company_id = @company_id AND id = @id
        RETURNING
        """ + " " + RuleColumns;

    public const string DeleteRule = "DELETE FROM policy_rules WHERE company_id = @company_id AND id = @id";
}
