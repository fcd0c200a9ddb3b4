using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Knowledge.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace FluidManager.Knowledge.SqlTool;

/// <summary>
/// Runs an agent's statement so that PostgreSQL itself decides what it may read, never a parser of ours:
/// <list type="number">
/// <item>a connection of the tool's own pool (<see cref="SqlToolConnection"/>), logged in as <c>fluid_sql_tool</c>:
/// a role that owns nothing, holds nothing and may become <c>fluid_sql_reader</c> only, never the product's role;</item>
/// <item>a read-only transaction with statement, lock and idle timeouts;</item>
/// <item><c>fluid.agent_id</c> and <c>fluid.company_id</c> set for the transaction (the views' gate and row filters read them);</item>
/// <item><c>SET LOCAL ROLE fluid_sql_reader</c>: a role with SELECT on the allowlisted views only; the catalog and
/// server information (pg_class, information_schema, pg_settings, pg_stat_activity, version(), current_setting()…)
/// are revoked from PUBLIC by the database setup, so the role is refused them;</item>
/// <item>the statement sent through the extended protocol with positional parameters, as the subquery of
/// <c>SELECT row_to_json(…) FROM (…) LIMIT n</c>, so that only one query fits (no second statement, no
/// utility command such as SET, COPY or DO, no data-modifying WITH);</item>
/// <item>at most <c>MaxRows</c> rows and <c>MaxBytes</c> bytes read back, then ROLLBACK, and session-level
/// advisory locks the statement may have taken released.</item>
/// </list>
/// Every statement, whatever its outcome, is written to <c>sql_audit</c>; refusals are also published as
/// <c>policy.denied</c> events.
/// </summary>
public sealed class SqlToolExecutor : IAsyncDisposable
{
    public const string ReaderRole = "fluid_sql_reader";
    public const string Action = "sql.query";
    public const string Rule = "sql.grant";

    private const string ToolCheck = """
        SELECT 'sql' = ANY (allowed_tools) FROM agents WHERE id = @agent_id AND company_id = @company_id AND status = 'active'
        """;

    private const string SafetyCheck = """
        SELECT r.rolsuper OR r.rolcanlogin OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication AS privileged,
               EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid) AS member_of_roles,
               has_function_privilege(r.oid, 'pg_catalog.set_config(text, text, boolean)', 'EXECUTE') AS can_set_config,
               has_table_privilege(r.oid, 'pg_catalog.pg_class', 'SELECT') OR has_table_privilege(r.oid, 'pg_catalog.pg_settings', 'SELECT')
                 OR has_function_privilege(r.oid, 'pg_catalog.version()', 'EXECUTE') OR has_function_privilege(r.oid, 'pg_catalog.current_setting(text)', 'EXECUTE') AS reads_catalog,
               l.oid IS NULL AS login_missing,
               coalesce(l.rolsuper OR l.rolbypassrls OR l.rolcreaterole OR l.rolcreatedb OR l.rolreplication OR l.rolinherit, true) AS login_privileged,
               EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = l.oid AND m.roleid <> r.oid) AS login_member_of_others,
               EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspowner = l.oid) OR EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = l.oid)
                 OR EXISTS (SELECT 1 FROM pg_database d WHERE d.datdba = l.oid) AS login_owns
        FROM pg_roles r LEFT JOIN pg_roles l ON l.rolname = @login
        WHERE r.rolname = 'fluid_sql_reader'
        """;

    private const string InsertAudit = """
        INSERT INTO sql_audit (company_id, agent_id, task_id, actor, sql_text, parameters, outcome, allowed, reason, sqlstate, row_count, byte_count, truncated, duration_ms, at)
        SELECT @company_id, @agent_id, @task_id, @actor, @sql_text, @parameters, @outcome, @allowed, @reason, @sqlstate, @row_count, @byte_count, @truncated, @duration_ms, @at
        WHERE EXISTS (SELECT 1 FROM companies WHERE id = @company_id)
        RETURNING id
        """;

