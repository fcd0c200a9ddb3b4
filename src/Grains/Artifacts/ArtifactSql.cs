namespace FluidManager.Grains.Artifacts;

internal static class ArtifactSql
{
    public const string Columns = "id, company_id, task_id, agent_id, kind, name, content_type, size_bytes, storage_key, sha256, url, step_key, created_by, created_at";

    public const string Insert = """
        INSERT INTO artifacts (company_id, task_id, agent_id, kind, name, content_type, size_bytes, storage_key, sha256, url, step_key, created_by, created_at)
        VALUES (@company_id, @task_id, @agent_id, @kind, @name, @content_type, @size_bytes, @storage_key, @sha256, @url, @step_key, @created_by, @now)
        ON CONFLICT DO NOTHING
        RETURNING
        """ + " " + Columns;

    public const string ByTaskStep = "SELECT " + Columns + " FROM artifacts WHERE task_id = @task_id AND step_key = @step_key";

    public const string ByAgentStep = "SELECT " + Columns + " FROM artifacts WHERE agent_id = @agent_id AND task_id IS NULL AND step_key = @step_key";

    public const string ById = "SELECT " + Columns + " FROM artifacts WHERE id = @id AND company_id = @company_id";

    public const string ForTask = "SELECT " + Columns + " FROM artifacts WHERE task_id = @task_id AND company_id = @company_id ORDER BY id";

    public const string ForAgent = "SELECT " + Columns + " FROM artifacts WHERE agent_id = @agent_id AND company_id = @company_id ORDER BY id";
}
