using System.Net;
using System.Text.Json;
using FluidManager.Api.Operators;
using FluidManager.Runtime.Silos;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Api.Tests;

/// <summary>
/// The operators' view of the Orleans cluster: <c>/api/cluster/silos</c> reads the membership (the
/// Api is a silo itself, alone in its test cluster) and the Orleans Dashboard at <c>/orleans/</c>.
/// </summary>
public sealed class ClusterApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>Every operator-only path this feature adds, the dashboard's page, a redirect, and its JSON.</summary>
    private static readonly string[] OperatorPaths =
        ["/api/cluster/silos", "/metrics", "/orleans", "/orleans/", "/orleans/index.min.js", "/orleans/DashboardCounters", "/orleans/ClusterStats", "/orleans/Trace"];

    private ILocalSiloDetails Local => fixture.Factory.Services.GetRequiredService<ILocalSiloDetails>();

    [Fact]
    public async Task Silos_lists_the_api_own_silo_as_active_with_its_address_start_time_and_activation_count()
    {
        // A grain call, so that this silo holds at least the management grain's activation.
        await fixture.Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        using var operatorClient = await fixture.CeoAsync();

        var silos = await (await operatorClient.GetAsync("/api/cluster/silos")).ReadJsonAsync();

        var own = OwnSilo(silos);
        own.GetProperty("name").GetString().Should().Be(Local.Name);
        own.GetProperty("status").GetString().Should().Be("active");
        own.GetProperty("address").GetString().Should().Be(Local.SiloAddress.Endpoint.ToString()).And.Contain(":");
        own.GetProperty("gatewayPort").GetInt32().Should().Be(0, "the test host opens no gateway");
        own.GetProperty("hostName").GetString().Should().NotBeNullOrEmpty();
        var started = own.GetProperty("startedAt").GetDateTimeOffset();
        started.Should().BeBefore(DateTimeOffset.UtcNow).And.BeAfter(DateTimeOffset.UtcNow.AddHours(-1));
        own.GetProperty("lastAliveAt").GetDateTimeOffset().Should().BeOnOrAfter(started);
        own.GetProperty("activationCount").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        // The Api runs no pumps, so it holds no lease.
        own.GetProperty("runningActivities").GetInt64().Should().Be(0);
        own.GetProperty("leasedInboxes").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task Silos_shows_the_running_activities_and_leased_inboxes_that_each_silo_address_and_generation_holds()
    {
        var address = Local.SiloAddress;
        var tag = Guid.NewGuid().ToString("N")[..8];
        // Leases as the pumps of this silo write them (the owner derived in SQL from the membership row's
        // columns, as an operator's query would), and one of an earlier generation at the same address.
        await fixture.ExecuteAsync(
            """
            INSERT INTO runtime.activities (id, grain_type, grain_key, kind, input, status, max_attempts, timeout_ms, backoff_ms, due_at, lease_owner, lease_until, created_at, started_at)
            SELECT gen_random_uuid(), 'cluster-test', @tag || g, 'test.kind', '{}', 'running', 1, 60000, 1000, now(),
                   runtime.silo_lease_owner(@ip, @port, @generation - g + 1), now() + interval '1 hour', now(), now()
            FROM generate_series(1, 3) g;
            INSERT INTO runtime.activities (id, grain_type, grain_key, kind, input, status, max_attempts, timeout_ms, backoff_ms, due_at, lease_owner, lease_until, created_at, started_at)
            VALUES (gen_random_uuid(), 'cluster-test', @tag || '0', 'test.kind', '{}', 'running', 1, 60000, 1000, now(), runtime.silo_lease_owner(@ip, @port, @generation), now() + interval '1 hour', now(), now());
            INSERT INTO runtime.inbox (grain_type, grain_key, due_at, lease_owner, lease_until)
            VALUES ('cluster-test', @tag, now(), runtime.silo_lease_owner(@ip, @port, @generation), now() + interval '1 hour');
            """,
            ("tag", tag), ("ip", address.Endpoint.Address.ToString()), ("port", address.Endpoint.Port), ("generation", address.Generation));
        try
        {
            using var operatorClient = await fixture.CeoAsync();
            var own = OwnSilo(await (await operatorClient.GetAsync("/api/cluster/silos")).ReadJsonAsync());

            own.GetProperty("runningActivities").GetInt64().Should().Be(2, "the activities of this generation count, not those of earlier ones");
            own.GetProperty("leasedInboxes").GetInt64().Should().Be(1);
        }
        finally
        {
            await fixture.ExecuteAsync(
                "DELETE FROM runtime.activities WHERE grain_type = 'cluster-test' AND grain_key LIKE @tag || '%'; DELETE FROM runtime.inbox WHERE grain_type = 'cluster-test' AND grain_key = @tag",
                ("tag", tag));
        }
    }

    [Fact]
    public async Task Silos_keeps_a_dead_silo_listed_with_its_status_and_no_activation_count()
    {
        // The Api's silo joins on start-up, which writes the cluster's version row.
        using var operatorClient = await fixture.CeoAsync();
        // A silo that died earlier, as Orleans leaves it in the membership table (with a new table version).
        await fixture.ExecuteAsync(
            """
            INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, proxyport, suspecttimes, starttime, iamalivetime)
            VALUES ('fluid', '10.255.255.1', 11111, 1, 'silo-gone', 'gone-host', 6, 30000, NULL, now() - interval '2 hours', now() - interval '1 hour');
            UPDATE orleansmembershipversiontable SET version = version + 1, timestamp = now() WHERE deploymentid = 'fluid';
            """);

        var silos = await (await operatorClient.GetAsync("/api/cluster/silos")).ReadJsonAsync();

        var dead = silos.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "silo-gone");
        dead.GetProperty("status").GetString().Should().Be("dead");
        dead.GetProperty("address").GetString().Should().Be("10.255.255.1:11111");
        dead.GetProperty("gatewayPort").GetInt32().Should().Be(30000);
        dead.GetProperty("hostName").GetString().Should().Be("gone-host");
        dead.GetProperty("activationCount").ValueKind.Should().Be(JsonValueKind.Null);
        silos.EnumerateArray().Last().GetProperty("name").GetString().Should().Be("silo-gone", "dead silos come after the living");
        OwnSilo(silos).GetProperty("status").GetString().Should().Be("active");
    }

    [Fact]
    public async Task Silos_and_the_orleans_dashboard_answer_401_to_anonymous_callers_and_403_to_members_of_another_company()
    {
        await fixture.WorldAsync();
        using var anonymous = fixture.Anonymous();
        using var betaCeo = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        using var acmeViewer = await fixture.SignInAsync(World.AcmeViewerEmail, ApiFixture.Password);

        foreach (var path in OperatorPaths)
        {
            await (await anonymous.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
            await (await betaCeo.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await acmeViewer.GetAsync(path)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task Metrics_give_the_operator_the_cluster_figures_read_from_the_database()
    {
        using var owner = await fixture.OwnerAsync();

        var database = new Npgsql.NpgsqlConnectionStringBuilder(fixture.ConnectionString).Database;
        string Line(string metric, string? label = null) =>
            $"(?m)^{metric}\\{{(?=[^}}]*database=\"{database}\")" + (label is null ? "" : $"(?=[^}}]*{label})") + "[^}]*\\} ";

        // Other tests of this host create tasks meanwhile: compare a scrape with the count read just before
        // and just after it, at a moment when both agree.
        var (queued, text) = await FluidManager.TestSupport.Eventually.WaitAsync(
            async () =>
            {
                var before = await fixture.ScalarAsync<long>("SELECT count(*) FROM tasks WHERE status = 'queued'");
                var scraped = await MetricsAsync(owner);
                var after = await fixture.ScalarAsync<long>("SELECT count(*) FROM tasks WHERE status = 'queued'");
                return (Count: before == after ? before : -1, Text: scraped);
            },
            probe => probe.Count >= 0 && System.Text.RegularExpressions.Regex.IsMatch(probe.Text, Line("fm_tasks", "status=\"queued\"") + $"{probe.Count}( |$)"),
            TimeSpan.FromSeconds(30),
            "a scrape whose queued tasks equal the database's count");
        text.Should().MatchRegex(Line("fm_tasks", "status=\"queued\"") + $"{queued}( |$)", "the queued tasks of every company of this database are counted");
        text.Should().MatchRegex(Line("fm_silos", "status=\"active\"") + "[1-9]", "the api is an active silo of its cluster");
        text.Should().MatchRegex(Line("fm_dead_letters") + "[0-9]");
        text.Should().MatchRegex(Line("fm_model_spend_usd_total") + "[0-9]");
    }

    [Fact]
    public async Task Every_metric_the_grafana_dashboard_queries_is_exported()
    {
        using var owner = await fixture.OwnerAsync();
        (await owner.GetAsync("/api/cluster/silos")).EnsureSuccessStatusCode();
        var text = await ScrapeUntilAsync(owner, "fm_tasks{");
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "FluidManager.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("no repository root above " + AppContext.BaseDirectory);
        }

        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root.FullName, "docker", "observability", "grafana", "dashboards", "fluidmanager.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .SelectMany(expr => System.Text.RegularExpressions.Regex.Matches(expr, "\\b(fm_[a-z0-9_]+|http_server_[a-z0-9_]+)\\b").Select(m => m.Value))
            .Distinct().ToList();

        queried.Should().HaveCountGreaterThan(6);
        queried.Where(name => !System.Text.RegularExpressions.Regex.IsMatch(text, $"(?m)^{name}[{{ ]")).Should().BeEmpty("a panel must not query a metric the api does not export");
    }

    /// <summary>Scrapes until the text holds <paramref name="expected"/>: the database figures appear from the first collection after they are read.</summary>
    private static Task<string> ScrapeUntilAsync(HttpClient client, string expected) =>
        FluidManager.TestSupport.Eventually.WaitAsync(() => MetricsAsync(client), text => text.Contains(expected, StringComparison.Ordinal), TimeSpan.FromSeconds(20), $"/metrics to hold {expected}");

    private static async Task<string> MetricsAsync(HttpClient client)
    {
        var response = await client.GetAsync(OperatorMetrics.Path);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task The_orleans_dashboard_opens_to_the_operator_with_its_page_assets_and_json()
    {
        using var owner = await fixture.OwnerAsync();

        var redirect = await owner.GetAsync("/orleans");
        redirect.StatusCode.Should().Be(HttpStatusCode.MovedPermanently);
        redirect.Headers.Location!.OriginalString.Should().Be("/orleans/");

        var page = await owner.GetAsync("/orleans/");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await page.Content.ReadAsStringAsync();
        html.Should().Contain("Orleans Dashboard").And.Contain("index.min.js");

        var script = await owner.GetAsync("/orleans/index.min.js");
        script.StatusCode.Should().Be(HttpStatusCode.OK);

        var counters = await owner.GetAsync("/orleans/DashboardCounters");
        counters.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var json = await counters.ReadJsonAsync();
        json.TryGetProperty("totalActiveHostCount", out _).Should().BeTrue(json.ToString());
        json.GetProperty("hosts").ValueKind.Should().Be(JsonValueKind.Array);
    }

    [Fact]
    public async Task An_unknown_path_under_orleans_is_a_404_problem_not_the_dashboard_page()
    {
        using var owner = await fixture.OwnerAsync();
        await (await owner.GetAsync("/orleans/no-such-page")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public void Join_gives_each_silo_the_leases_of_its_own_address_and_generation_and_keeps_dead_silos_last()
    {
        var now = DateTime.UtcNow;
        var restarted = Entry("silo-1", "10.0.0.1", 2, SiloStatus.Active, now.AddMinutes(-1));
        var previous = Entry("silo-1", "10.0.0.1", 1, SiloStatus.Dead, now.AddHours(-1));
        var other = Entry("silo-2", "10.0.0.2", 1, SiloStatus.Joining, now);
        var leases = new[]
        {
            Leases(restarted, activities: 3, inboxes: 4),
            Leases(previous, activities: 1, inboxes: 0),
            new SiloLeases(Guid.NewGuid(), 9, 9), // a silo the membership table no longer lists
        }.ToDictionary(l => l.Owner);

        var silos = ClusterMembership.Join([previous, other, restarted], new Dictionary<SiloAddress, int?> { [restarted.SiloAddress] = 12 }, leases);

        silos.Select(s => (s.Name, s.Generation, s.Status)).Should().Equal(
            ("silo-1", 2, SiloStatus.Active), ("silo-2", 1, SiloStatus.Joining), ("silo-1", 1, SiloStatus.Dead));
        silos[0].Should().Match<ClusterSilo>(s => s.ActivationCount == 12 && s.RunningActivities == 3 && s.LeasedInboxes == 4 && s.Address == "10.0.0.1:11111");
        silos[1].Should().Match<ClusterSilo>(s => s.ActivationCount == null && s.RunningActivities == 0 && s.LeasedInboxes == 0, "silo-2 holds no lease");
        silos[2].Should().Match<ClusterSilo>(s => s.ActivationCount == null && s.RunningActivities == 1 && s.LeasedInboxes == 0, "a dead silo's lease shows until it expires");
        silos[0].StartedAt.Offset.Should().Be(TimeSpan.Zero);
    }

    private JsonElement OwnSilo(JsonElement silos)
    {
        var address = Local.SiloAddress;
        return silos.EnumerateArray().Single(s =>
            s.GetProperty("address").GetString() == address.Endpoint.ToString() && s.GetProperty("generation").GetInt32() == address.Generation);
    }

    private static MembershipEntry Entry(string name, string ip, int generation, SiloStatus status, DateTime started) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Parse(ip), 11111, generation),
        SiloName = name,
        HostName = name + "-host",
        Status = status,
        ProxyPort = 0,
        StartTime = DateTime.SpecifyKind(started, DateTimeKind.Unspecified),
        IAmAliveTime = started,
    };

    private static SiloLeases Leases(MembershipEntry silo, long activities, long inboxes) =>
        new(SiloIdentity.LeaseOwnerOf(silo.SiloAddress), activities, inboxes);
}