    private const string ListAudit = """
        SELECT id, company_id, agent_id, task_id, actor, sql_text, parameters::text AS parameters, outcome, allowed, reason, sqlstate,
               row_count, byte_count, truncated, duration_ms, at
        FROM sql_audit
        WHERE company_id = @company_id
          AND (@agent_id::bigint IS NULL OR agent_id = @agent_id)
          AND (@outcome::text IS NULL OR outcome = @outcome)
          AND (@before::bigint IS NULL OR id < @before)
        ORDER BY id DESC
        LIMIT @limit
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _readerSource;
    private readonly DenialRecorder _denials;
    private readonly SqlToolOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SqlToolExecutor> _logger;
    private readonly SemaphoreSlim _safetyLock = new(1, 1);
    private (DateTimeOffset CheckedAt, string? Problem)? _safety;

    public SqlToolExecutor(NpgsqlDataSource dataSource, SqlToolConnection connection, DenialRecorder denials, IOptions<KnowledgeOptions> options, TimeProvider time, ILogger<SqlToolExecutor> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _dataSource = dataSource;
        _denials = denials;
        _options = options.Value.Sql;
        _time = time;
        _logger = logger;
        // Agents' statements get a pool and a login of their own: a flood of slow queries cannot starve the
        // grains' turns, and the session can never become the product's role.
        // It loads no types from the catalog, which its role may not read: the rows come back as text.
        var reader = new NpgsqlDataSourceBuilder(connection.ConnectionString) { Name = "fluid-sql-tool" };
        reader.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        _readerSource = reader.Build();
    }

    public async Task<SqlResult> ExecuteAsync(SqlRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var parameters = request.Parameters ?? [];
        var run = await RunAsync(request, parameters, cancellationToken);
        var duration = clock.Elapsed.TotalMilliseconds;
        var auditId = await AuditAsync(request, parameters, run, duration, cancellationToken);
        if (run.Outcome != SqlOutcome.Ok)
        {
            Log.SqlRefused(_logger, request.CompanyId, request.AgentId, run.Outcome.ToDb(), run.Reason ?? "");
        }

        if (run.Outcome == SqlOutcome.Denied)
        {
            await _denials.RecordAsync(request.CompanyId, request.AgentId, request.TaskId, Action, Rule, run.Reason!);
        }

        return new SqlResult(run.Outcome, run.Reason, run.SqlState, run.Columns, run.Rows, run.Bytes, run.Truncated, duration, auditId);
    }

    /// <summary>The audit of a company's statements, newest first.</summary>
    public async Task<IReadOnlyList<SqlAuditRecord>> ListAuditAsync(long companyId, long? agentId, SqlOutcome? outcome, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(ListAudit, connection)
            .With("company_id", companyId).With("agent_id", agentId).With("outcome", outcome?.ToDb()).With("before", before).With("limit", Math.Clamp(limit, 1, 500))
            .ListAsync(r => new SqlAuditRecord(
                r.Get<long>("id"), r.Get<long>("company_id"), r.GetOrNull<long>("agent_id"), r.GetOrNull<long>("task_id"), r.GetStringOrNull("actor"),
                r.Get<string>("sql_text"), JsonDocument.Parse(r.Get<string>("parameters")).RootElement.Clone(), DbEnum.Parse<SqlOutcome>(r.Get<string>("outcome")),
                r.Get<bool>("allowed"), r.GetStringOrNull("reason"), r.GetStringOrNull("sqlstate"), r.Get<int>("row_count"), r.Get<int>("byte_count"),
                r.Get<bool>("truncated"), r.Get<decimal>("duration_ms"), r.Get<DateTimeOffset>("at")),
                cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _readerSource.DisposeAsync();
        _safetyLock.Dispose();
    }

    private async Task<Run> RunAsync(SqlRequest request, IReadOnlyList<string?> parameters, CancellationToken cancellationToken)
    {
        var statement = Trim(request.Sql);
        if (statement.Length == 0)
        {
            return Run.Refused(SqlOutcome.Invalid, "the statement is empty");
        }

        if (statement.Length > _options.MaxStatementChars)
        {
            return Run.Refused(SqlOutcome.Invalid, $"the statement has {statement.Length} characters; at most {_options.MaxStatementChars} are accepted");
        }

        if (parameters.Count > _options.MaxParameters)
        {
            return Run.Refused(SqlOutcome.Invalid, $"at most {_options.MaxParameters} parameters are accepted");
        }

        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            var enabled = await new NpgsqlCommand(ToolCheck, connection)
                .With("agent_id", request.AgentId).With("company_id", request.CompanyId)
                .ScalarAsync<bool?>(cancellationToken);
            if (enabled is null)
            {
                return Run.Refused(SqlOutcome.Denied, $"there is no active agent {request.AgentId} in this company");
            }

            if (enabled == false)
            {
                return Run.Refused(SqlOutcome.Denied, "the sql tool is not enabled for this agent");
            }
        }

        if (await SafetyProblemAsync(cancellationToken) is { } problem)
        {
            return Run.Refused(SqlOutcome.Error, "the sql tool is disabled: " + problem);
        }

        try
        {
            return await QueryAsync(request, statement, parameters, cancellationToken);
        }
        catch (PostgresException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Classify(ex);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested && ex.InnerException is TimeoutException)
        {
            return Run.Refused(SqlOutcome.Timeout, "the statement did not finish in time");
        }
    }

    private async Task<Run> QueryAsync(SqlRequest request, string statement, IReadOnlyList<string?> parameters, CancellationToken cancellationToken)
    {
        var timeoutMs = Math.Max(1, (long)_options.StatementTimeout.TotalMilliseconds);
        await using var connection = await _readerSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                await using (var setup = new NpgsqlBatch(connection, transaction))
                {
                    setup.BatchCommands.Add(new NpgsqlBatchCommand("SET TRANSACTION READ ONLY"));
                    setup.BatchCommands.Add(new NpgsqlBatchCommand(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL statement_timeout = {timeoutMs}")));
                    setup.BatchCommands.Add(new NpgsqlBatchCommand(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL lock_timeout = {timeoutMs}")));
                    setup.BatchCommands.Add(new NpgsqlBatchCommand(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL idle_in_transaction_session_timeout = {timeoutMs * 4}")));
                    setup.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL jit = off"));
                    // Numbers only, so a literal is safe; set_config is not the tool's to call.
                    setup.BatchCommands.Add(new NpgsqlBatchCommand(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL fluid.agent_id = '{request.AgentId}'")));
                    setup.BatchCommands.Add(new NpgsqlBatchCommand(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL fluid.company_id = '{request.CompanyId}'")));
                    setup.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL ROLE {ReaderRole}"));
                    await setup.ExecuteNonQueryAsync(cancellationToken);
                }

                var rows = new List<JsonElement>();
                var bytes = 0;
                var truncated = false;
                // The agent's text is the subquery: one query only, positional parameters only ($1…), rows as JSON.
                var wrapped = string.Create(CultureInfo.InvariantCulture,
                    $"SELECT left(row_to_json(agent_query)::text, {_options.MaxBytes + 1}) FROM (\n{statement}\n) AS agent_query LIMIT {_options.MaxRows + 1}");
                await using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    var command = new NpgsqlBatchCommand(wrapped);
                    foreach (var value in parameters)
                    {
                        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Unknown, Value = (object?)value ?? DBNull.Value });
                    }

                    batch.BatchCommands.Add(command);
                    await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        if (rows.Count == _options.MaxRows)
                        {
                            truncated = true;
                            break;
                        }

                        var json = reader.IsDBNull(0) ? "null" : reader.GetString(0);
                        var size = Encoding.UTF8.GetByteCount(json);
                        if (bytes + size > _options.MaxBytes)
                        {
                            truncated = true;
                            break;
                        }

                        bytes += size;
                        rows.Add(JsonDocument.Parse(json).RootElement.Clone());
                    }
                }

                await transaction.RollbackAsync(cancellationToken);
                var columns = rows.Count > 0 && rows[0].ValueKind == JsonValueKind.Object ? rows[0].EnumerateObject().Select(p => p.Name).ToList() : [];
                return new Run(SqlOutcome.Ok, null, null, columns, rows, bytes, truncated);
            }
        }
        finally
        {
            // Session-level advisory locks survive ROLLBACK; the connection goes back to the pool without any.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection);
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    private static Run Classify(PostgresException ex)
    {
        var message = ex.MessageText + (ex.Hint is { Length: > 0 } hint ? " (" + hint + ")" : "");
        return ex.SqlState switch
        {
            PostgresErrorCodes.InsufficientPrivilege when !ex.MessageText.Contains("data source", StringComparison.Ordinal) =>
                Run.Refused(SqlOutcome.Denied, message + " (the sql tool reads only the data sources granted to the agent: the database catalog, server settings and other tables are not readable)", ex.SqlState),
            PostgresErrorCodes.InsufficientPrivilege => Run.Refused(SqlOutcome.Denied, message, ex.SqlState),
            PostgresErrorCodes.ReadOnlySqlTransaction => Run.Refused(SqlOutcome.Denied, message + " (the sql tool only reads)", ex.SqlState),
            PostgresErrorCodes.QueryCanceled => Run.Refused(SqlOutcome.Timeout, message, ex.SqlState),
            PostgresErrorCodes.LockNotAvailable => Run.Refused(SqlOutcome.Timeout, message, ex.SqlState),
            PostgresErrorCodes.SyntaxError => Run.Refused(SqlOutcome.Invalid, message + " (the sql tool runs one read-only query: SELECT, WITH … SELECT or VALUES, with $1, $2… for parameters)", ex.SqlState),
            PostgresErrorCodes.FeatureNotSupported => Run.Refused(SqlOutcome.Denied, message + " (the sql tool only reads)", ex.SqlState),
            _ when ex.SqlState.StartsWith("42", StringComparison.Ordinal) || ex.SqlState.StartsWith("22", StringComparison.Ordinal) => Run.Refused(SqlOutcome.Invalid, message, ex.SqlState),
            _ => Run.Refused(SqlOutcome.Error, message, ex.SqlState),
        };
    }

    /// <summary>
    /// Null when the reader role is safe to use; otherwise what is wrong. Checked at most once a minute:
    /// the tool fails closed when the role could change its identity (set_config) or holds more than SELECT
    /// on the views.
    /// </summary>
    private async Task<string?> SafetyProblemAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_safety is { } known && now - known.CheckedAt < TimeSpan.FromMinutes(1))
        {
            return known.Problem;
        }

        await _safetyLock.WaitAsync(cancellationToken);
        try
        {
            string login;
            try
            {
                await using var tool = await _readerSource.OpenConnectionAsync(cancellationToken);
                login = await new NpgsqlCommand("SELECT session_user::text", tool).ScalarAsync<string>(cancellationToken) ?? "";
            }
            catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
            {
                login = "";
                Log.SqlToolUnsafe(_logger, $"its connection ({SqlToolConnection.ConnectionStringKey}) failed: {ex.Message}");
            }

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(SafetyCheck, connection).With("login", login);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            string? problem;
            const string Setup = "run the database setup (src/Runtime/Setup/database-setup.sql, as scripts/run.sh and docker compose do)";
            if (login.Length == 0)
            {
                problem = $"its connection failed: check {SqlToolConnection.ConnectionStringKey} (by default the product's with Username={SqlToolConnection.LoginRole}) and {Setup}";
            }
            else if (!await reader.ReadAsync(cancellationToken))
            {
                problem = $"the role {ReaderRole} does not exist (the migrations have not run)";
            }
            else if (reader.GetBoolean(0) || reader.GetBoolean(1))
            {
                problem = $"the role {ReaderRole} has privileged attributes or role memberships; it must be a plain NOLOGIN role";
            }
            else if (reader.GetBoolean(2))
            {
                problem = $"{ReaderRole} may execute pg_catalog.set_config, which would let a statement change its own identity; {Setup}";
            }
            else if (reader.GetBoolean(3))
            {
                problem = $"{ReaderRole} may read the database catalog or server information (pg_class, pg_settings, version(), current_setting()); {Setup}";
            }
            else if (reader.GetBoolean(4) || reader.GetBoolean(5) || reader.GetBoolean(6) || reader.GetBoolean(7))
            {
                problem = $"its login role {login} ({SqlToolConnection.ConnectionStringKey}) must be a NOINHERIT role without attributes that owns nothing and is a member of {ReaderRole} only";
            }
            else
            {
                problem = null;
            }

            if (problem is not null)
            {
                Log.SqlToolUnsafe(_logger, problem);
            }

            _safety = (now, problem);
            return problem;
        }
        finally
        {
            _safetyLock.Release();
        }
    }

    private async Task<long> AuditAsync(SqlRequest request, IReadOnlyList<string?> parameters, Run run, double duration, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(InsertAudit, connection)
            .With("company_id", request.CompanyId).With("agent_id", request.AgentId).With("task_id", request.TaskId)
            .With("actor", request.Actor ?? "agent:" + request.AgentId.ToString(CultureInfo.InvariantCulture))
            .With("sql_text", request.Sql.Length > 100_000 ? request.Sql[..100_000] : request.Sql)
            .WithJson("parameters", parameters)
            .With("outcome", run.Outcome.ToDb()).With("allowed", run.Outcome != SqlOutcome.Denied).With("reason", run.Reason).With("sqlstate", run.SqlState)
            .With("row_count", run.Rows.Count).With("byte_count", run.Bytes).With("truncated", run.Truncated)
            .With("duration_ms", Math.Round(duration, 3)).With("at", _time.GetUtcNow())
            .ScalarAsync<long>(cancellationToken);
    }

    /// <summary>The statement without surrounding white space and trailing semicolons (which would end the subquery early).</summary>
    private static string Trim(string? sql)
    {
        var text = (sql ?? "").Trim();
        while (text.EndsWith(';'))
        {
            text = text[..^1].TrimEnd();
        }

        return text;
    }

    private sealed record Run(SqlOutcome Outcome, string? Reason, string? SqlState, IReadOnlyList<string> Columns, IReadOnlyList<JsonElement> Rows, int Bytes, bool Truncated)
    {
        public static Run Refused(SqlOutcome outcome, string reason, string? sqlState = null) => new(outcome, reason, sqlState, [], [], 0, false);
    }
}
