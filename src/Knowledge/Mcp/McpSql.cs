namespace FluidManager.Knowledge.Mcp;

/// <summary>The statements of MCP servers, their tools, the agents' grants and the call journal.</summary>
internal static class McpSql
{
    private const string ServerColumns = """
        s.id, s.company_id, s.name, s.transport, s.command, s.arguments, s.environment::text AS environment, s.url, s.headers::text AS headers,
        s.secret_names, s.enabled, s.version, s.health, s.health_error, s.checked_at, s.created_at, s.updated_at,
        (SELECT count(*) FROM mcp_tools t WHERE t.server_id = s.id AND t.present) AS tool_count
        """;

    public const string ListServers = "SELECT " + ServerColumns + " FROM mcp_servers s WHERE s.company_id = @company_id ORDER BY s.name";

    public const string ServerById = "SELECT " + ServerColumns + " FROM mcp_servers s WHERE s.company_id = @company_id AND s.id = @id";

    /// <summary>What connecting needs, the encrypted secrets included (never returned by the API).</summary>
    public const string ConnectionById = """
        SELECT id, company_id, name, transport, command, arguments, environment::text AS environment, url, headers::text AS headers, secrets, version, enabled
        FROM mcp_servers WHERE company_id = @company_id AND id = @id
        """;

    public const string InsertServer = """
        INSERT INTO mcp_servers (company_id, name, transport, command, arguments, environment, url, headers, secret_names, secrets, enabled, created_at, updated_at)
        VALUES (@company_id, @name, @transport, @command, @arguments, @environment::jsonb, @url, @headers::jsonb, @secret_names, @secrets, @enabled, @now, @now)
        ON CONFLICT (company_id, name) DO NOTHING
        RETURNING id
        """;

    public const string SecretsOfServer = "SELECT secrets FROM mcp_servers WHERE company_id = @company_id AND id = @id FOR UPDATE";

    public const string UpdateServer = """
        UPDATE mcp_servers
        SET name = @name, transport = @transport, command = @command, arguments = @arguments, environment = @environment::jsonb, url = @url,
            headers = @headers::jsonb, secret_names = @secret_names, secrets = @secrets, enabled = @enabled, version = version + 1,
            health = 'unknown', health_error = NULL, updated_at = @now
        WHERE company_id = @company_id AND id = @id
        """;

    public const string DeleteServer = "DELETE FROM mcp_servers WHERE company_id = @company_id AND id = @id";

    public const string SetHealth = """
        UPDATE mcp_servers SET health = @health, health_error = @error, checked_at = @now
        WHERE company_id = @company_id AND id = @id AND version = @version
        """;

    /// <summary>Claims the servers due for a health check (each process takes different ones); the check sets checked_at again.</summary>
    public const string ClaimDueServers = """
        UPDATE mcp_servers SET checked_at = @now
        WHERE id IN (SELECT id FROM mcp_servers WHERE enabled AND (checked_at IS NULL OR checked_at <= @due) ORDER BY checked_at NULLS FIRST LIMIT 20 FOR UPDATE SKIP LOCKED)
        RETURNING company_id, id
        """;

    public const string UpsertTool = """
        INSERT INTO mcp_tools (company_id, server_id, name, title, description, input_schema, annotations, default_classification, classification, present, discovered_at)
        VALUES (@company_id, @server_id, @name, @title, @description, @input_schema::jsonb, @annotations::jsonb, @classification, @classification, true, @now)
        ON CONFLICT (server_id, name) DO UPDATE
        SET title = excluded.title, description = excluded.description, input_schema = excluded.input_schema, annotations = excluded.annotations,
            default_classification = excluded.default_classification,
            classification = CASE WHEN mcp_tools.classified_by IS NULL THEN excluded.classification ELSE mcp_tools.classification END,
            present = true, discovered_at = excluded.discovered_at
        """;

    public const string MarkAbsentTools = "UPDATE mcp_tools SET present = false WHERE server_id = @server_id AND NOT (name = ANY(@names))";

    private const string ToolColumns = """
        t.id, t.server_id, s.name AS server, t.name, t.title, t.description, t.input_schema::text AS input_schema, t.annotations::text AS annotations,
        t.default_classification, t.classification, t.classified_by, t.present,
        coalesce((SELECT array_agg(g.agent_id ORDER BY g.agent_id) FROM agent_mcp_tools g WHERE g.tool_id = t.id), '{}') AS granted_to
        """;

