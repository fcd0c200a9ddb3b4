using System.Net;
using System.Text.Json;
using Npgsql;

namespace FluidManager.Api.Tests;

/// <summary>The analytics API against a query of its own over the base tables (tasks, approvals, model calls) for the same period.</summary>
public sealed class AnalyticsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly DateTimeOffset Day = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = new(2026, 3, 20, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("agent", "COALESCE(t.assignee_agent_id::text, '')")]
    [InlineData("department", "COALESCE(a.department, '')")]
    [InlineData("project", "COALESCE(t.project, '')")]
    [InlineData("day", "(x.at AT TIME ZONE 'UTC')::date::text")]
    public async Task The_figures_equal_a_query_over_the_base_tables_for_the_same_period(string groupBy, string key)
    {
        using var ceo = await fixture.CeoAsync();
        var company = (await (await ceo.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("company").GetProperty("id").GetInt64();
        await SeedOnceAsync(ceo, company);

        var report = await (await ceo.GetAsync($"/api/analytics?groupBy={groupBy}&from=2026-03-10&to=2026-03-10")).ReadJsonAsync();
        var rows = report.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);

        var expected = await ExpectedAsync(company, key);
        rows.Keys.Should().BeEquivalentTo(expected.Keys);
        expected.Values.Sum(e => e.Finished).Should().Be(7, "seven tasks ended on the day (one more ended later)");
        foreach (var (k, e) in expected)
        {
            var row = rows[k];
            row.GetProperty("tasksFinished").GetInt64().Should().Be(e.Finished, k);
            row.GetProperty("tasksDone").GetInt64().Should().Be(e.Done, k);
            row.GetProperty("tasksFailed").GetInt64().Should().Be(e.Failed, k);
            Same(row, "failureRate", e.FailureRate, k);
            Same(row, "timeToDoneP50Ms", e.DoneP50, k);
            Same(row, "timeToDoneP95Ms", e.DoneP95, k);
            row.GetProperty("retries").GetInt64().Should().Be(e.Retries, k);
            row.GetProperty("approvalsDecided").GetInt64().Should().Be(e.Approvals, k);
            Same(row, "approvalWaitAvgMs", e.WaitAvg, k);
            Same(row, "approvalWaitP95Ms", e.WaitP95, k);
            row.GetProperty("modelCalls").GetInt64().Should().Be(e.Calls, k);
            Same(row, "modelLatencyP50Ms", e.LatencyP50, k);
            Same(row, "modelLatencyP95Ms", e.LatencyP95, k);
        }

        if (groupBy == "agent")
        {
            // Spot-check against the seeded facts, so that a wrong query on both sides cannot pass.
            var alma = report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("label").GetString()!.StartsWith("Alma", StringComparison.Ordinal));
            alma.GetProperty("tasksFinished").GetInt64().Should().Be(4);
            alma.GetProperty("tasksFailed").GetInt64().Should().Be(1);
            alma.GetProperty("retries").GetInt64().Should().Be(3);
            alma.GetProperty("timeToDoneP50Ms").GetDouble().Should().Be(120_000);
            alma.GetProperty("modelLatencyP50Ms").GetDouble().Should().Be(200);
            alma.GetProperty("approvalWaitAvgMs").GetDouble().Should().Be(300_000);
        }

        await (await ceo.GetAsync("/api/analytics?groupBy=week")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await ceo.GetAsync("/api/analytics?from=2026-03-11&to=2026-03-10")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    /// <summary>The API's figure equals the query's, both absent (null, NaN) or both within a micro-unit.</summary>
    private static void Same(JsonElement row, string name, double expected, string group)
    {
        var value = row.GetProperty(name);
        if (double.IsNaN(expected))
        {
            value.ValueKind.Should().Be(JsonValueKind.Null, $"{group}: {name}");
            return;
        }

        value.ValueKind.Should().Be(JsonValueKind.Number, $"{group}: {name}");
        value.GetDouble().Should().BeApproximately(expected, 1e-6, $"{group}: {name}");
    }

    private sealed record Expected(long Finished, long Done, long Failed, double FailureRate, double DoneP50, double DoneP95, long Retries,
        long Approvals, double WaitAvg, double WaitP95, long Calls, double LatencyP50, double LatencyP95);

    /// <summary>The same figures straight from tasks, approvals and llm_calls (not the views), for 2026-03-10.</summary>
    private async Task<Dictionary<string, Expected>> ExpectedAsync(long company, string key)
    {
        var taskKey = key.Replace("x.at", "t.finished_at", StringComparison.Ordinal);
        var tasks = await fixture.ListAsync($"""
            SELECT {taskKey} AS key, count(*), count(*) FILTER (WHERE t.status = 'done'), count(*) FILTER (WHERE t.status = 'failed'),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.finished_at - t.created_at) * 1000) FILTER (WHERE t.status = 'done'),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM t.finished_at - t.created_at) * 1000) FILTER (WHERE t.status = 'done'),
                   sum(GREATEST(t.attempt_count - 1, 0))
            FROM tasks t LEFT JOIN agents a ON a.id = t.assignee_agent_id
            WHERE t.company_id = @c AND t.status IN ('done', 'failed') AND t.finished_at >= @from AND t.finished_at < @to
            GROUP BY 1
            """, r => (Key: r.GetString(0), Values: new[] { r.GetInt64(1), r.GetInt64(2), r.GetInt64(3) }, P50: Double(r, 4), P95: Double(r, 5), Retries: Convert.ToInt64(r.GetValue(6), System.Globalization.CultureInfo.InvariantCulture)),
            ("c", company), ("from", Day.Date), ("to", Day.Date.AddDays(1)));
        var approvalKey = key.Replace("t.assignee_agent_id", "x.agent_id", StringComparison.Ordinal).Replace("x.at", "x.decided_at", StringComparison.Ordinal);
        var approvals = await fixture.ListAsync($"""
            SELECT {approvalKey} AS key, count(*), avg(extract(epoch FROM x.decided_at - x.requested_at) * 1000)::float8,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM x.decided_at - x.requested_at) * 1000)
            FROM approvals x JOIN tasks t ON t.id = x.task_id LEFT JOIN agents a ON a.id = x.agent_id
            WHERE x.company_id = @c AND x.decided_at >= @from AND x.decided_at < @to
            GROUP BY 1
            """, r => (Key: r.GetString(0), Count: r.GetInt64(1), Avg: Double(r, 2), P95: Double(r, 3)),
            ("c", company), ("from", Day.Date), ("to", Day.Date.AddDays(1)));
        var callKey = key.Replace("t.assignee_agent_id", "x.agent_id", StringComparison.Ordinal).Replace("a.department", "x.department", StringComparison.Ordinal).Replace("t.project", "x.project", StringComparison.Ordinal);
        var calls = await fixture.ListAsync($"""
            SELECT {callKey} AS key, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY x.duration_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY x.duration_ms)
            FROM llm_calls x
            WHERE x.company_id = @c AND x.at >= @from AND x.at < @to
            GROUP BY 1
            """, r => (Key: r.GetString(0), Count: r.GetInt64(1), P50: Double(r, 2), P95: Double(r, 3)),
            ("c", company), ("from", Day.Date), ("to", Day.Date.AddDays(1)));

        var keys = tasks.Select(t => t.Key).Concat(approvals.Select(a => a.Key)).Concat(calls.Select(c => c.Key)).Distinct();
        return keys.ToDictionary(k => k, k =>
        {
            var t = tasks.FirstOrDefault(x => x.Key == k);
            var a = approvals.FirstOrDefault(x => x.Key == k);
            var c = calls.FirstOrDefault(x => x.Key == k);
            var finished = t.Values?[0] ?? 0;
            return new Expected(finished, t.Values?[1] ?? 0, t.Values?[2] ?? 0, finished == 0 ? double.NaN : (double)t.Values![2] / finished,
                t.Values is null ? double.NaN : t.P50, t.Values is null ? double.NaN : t.P95, t.Retries,
                a.Count, a.Key is null ? double.NaN : a.Avg, a.Key is null ? double.NaN : a.P95,
                c.Count, c.Key is null ? double.NaN : c.P50, c.Key is null ? double.NaN : c.P95);
        });
    }

    private static double Double(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? double.NaN : Convert.ToDouble(r.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Two agents in two departments and projects, and a day of work written as the product writes it: tasks that
    /// ended (done, failed, retried), decided and pending approvals, model calls; and some work on a later day.
    /// </summary>
    private async Task SeedOnceAsync(HttpClient ceo, long company)
    {
        if (await fixture.ScalarAsync<long>("SELECT count(*) FROM tasks WHERE company_id = @c AND title LIKE 'analytics %'", ("c", company)) > 0)
        {
            return;
        }

        var alma = await ceo.HireAsync("Alma", "Analyst", "Finance");
        var bert = await ceo.HireAsync("Bert", "Writer", "Marketing");
        var a1 = await TaskAsync(company, alma, "ledger", "done", Day, Day.AddMinutes(1), attempts: 1);
        var a2 = await TaskAsync(company, alma, "ledger", "done", Day, Day.AddMinutes(2), attempts: 2);
        await TaskAsync(company, alma, "ledger", "done", Day, Day.AddMinutes(4), attempts: 1);
        await TaskAsync(company, alma, "ledger", "failed", Day, Day.AddMinutes(3), attempts: 3);
        var b1 = await TaskAsync(company, bert, "launch", "done", Day, Day.AddSeconds(30), attempts: 1);
        await TaskAsync(company, bert, "launch", "failed", Day, Day.AddMinutes(10), attempts: 1);
        await TaskAsync(company, null, null, "failed", Day, Day.AddMinutes(5), attempts: 0);
        var later = await TaskAsync(company, bert, "launch", "done", Day, Later, attempts: 2);
        await TaskAsync(company, alma, "ledger", "running", Day, null, attempts: 1);

        foreach (var (task, agent, ms, at) in new[] { (a1, alma, 100L, Day), (a1, alma, 200L, Day), (a2, alma, 900L, Day), (b1, bert, 50L, Day), (later, bert, 5000L, Later) })
        {
            await fixture.ExecuteAsync("""
                INSERT INTO llm_calls (company_id, task_id, agent_id, project, department, attempt, step, activity_id, model, input_tokens,
                                       output_tokens, cost, duration_ms, succeeded, at)
                SELECT @c, @t, @a, t.project, a.department, 1, 1, gen_random_uuid(), 'offline', 10, 5, 0, @ms, true, @at
                FROM tasks t, agents a WHERE t.id = @t AND a.id = @a
                """, ("c", company), ("t", task), ("a", agent), ("ms", ms), ("at", at));
        }

        foreach (var (task, agent, waited, status) in new[] { (a1, alma, 4, "approved"), (a2, alma, 6, "rejected"), (b1, bert, 1, "approved"), (later, bert, 0, "pending") })
        {
            await fixture.ExecuteAsync("""
                INSERT INTO approvals (company_id, task_id, agent_id, kind, action, status, step_key, requested_at, decided_at, decided_by)
                VALUES (@c, @t, @a, 'publication', 'publish the report', @status, 'step-' || @t || '-' || @status, @requested,
                        CASE WHEN @status = 'pending' THEN NULL ELSE @decided END, CASE WHEN @status = 'pending' THEN NULL ELSE 'human:1' END)
                """, ("c", company), ("t", task), ("a", agent), ("status", status), ("requested", Day.AddHours(1)), ("decided", Day.AddHours(1).AddMinutes(waited)));
        }
    }

    private async Task<long> TaskAsync(long company, long? agent, string? project, string status, DateTimeOffset created, DateTimeOffset? finished, int attempts) =>
        await fixture.ScalarAsync<long>("""
            INSERT INTO tasks (company_id, title, project, status, assignee_agent_id, created_by, attempt_count, running_since, started_at,
                               finished_at, created_at, updated_at)
            VALUES (@c, 'analytics ' || @status, NULLIF(@project, ''), @status, @agent, 'human:1', @attempts,
                    CASE WHEN @status = 'running' THEN @created END, @created, @finished, @created, @created)
            RETURNING id
            """, ("c", company), ("project", project ?? ""), ("status", status), ("agent", (object?)agent ?? DBNull.Value), ("attempts", attempts),
            ("created", created), ("finished", (object?)finished ?? DBNull.Value));
}
