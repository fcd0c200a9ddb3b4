namespace FluidManager.Grains.Workflows;

/// <summary>The statements over workflow templates and their versions.</summary>
internal static class WorkflowSql
{
    private const string Select = """
        SELECT w.id, w.company_id, w.name, w.version, v.definition::text AS definition, w.created_at, w.updated_at
        FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
        """;

    public const string ById = Select + " WHERE w.id = @id AND w.company_id = @company_id";

    public const string ByCompany = Select + " WHERE w.company_id = @company_id ORDER BY w.name";

    public const string NameTaken = "SELECT EXISTS (SELECT 1 FROM workflows WHERE company_id = @company_id AND lower(name) = lower(@name) AND id <> @id)";

    public const string Insert = """
        INSERT INTO workflows (company_id, name, created_at, updated_at) VALUES (@company_id, @name, @now, @now)
        RETURNING id
        """;

    public const string Bump = """
        UPDATE workflows SET name = @name, version = version + 1, updated_at = @now
        WHERE id = @id AND company_id = @company_id AND version = @version
        RETURNING version
        """;

    public const string InsertVersion = """
        INSERT INTO workflow_versions (company_id, workflow_id, version, name, definition, created_at)
        VALUES (@company_id, @workflow_id, @version, @name, @definition::json, @now)
        """;

    public const string Delete = "DELETE FROM workflows WHERE id = @id AND company_id = @company_id";

    public const string Versions = """
        SELECT workflow_id, version, name, definition::text AS definition, created_at FROM workflow_versions
        WHERE workflow_id = @id AND company_id = @company_id ORDER BY version DESC
        """;

    public const string Version = """
        SELECT workflow_id, version, name, definition::text AS definition, created_at FROM workflow_versions
        WHERE workflow_id = @id AND company_id = @company_id AND version = @version
        """;

    /// <summary>The company's agents that can take work, for the references of a definition.</summary>
    public const string Agents = "SELECT id, role, department, status FROM agents WHERE company_id = @company_id AND status <> 'archived'";
}