    public const string ListTools = "SELECT " + ToolColumns + """

        FROM mcp_tools t JOIN mcp_servers s ON s.id = t.server_id
        WHERE t.company_id = @company_id AND (@server_id::bigint IS NULL OR t.server_id = @server_id)
        ORDER BY s.name, t.name
        """;

    public const string ToolById = "SELECT " + ToolColumns + " FROM mcp_tools t JOIN mcp_servers s ON s.id = t.server_id WHERE t.company_id = @company_id AND t.id = @id";

    public const string SetClassification = """
        UPDATE mcp_tools SET classification = coalesce(@classification, default_classification), classified_by = CASE WHEN @classification IS NULL THEN NULL ELSE @actor END
        WHERE company_id = @company_id AND id = @id
        """;

    public const string Grant = """
        INSERT INTO agent_mcp_tools (company_id, agent_id, tool_id, granted_at, granted_by)
        SELECT @company_id, a.id, t.id, @now, @actor FROM agents a, mcp_tools t
        WHERE a.company_id = @company_id AND a.id = @agent_id AND t.company_id = @company_id AND t.id = @tool_id
        ON CONFLICT (agent_id, tool_id) DO NOTHING
        """;

    public const string Revoke = "DELETE FROM agent_mcp_tools WHERE company_id = @company_id AND agent_id = @agent_id AND tool_id = @tool_id";

    public const string AgentExists = "SELECT EXISTS (SELECT FROM agents WHERE company_id = @company_id AND id = @agent_id)";

    public const string GrantsOfAgent = "SELECT " + ToolColumns + """

        FROM agent_mcp_tools g JOIN mcp_tools t ON t.id = g.tool_id JOIN mcp_servers s ON s.id = t.server_id
        WHERE g.company_id = @company_id AND g.agent_id = @agent_id
        ORDER BY s.name, t.name
        """;

    /// <summary>The tools the agent is offered: granted, still listed, on an enabled server.</summary>
    public const string OfferedTools = """
        SELECT s.name AS server, t.name, t.title, t.description, t.input_schema::text AS input_schema
        FROM agent_mcp_tools g JOIN mcp_tools t ON t.id = g.tool_id JOIN mcp_servers s ON s.id = t.server_id
        WHERE g.company_id = @company_id AND g.agent_id = @agent_id AND t.present AND s.enabled
        ORDER BY s.name, t.name
        """;

    /// <summary>A tool by the name the agent used (server and tool), with the agent's grant.</summary>
    public const string Gate = """
        SELECT t.id, t.classification, t.present, s.enabled,
               EXISTS (SELECT FROM agent_mcp_tools g WHERE g.agent_id = @agent_id AND g.tool_id = t.id) AS granted
        FROM mcp_servers s JOIN mcp_tools t ON t.server_id = s.id
        WHERE s.company_id = @company_id AND s.name = @server AND (t.name = @tool OR regexp_replace(t.name, '[^A-Za-z0-9_-]', '_', 'g') = @tool)
        """;

    /// <summary>What a call needs: the tool, whether it is idempotent, and its server.</summary>
    public const string CallTarget = """
        SELECT t.id, t.classification, coalesce((t.annotations->>'idempotentHint')::boolean, false) AS idempotent, s.id AS server_id
        FROM mcp_servers s JOIN mcp_tools t ON t.server_id = s.id
        WHERE s.company_id = @company_id AND s.name = @server AND (t.name = @tool OR regexp_replace(t.name, '[^A-Za-z0-9_-]', '_', 'g') = @tool)
        """;

    /// <summary>Starts a call's journal row, or counts one more attempt of it; returns its state.</summary>
    public const string StartCall = """
        INSERT INTO mcp_call_journal (activity_id, company_id, tool_id, status, started_at)
        VALUES (@activity_id, @company_id, @tool_id, 'started', @now)
        ON CONFLICT (activity_id) DO UPDATE SET attempts = mcp_call_journal.attempts + 1
        RETURNING status, attempts, result::text AS result
        """;

    public const string FinishCall = """
        UPDATE mcp_call_journal SET status = 'finished', result = @result::jsonb, finished_at = @now
        WHERE activity_id = @activity_id AND status = 'started'
        """;
}
