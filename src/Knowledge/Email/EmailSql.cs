namespace FluidManager.Knowledge.Email;

/// <summary>The statements of the company's mail settings and of sent mail.</summary>
internal static class EmailSql
{
    public const string Settings = """
        SELECT host, port, security, username, password, from_address, from_name, updated_at
        FROM company_email_settings WHERE company_id = @company_id
        """;

    public const string HasSettings = "SELECT EXISTS (SELECT FROM company_email_settings WHERE company_id = @company_id)";

    public const string Save = """
        INSERT INTO company_email_settings (company_id, host, port, security, username, password, from_address, from_name, updated_at, updated_by)
        VALUES (@company_id, @host, @port, @security, @username, @password, @from_address, @from_name, @now, @actor)
        ON CONFLICT (company_id) DO UPDATE
        SET host = excluded.host, port = excluded.port, security = excluded.security, username = excluded.username, password = excluded.password,
            from_address = excluded.from_address, from_name = excluded.from_name, updated_at = excluded.updated_at, updated_by = excluded.updated_by
        """;

    public const string Delete = "DELETE FROM company_email_settings WHERE company_id = @company_id";

    public const string StartSend = """
        INSERT INTO email_sends (activity_id, company_id, task_id, status, started_at)
        VALUES (@activity_id, @company_id, @task_id, 'started', @now)
        ON CONFLICT (activity_id) DO UPDATE SET attempts = email_sends.attempts + 1
        RETURNING status, attempts, result::text AS result
        """;

    public const string FinishSend = "UPDATE email_sends SET status = 'finished', result = @result::jsonb, finished_at = @now WHERE activity_id = @activity_id";
}
