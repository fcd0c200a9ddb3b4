using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Tools;
using FluidManager.Knowledge.SqlTool;
using FluidManager.Knowledge.Tools;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Knowledge.Tests;

public sealed class SqlToolTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    private static readonly string[] SqlTool = [AgentTools.Sql];

    [Fact]
    public async Task An_agent_reads_the_view_it_is_granted_and_is_refused_the_one_it_is_not_and_both_are_audited()
    {
        var (company, agent) = await CrmAgentAsync(["crm.customers"]);

        var customers = await RunAsync(company, agent, "SELECT id, name, country FROM crm.customers ORDER BY id LIMIT 3");
        var orders = await RunAsync(company, agent, "SELECT count(*) FROM crm.orders");

        customers.Outcome.Should().Be(SqlOutcome.Ok);
        customers.Columns.Should().Equal("id", "name", "country");
        customers.Rows.Should().HaveCount(3);
        customers.Rows[0].GetProperty("id").GetInt32().Should().Be(1);
        orders.Outcome.Should().Be(SqlOutcome.Denied);
        orders.SqlState.Should().Be("42501");
        orders.Reason.Should().Be($"permission denied for data source crm.orders: it is not granted to agent {agent} (Data sources are granted per agent by the CEO.)");
        var audit = await fixture.Sql.ListAuditAsync(company, agent, null, null, 10, CancellationToken.None);
        audit.Select(a => (a.Outcome, a.Allowed, a.Sql)).Should().Equal(
            (SqlOutcome.Denied, false, "SELECT count(*) FROM crm.orders"),
            (SqlOutcome.Ok, true, "SELECT id, name, country FROM crm.customers ORDER BY id LIMIT 3"));
        audit[1].RowCount.Should().Be(3);
        audit[0].Reason.Should().Contain("crm.orders");
    }

    [Fact]
    public async Task Granting_a_schema_grants_its_views_and_revoking_takes_effect_at_once()
    {
        var (company, agent) = await CrmAgentAsync([]);
        (await RunAsync(company, agent, "SELECT 1 FROM crm.orders LIMIT 1")).Outcome.Should().Be(SqlOutcome.Denied);

        var granted = await fixture.SqlSources.GrantAsync(company, agent, "CRM", CancellationToken.None);
        granted.Sources.Should().Equal("crm");
        granted.SqlToolEnabled.Should().BeTrue();
        (await RunAsync(company, agent, "SELECT count(*) AS n FROM crm.orders")).Rows[0].GetProperty("n").GetInt32().Should().BePositive();

        await fixture.SqlSources.RevokeAsync(company, agent, "crm");
        (await RunAsync(company, agent, "SELECT count(*) FROM crm.orders")).Outcome.Should().Be(SqlOutcome.Denied);
        await fixture.Invoking(f => f.SqlSources.GrantAsync(company, agent, "public.agents", CancellationToken.None))
            .Should().ThrowAsync<FluidManager.Grains.Interfaces.Errors.ValidationException>().WithMessage("*not a data source*");
    }

    [Fact]
    public async Task Rows_of_other_companies_are_never_visible()
    {
        var (company, agent) = await CrmAgentAsync(["crm"], customers: 40);
        var other = await fixture.CreateCompanyAsync("Other");
        await fixture.SqlSources.SeedDemoCrmAsync(other, 90, CancellationToken.None);

        var count = await RunAsync(company, agent, "SELECT count(*) AS n FROM crm.customers");
        var theirs = await RunAsync(company, agent, "SELECT count(*) AS n FROM crm.customers WHERE true OR id > 0");

        count.Rows[0].GetProperty("n").GetInt32().Should().Be(40);
        theirs.Rows[0].GetProperty("n").GetInt32().Should().Be(40);
    }

    [Fact]
    public async Task The_demo_crm_is_deterministic()
    {
        var first = await fixture.CreateCompanyAsync();
        var second = await fixture.CreateCompanyAsync();
        await fixture.SqlSources.SeedDemoCrmAsync(first, 30, CancellationToken.None);
        await fixture.SqlSources.SeedDemoCrmAsync(second, 30, CancellationToken.None);
        (await fixture.SqlSources.SeedDemoCrmAsync(first, 30, CancellationToken.None)).Should().Be(30, "seeding again keeps the rows");

        const string Digest = "SELECT md5(string_agg(format('%s|%s|%s|%s', c.id, c.name, c.country, (SELECT sum(amount) FROM crm_data.orders o WHERE o.company_id = c.company_id AND o.customer_id = c.id)), ',' ORDER BY c.id)) FROM crm_data.customers c WHERE c.company_id = @company";
        (await fixture.ScalarAsync<string>(Digest, ("company", first))).Should().Be(await fixture.ScalarAsync<string>(Digest, ("company", second)));
    }

    [Fact]
    public async Task Positional_parameters_are_bound_by_postgresql()
    {
        var (company, agent) = await CrmAgentAsync(["crm.customers"]);

        var result = await fixture.Sql.ExecuteAsync(new SqlRequest(company, agent, "SELECT id FROM crm.customers WHERE id = $1 OR name = $2", ["7", "nobody' OR '1'='1"]), CancellationToken.None);

        result.Outcome.Should().Be(SqlOutcome.Ok);
        result.Rows.Select(r => r.GetProperty("id").GetInt32()).Should().Equal(7);
    }

    [Fact]
    public async Task Results_are_cut_at_the_row_and_byte_limits()
    {
        var (company, agent) = await CrmAgentAsync(["crm"]);

        var many = await RunAsync(company, agent, "SELECT g FROM generate_series(1, 100000) g");
        var wide = await RunAsync(company, agent, "SELECT repeat('x', 40000) AS a UNION ALL SELECT repeat('y', 40000)");

        many.Outcome.Should().Be(SqlOutcome.Ok);
        many.Rows.Should().HaveCount(50);
        many.Truncated.Should().BeTrue();
        wide.Rows.Should().HaveCount(1);
        wide.Truncated.Should().BeTrue();
        wide.Bytes.Should().BeLessThanOrEqualTo(65536);
    }

    [Fact]
    public async Task Progress_views_show_the_calling_agent_and_its_reports_only()
    {
        var company = await fixture.CreateCompanyAsync();
        var manager = await fixture.HireAsync(company, "Mona", "Engineering manager", "Engineering", SqlTool, ["progress"]);
        var report = await fixture.HireAsync(company, "Rob", "Developer", "Engineering", SqlTool, ["progress"], managerId: manager.Id);
        var peer = await fixture.HireAsync(company, "Pia", "Designer", "Design", SqlTool, ["progress"]);
        var companyGrain = fixture.Grains.GetGrain<ICompanyGrain>(company);
        var managerTask = await companyGrain.CreateTaskAsync(new CreateTaskCommand { CompanyId = company, Title = "Plan the quarter", AssigneeAgentId = manager.Id });
        var reportTask = await companyGrain.CreateTaskAsync(new CreateTaskCommand { CompanyId = company, Title = "Fix the login bug", AssigneeAgentId = report.Id });
        var peerTask = await companyGrain.CreateTaskAsync(new CreateTaskCommand { CompanyId = company, Title = "Draw the logo", AssigneeAgentId = peer.Id });
        var other = await fixture.CreateCompanyAsync("Other");
        var stranger = await fixture.HireAsync(other, "Stan", "Developer", "Engineering", SqlTool, ["progress"]);
        await fixture.Grains.GetGrain<ICompanyGrain>(other).CreateTaskAsync(new CreateTaskCommand { CompanyId = other, Title = "Elsewhere", AssigneeAgentId = stranger.Id });

        async Task<long[]> TasksSeenBy(long agent) =>
            (await RunAsync(company, agent, "SELECT id FROM progress.tasks ORDER BY id")).Rows.Select(r => r.GetProperty("id").GetInt64()).ToArray();

        (await TasksSeenBy(manager.Id)).Should().Equal(managerTask.Id, reportTask.Id);
        (await TasksSeenBy(report.Id)).Should().Equal(reportTask.Id);
        (await TasksSeenBy(peer.Id)).Should().Equal(peerTask.Id);
        var kpis = await RunAsync(company, manager.Id, "SELECT agent_id, open_tasks FROM progress.kpis ORDER BY agent_id");
        kpis.Rows.Select(r => r.GetProperty("agent_id").GetInt64()).Should().Equal(manager.Id, report.Id);
        (await RunAsync(company, stranger.Id, "SELECT id FROM progress.tasks")).Outcome.Should().Be(SqlOutcome.Denied, "an agent of another company is not this company's agent");
    }

    [Fact]
    public async Task An_agent_without_the_sql_tool_is_denied_before_anything_runs()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Noel", "Writer", "Marketing", tools: [AgentTools.Rag], sqlSources: ["crm"]);

        var result = await RunAsync(company, agent.Id, "SELECT 1");

        result.Outcome.Should().Be(SqlOutcome.Denied);
        result.Reason.Should().Be("the sql tool is not enabled for this agent");
        result.AuditId.Should().BePositive();
    }

    public static TheoryData<string, string> Attacks => new()
    {
        { "insert", "INSERT INTO crm.customers (id, name) VALUES (999, 'x')" },
        { "update", "UPDATE crm_data.customers SET name = 'x'" },
        { "delete", "DELETE FROM crm_data.customers" },
        { "data-modifying with", "WITH gone AS (DELETE FROM crm_data.customers RETURNING *) SELECT * FROM gone" },
        { "create", "CREATE TABLE stolen AS SELECT * FROM crm.customers" },
        { "drop", "DROP VIEW crm.customers" },
        { "truncate", "TRUNCATE crm_data.orders" },
        { "grant", "GRANT SELECT ON crm_data.customers TO fluid_sql_reader" },
        { "multiple statements", "SELECT 1; DELETE FROM crm_data.customers" },
        { "statement after the wrapper", "SELECT 1) AS x; DELETE FROM crm_data.customers; SELECT * FROM (SELECT 1" },
        { "copy to stdout", "COPY crm_data.customers TO STDOUT" },
        { "copy to program", "COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned'" },
        { "set role", "SET ROLE fluid" },
        { "reset role", "RESET ROLE" },
        { "set_config role", "SELECT set_config('role', 'none', true)" },
        { "set_config identity", "SELECT set_config('fluid.agent_id', '1', true), o.* FROM crm.orders o" },
        { "read server file", "SELECT pg_read_file('/etc/passwd')" },
        { "list server directory", "SELECT pg_ls_dir('.')" },
        { "large object import", "SELECT lo_import('/etc/passwd')" },
        { "dblink", "SELECT * FROM dblink('dbname=postgres', 'SELECT 1') AS t(a int)" },
        { "sequence side effect", "SELECT nextval('public.agents_id_seq')" },
        { "base table", "SELECT * FROM crm_data.customers" },
        { "other tables", "SELECT id, company_id FROM public.agents" },
        { "nested query function", "SELECT query_to_xml('SELECT * FROM crm_data.customers', true, true, '')" },
        { "password hashes", "SELECT rolname, rolpassword FROM pg_authid" },
        { "terminate backends", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()" },
        { "do block", "DO $$ BEGIN DELETE FROM crm_data.customers; END $$" },
        { "comment hides the end", "SELECT 1 --\n) AS x; DELETE FROM crm_data.customers; --" },
        { "comment opens the wrapper", "SELECT 1 /*" },
        { "explain analyze", "EXPLAIN ANALYZE DELETE FROM crm_data.customers" },
        { "call", "CALL some_procedure()" },
        { "prepare", "PREPARE p AS DELETE FROM crm_data.customers" },
        { "listen", "LISTEN fluid_work" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Adversarial_statements_are_refused_and_audited(string attack, string sql)
    {
        var (company, agent) = await CrmAgentAsync(["crm.customers"]);
        var before = await fixture.ScalarAsync<long>("SELECT count(*) FROM crm_data.customers WHERE company_id = @c", ("c", company));

        var result = await RunAsync(company, agent, sql);

        result.Outcome.Should().NotBe(SqlOutcome.Ok, attack);
        result.Reason.Should().NotBeNullOrEmpty();
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM crm_data.customers WHERE company_id = @c", ("c", company))).Should().Be(before);
        (await fixture.ScalarAsync<string>("SELECT format('%s|%s', outcome, sql_text) FROM sql_audit WHERE id = @id", ("id", result.AuditId)))
            .Should().Be($"{result.Outcome.ToString().ToLowerInvariant()}|{sql}");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'stolen'")).Should().Be(0);
        File.Exists("/tmp/pwned").Should().BeFalse();
    }

    [Theory]
    [InlineData("INSERT INTO crm.customers (id, name) VALUES (999, 'x')", "42501")]
    [InlineData("DELETE FROM crm_data.customers", "42501")]
    [InlineData("CREATE TABLE stolen (a int)", "25006")]
    [InlineData("COPY crm_data.customers TO STDOUT", "42501")]
    [InlineData("SELECT * FROM crm_data.customers", "42501")]
    [InlineData("SELECT * FROM crm.orders", "42501")]
    [InlineData("UPDATE crm.customers SET name = 'x'", "42501")]
    public async Task Without_the_single_query_wrapper_the_role_and_the_read_only_transaction_still_refuse(string sql, string sqlState)
    {
        var (company, agent) = await CrmAgentAsync(["crm.customers"]);
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var setup = new Npgsql.NpgsqlCommand(
            $"SET TRANSACTION READ ONLY; SELECT set_config('fluid.agent_id', '{agent}', true), set_config('fluid.company_id', '{company}', true); SET LOCAL ROLE fluid_sql_reader", connection, transaction))
        {
            await setup.ExecuteNonQueryAsync();
        }

        await using var command = new Npgsql.NpgsqlCommand(sql, connection, transaction);
        var act = () => command.ExecuteNonQueryAsync();

        (await act.Should().ThrowAsync<Npgsql.PostgresException>()).Which.SqlState.Should().Be(sqlState);
    }

    [Fact]
    public async Task A_slow_statement_is_cancelled_by_the_statement_timeout()
    {
        var (company, agent) = await CrmAgentAsync(["crm"]);

        var result = await RunAsync(company, agent, "SELECT pg_sleep(30)");

        result.Outcome.Should().Be(SqlOutcome.Timeout);
        result.Reason.Should().Contain("statement timeout");
        result.DurationMs.Should().BeLessThan(10_000);
    }

    [Fact]
    public async Task Harmless_side_effects_do_not_outlive_the_statement()
    {
        var (company, agent) = await CrmAgentAsync(["crm"]);

        var locked = await RunAsync(company, agent, "SELECT pg_advisory_lock(424242) AS locked");
        var notified = await RunAsync(company, agent, "SELECT pg_notify('fluid_work', 'x') AS n");

        locked.Outcome.Should().Be(SqlOutcome.Ok);
        notified.Outcome.Should().Be(SqlOutcome.Ok);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 424242")).Should().Be(0);
    }

    [Fact]
    public async Task Catalog_snooping_reveals_no_other_company_data()
    {
        var (company, agent) = await CrmAgentAsync(["crm"], customers: 20);
        var other = await fixture.CreateCompanyAsync("Rival");
        await fixture.SqlSources.SeedDemoCrmAsync(other, 50, CancellationToken.None);
        await fixture.ExecuteAsync("ANALYZE crm_data.customers");

        var stats = await RunAsync(company, agent, "SELECT attname, most_common_vals::text FROM pg_stats WHERE schemaname = 'crm_data'");
        var activity = await RunAsync(company, agent, "SELECT query FROM pg_stat_activity WHERE pid <> pg_backend_pid()");
        var who = await RunAsync(company, agent, "SELECT current_user AS who, session_user AS login");

        stats.Outcome.Should().Be(SqlOutcome.Denied);
        stats.Reason.Should().StartWith("permission denied for view pg_stats");
        activity.Outcome.Should().Be(SqlOutcome.Denied);
        activity.Reason.Should().StartWith("permission denied for");
        who.Rows[0].GetProperty("who").GetString().Should().Be(SqlToolExecutor.ReaderRole);
        who.Rows[0].GetProperty("login").GetString().Should().Be(SqlToolConnection.LoginRole);
    }

    [Theory]
    [InlineData("SELECT relname FROM pg_class", "permission denied for table pg_class")]
    [InlineData("SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'", "permission denied for table pg_class")]
    [InlineData("SELECT tablename FROM pg_tables", "permission denied for view pg_tables")]
    [InlineData("SELECT table_schema, table_name FROM information_schema.tables", "permission denied for schema information_schema")]
    [InlineData("SELECT column_name FROM information_schema.columns WHERE table_name = 'agents'", "permission denied for schema information_schema")]
    [InlineData("SELECT nspname FROM pg_namespace", "permission denied for table pg_namespace")]
    [InlineData("SELECT proname, prosrc FROM pg_proc", "permission denied for table pg_proc")]
    [InlineData("SELECT rolname, rolsuper FROM pg_roles", "permission denied for view pg_roles")]
    [InlineData("SELECT usename FROM pg_user", "permission denied for view pg_user")]
    [InlineData("SELECT datname FROM pg_database", "permission denied for table pg_database")]
    [InlineData("SELECT roleid, member FROM pg_auth_members", "permission denied for table pg_auth_members")]
    [InlineData("SELECT name, setting FROM pg_settings", "permission denied for view pg_settings")]
    [InlineData("SELECT current_setting('data_directory') AS d", "permission denied for function current_setting")]
    [InlineData("SELECT current_setting('fluid.company_id', true) AS c", "permission denied for function current_setting")]
    [InlineData("SELECT version() AS v", "permission denied for function version")]
    [InlineData("SELECT inet_server_addr() AS a", "permission denied for function inet_server_addr")]
    [InlineData("SELECT inet_server_port() AS p", "permission denied for function inet_server_port")]
    [InlineData("SELECT current_database() AS d", "permission denied for function current_database")]
    [InlineData("SELECT pid, usename, query FROM pg_stat_activity", "permission denied for view pg_stat_activity")]
    [InlineData("SELECT * FROM pg_stat_get_activity(NULL)", "permission denied for function pg_stat_get_activity")]
    [InlineData("SELECT pg_get_viewdef('progress.tasks'::regclass) AS d", "permission denied for function pg_get_viewdef")]
    [InlineData("SELECT name FROM pg_show_all_settings()", "permission denied for function pg_show_all_settings")]
    public async Task Catalog_and_server_information_is_refused_with_a_reason_that_names_it(string sql, string reason)
    {
        var (company, agent) = await CrmAgentAsync(["crm", "progress"]);

        var result = await RunAsync(company, agent, sql);

        result.Outcome.Should().Be(SqlOutcome.Denied, sql);
        result.SqlState.Should().Be("42501");
        result.Reason.Should().StartWith(reason).And.Contain("the database catalog, server settings and other tables are not readable");
        result.Rows.Should().BeEmpty();
        (await fixture.ScalarAsync<string>("SELECT outcome FROM sql_audit WHERE id = @id", ("id", result.AuditId))).Should().Be("denied");
    }

    [Theory]
    [InlineData("SET ROLE fluid_app")]
    [InlineData("SET SESSION AUTHORIZATION fluid_app")]
    [InlineData("SET SESSION AUTHORIZATION DEFAULT")]
    [InlineData("SELECT set_config('role', 'fluid_app', false)")]
    [InlineData("SELECT set_config('session_authorization', 'fluid_app', false)")]
    [InlineData("SELECT 1) AS x; SET ROLE fluid_app; SELECT * FROM (SELECT 1")]
    [InlineData("SELECT 1) AS x; RESET ROLE; SELECT * FROM (SELECT 1")]
    public async Task The_tool_session_cannot_become_the_product_role(string sql)
    {
        var (company, agent) = await CrmAgentAsync(["crm"]);

        var attempt = await RunAsync(company, agent, sql);
        var who = await RunAsync(company, agent, "SELECT current_user AS who, session_user AS login");
        var tables = await RunAsync(company, agent, "SELECT count(*) AS n FROM public.agents");

        attempt.Outcome.Should().NotBe(SqlOutcome.Ok, sql);
        attempt.Reason.Should().NotBeNullOrEmpty();
        who.Rows[0].GetProperty("who").GetString().Should().Be(SqlToolExecutor.ReaderRole);
        who.Rows[0].GetProperty("login").GetString().Should().Be(SqlToolConnection.LoginRole);
        tables.Outcome.Should().Be(SqlOutcome.Denied);
        tables.Reason.Should().StartWith("permission denied for schema public");
    }

    [Fact]
    public async Task Another_companys_view_shows_nothing_of_it()
    {
        var (company, agent) = await CrmAgentAsync(["crm"], customers: 10);
        var (rival, rivalAgent) = await CrmAgentAsync(["crm"], customers: 70);
        var rivalEmail = await fixture.ScalarAsync<string>("SELECT email FROM crm_data.customers WHERE company_id = @c AND id = 60", ("c", rival));

        var mine = await RunAsync(company, agent, "SELECT count(*) AS n, max(id) AS top FROM crm.customers");
        var probe = await RunAsync(company, agent, "SELECT id FROM crm.customers WHERE email = $1 UNION ALL SELECT id FROM crm.orders WHERE customer_id > 10", rivalEmail);
        var borrowed = await RunAsync(company, rivalAgent, "SELECT count(*) AS n FROM crm.customers");

        mine.Rows[0].GetProperty("n").GetInt32().Should().Be(10);
        mine.Rows[0].GetProperty("top").GetInt32().Should().Be(10);
        probe.Outcome.Should().Be(SqlOutcome.Ok);
        probe.Rows.Should().BeEmpty();
        borrowed.Outcome.Should().Be(SqlOutcome.Denied, "an agent of another company is not an agent of this one");
        borrowed.Rows.Should().BeEmpty();
    }

    [Fact]
    public async Task The_product_and_the_tool_log_in_with_roles_that_are_not_superusers()
    {
        (await fixture.ScalarAsync<string>("SELECT current_user::text")).Should().Be("fluid_app");
        (await fixture.ScalarAsync<bool>("SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls FROM pg_roles WHERE rolname = current_user")).Should().BeFalse();
        (await fixture.ScalarAsync<string>("""
            SELECT format('%s|%s|%s|%s', r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls OR r.rolreplication, r.rolinherit, r.rolcanlogin,
                          (SELECT string_agg(g.rolname, ',') FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid))
            FROM pg_roles r WHERE r.rolname = 'fluid_sql_tool'
            """)).Should().Be("f|f|t|fluid_sql_reader", "the tool's login holds nothing and may become the reader only");
        (await fixture.ScalarAsync<bool>("SELECT has_table_privilege('fluid_sql_tool', 'pg_catalog.pg_class', 'SELECT') OR has_function_privilege('fluid_sql_tool', 'pg_catalog.version()', 'EXECUTE')")).Should().BeFalse();
        (await fixture.ScalarAsync<bool>("SELECT has_schema_privilege('fluid_sql_tool', 'public', 'USAGE') OR has_schema_privilege('fluid_sql_reader', 'public', 'USAGE')")).Should().BeFalse();
    }

    [Fact]
    public async Task A_tool_connection_that_logs_in_as_the_product_role_disables_the_tool()
    {
        var (company, agent) = await CrmAgentAsync(["crm"]);
        await using var executor = new SqlToolExecutor(
            fixture.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), new SqlToolConnection(fixture.ConnectionString),
            fixture.Services.GetRequiredService<FluidManager.Knowledge.Audit.DenialRecorder>(), fixture.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KnowledgeOptions>>(),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqlToolExecutor>.Instance);

        var result = await executor.ExecuteAsync(new SqlRequest(company, agent, "SELECT count(*) AS n FROM crm.customers"), CancellationToken.None);

        result.Outcome.Should().Be(SqlOutcome.Error);
        result.Reason.Should().Be($"the sql tool is disabled: its login role fluid_app ({SqlToolConnection.ConnectionStringKey}) must be a NOINHERIT role without attributes that owns nothing and is a member of {SqlToolExecutor.ReaderRole} only");
    }

    [Fact]
    public void The_tool_connection_string_defaults_to_the_tool_role_with_a_password_derived_from_the_products()
    {
        var empty = new ConfigurationBuilder().Build();
        var configured = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [SqlToolConnection.ConnectionStringKey] = "Host=db;Username=reader;Password=own;Database=fluid" }).Build();

        var derived = new Npgsql.NpgsqlConnectionStringBuilder(SqlToolConnection.From(empty, "Host=db;Username=fluid_app;Password=secret;Database=fluid").ConnectionString);
        var explicitly = new Npgsql.NpgsqlConnectionStringBuilder(SqlToolConnection.From(configured, "Host=db;Username=fluid_app;Password=secret;Database=fluid").ConnectionString);

        (derived.Host, derived.Database, derived.Username).Should().Be(("db", "fluid", "fluid_sql_tool"));
        derived.Password.Should().Be(SqlToolConnection.DerivePassword("secret")).And.NotContain("secret").And.HaveLength(64);
        (explicitly.Username, explicitly.Password).Should().Be(("reader", "own"));
    }

    [Fact]
    public async Task The_reader_role_holds_select_on_the_catalogued_views_and_nothing_else()
    {
        var readable = await fixture.ScalarAsync<string>("""
            SELECT string_agg(n.nspname || '.' || c.relname, ',' ORDER BY n.nspname || '.' || c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND (has_table_privilege('fluid_sql_reader', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') )
            """);
        var catalogued = await fixture.ScalarAsync<string>("SELECT string_agg(name, ',' ORDER BY name) FROM sql_sources WHERE kind = 'view'");

        readable.Should().Be(catalogued);
        (await fixture.ScalarAsync<bool>("SELECT has_function_privilege('fluid_sql_reader', 'pg_catalog.set_config(text, text, boolean)', 'EXECUTE')")).Should().BeFalse();
    }

    [Fact]
    public async Task The_sql_tool_answers_rows_as_json_lines_and_refusals_as_denials()
    {
        var (company, agent) = await CrmAgentAsync(["crm.customers"]);
        var tool = new SqlQueryTool(fixture.Sql);

        var ok = await tool.ExecuteAsync(new ToolInvocation(company, agent, 5, """{"sql":"SELECT id FROM crm.customers WHERE id <= $1 ORDER BY id","params":[2]}"""), CancellationToken.None);
        var denied = await tool.ExecuteAsync(new ToolInvocation(company, agent, 5, """{"sql":"SELECT * FROM crm.orders"}"""), CancellationToken.None);

        ok.Status.Should().Be(AgentToolStatus.Ok);
        ok.Text.Should().Be("2 row(s):\n{\"id\":1}\n{\"id\":2}\n");
        ok.Metadata!.Value.GetProperty("auditId").GetInt64().Should().BePositive();
        denied.Status.Should().Be(AgentToolStatus.Denied);
        denied.Text.Should().StartWith("denied: permission denied for data source crm.orders");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM sql_audit WHERE task_id = 5 AND agent_id = @a", ("a", agent))).Should().Be(2);
    }

    private async Task<(long Company, long Agent)> CrmAgentAsync(string[] sources, int customers = 25)
    {
        var company = await fixture.CreateCompanyAsync();
        await fixture.SqlSources.SeedDemoCrmAsync(company, customers, CancellationToken.None);
        var agent = await fixture.HireAsync(company, "Quinn", "Analyst", "Sales", SqlTool, sources);
        return (company, agent.Id);
    }

    private Task<SqlResult> RunAsync(long company, long agent, string sql, params string?[] parameters) =>
        fixture.Sql.ExecuteAsync(new SqlRequest(company, agent, sql, parameters), CancellationToken.None);
}
