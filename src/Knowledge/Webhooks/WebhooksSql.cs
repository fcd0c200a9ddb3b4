namespace FluidManager.Knowledge.Webhooks;

/// <summary>The statements of the company's webhooks and their delivery log.</summary>
internal static class WebhooksSql
{
    private const string Columns = "id, url, events, description, enabled, created_at, updated_at";

    public const string List = "SELECT " + Columns + " FROM webhooks WHERE company_id = @company_id ORDER BY id";

    public const string Get = "SELECT " + Columns + " FROM webhooks WHERE company_id = @company_id AND id = @id";

    public const string Insert = """
        INSERT INTO webhooks (company_id, url, events, secret, description, enabled, created_at, created_by, updated_at)
        VALUES (@company_id, @url, @events, @secret, @description, @enabled, @now, @actor, @now)
        RETURNING id
        """;

    public const string Update = """
        UPDATE webhooks SET url = @url, events = @events, secret = COALESCE(@secret, secret), description = @description,
                            enabled = @enabled, updated_at = @now
        WHERE company_id = @company_id AND id = @id
        """;

    public const string Delete = "DELETE FROM webhooks WHERE company_id = @company_id AND id = @id";

    /// <summary>What an attempt needs: where to send and the protected secret (null when the webhook is gone).</summary>
    public const string Target = "SELECT url, secret, enabled FROM webhooks WHERE company_id = @company_id AND id = @id";

    public const string Deliveries = """
        SELECT id, webhook_id, activity_id, event_type, alert_id, status, attempts, response_code, duration_ms, error,
               created_at, last_attempt_at, finished_at
        FROM webhook_deliveries WHERE company_id = @company_id AND webhook_id = @webhook_id
        ORDER BY id DESC LIMIT @limit
        """;

    /// <summary>
    /// Logs one attempt; the final status comes with the activity's outcome, except for an attempt that ends the delivery
    /// by itself (<c>@final</c>: a refused target), which fails it here.
    /// </summary>
    public const string LogAttempt = """
        UPDATE webhook_deliveries
        SET attempts = GREATEST(attempts, @attempt), response_code = @response_code, duration_ms = @duration_ms, error = @error,
            last_attempt_at = @now,
            status = CASE WHEN status IN ('delivered', 'failed') THEN status WHEN @succeeded THEN 'delivered' WHEN @final THEN 'failed' ELSE 'retrying' END,
            finished_at = CASE WHEN @final AND finished_at IS NULL THEN @now ELSE finished_at END
        WHERE company_id = @company_id AND id = @id
        """;

    /// <summary>The ceos and admins of the company, who receive alert e-mails.</summary>
    public const string AlertRecipients = """
        SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.company_id = @company_id AND m.role IN ('ceo', 'admin') AND NOT u.disabled
        ORDER BY u.id
        """;
}
