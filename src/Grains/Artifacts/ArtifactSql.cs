namespace FluidManager.Grains.Artifacts;

internal static class ArtifactSql
{
    public const string Columns = "id, company_id, task_id, agent_id, kind, name, content_type, size_bytes, storage_key, sha256, url, step_key, created_by, created_at, version, metadata::text AS metadata";

    public const string Insert = """
        INSERT INTO artifacts (company_id, task_id, agent_id, kind, name, content_type, size_bytes, storage_key, sha256, url, step_key, created_by, created_at,
                               version, metadata)
        VALUES (@company_id, @task_id, @agent_id, @kind, @name, @content_type, @size_bytes, @storage_key, @sha256, @url, @step_key, @created_by, @now,
                (SELECT COALESCE(max(a.version), 0) + 1 FROM artifacts a
                 WHERE a.company_id = @company_id AND a.name = @name
                   AND CASE WHEN @task_id::bigint IS NULL THEN a.task_id IS NULL AND a.agent_id = @agent_id ELSE a.task_id = @task_id END),
                COALESCE(@metadata::jsonb, '{}'))
        ON CONFLICT DO NOTHING
        RETURNING
        """ + " " + Columns;

    public const string ByTaskStep = "SELECT " + Columns + " FROM artifacts WHERE task_id = @task_id AND step_key = @step_key";

    public const string ByAgentStep = "SELECT " + Columns + " FROM artifacts WHERE agent_id = @agent_id AND task_id IS NULL AND step_key = @step_key";

    public const string ById = "SELECT " + Columns + " FROM artifacts WHERE id = @id AND company_id = @company_id AND deleted_at IS NULL";

    public const string ForTask = "SELECT " + Columns + " FROM artifacts WHERE task_id = @task_id AND company_id = @company_id AND deleted_at IS NULL ORDER BY id";

    public const string ForAgent = "SELECT " + Columns + " FROM artifacts WHERE agent_id = @agent_id AND company_id = @company_id AND deleted_at IS NULL ORDER BY id";

    /// <summary>Deletes one version of a task's artifact; the row stays (as the bytes do) but no read returns it.</summary>
    public const string DeleteOfTask = """
        UPDATE artifacts SET deleted_at = @now, deleted_by = @actor
        WHERE id = @id AND company_id = @company_id AND task_id = @task_id AND deleted_at IS NULL
        RETURNING
        """ + " " + Columns;
}
