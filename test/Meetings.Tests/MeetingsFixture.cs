using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using FluidManager.Grains;
using FluidManager.Grains.Work;
using FluidManager.Models.Hosting;
using FluidManager.Runtime.Hosting;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

[assembly: TestFramework(SharedFixtureFramework.TypeName, SharedFixtureFramework.AssemblyName)]

namespace FluidManager.Meetings.Tests;

/// <summary>
/// The real Api (in a test server) and a silo (pumps, agent work, offline and scripted models) on one
/// migrated database, together one Orleans cluster, sharing a notification channel so the Api's live hub
/// sees the silo's events. Scripted scenarios are files in a folder every silo reads. The test classes of
/// <see cref="MeetingsFixture"/> share one; each class works in a company of its own.
/// </summary>
public class MeetingsCluster : DatabaseFixture
{
    private readonly string _storage = Directory.CreateTempSubdirectory("fluid-meetings-objects-").FullName;
    private readonly string _scenarios = Directory.CreateTempSubdirectory("fluid-meetings-scenarios-").FullName;
    private readonly string _channel = "meet_" + Guid.NewGuid().ToString("N")[..12];
    private readonly Dictionary<string, string?> _cluster = TestSilos.ClusterSettings(TestSilos.NewClusterId("meetings"));
    private WebApplicationFactory<Program>? _api;
    private IHost? _silo;

    protected override Assembly[] MigrationAssemblies => [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly];

    protected override string Prefix => "Meetings";

    /// <summary>Whether the cluster starts a silo in this process besides the Api.</summary>
    protected virtual bool StartSilo => true;

    public WebApplicationFactory<Program> Api => _api ?? throw new InvalidOperationException("The cluster is not started.");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            // The silos' settings (grains of any silo may run on the Api: they price calls alike); the Api migrates.
            foreach (var (key, value) in SiloSettings("api").Where(s => s.Key != "Fluid:Runtime:MigrateOnStart"))
            {
                b.UseSetting(key, value);
            }

            b.UseSetting("Fluid:Bootstrap:OwnerPassword", MeetingsFixture.OwnerPassword);
            b.UseEnvironment("Testing");
        });
        _api.CreateClient().Dispose(); // starts the Api: migrations and the bootstrap owner
        if (StartSilo)
        {
            _silo = await StartSiloAsync("meetings-silo");
            await TestSilos.WaitForActiveSilosAsync([_api.Services, _silo.Services], 2);
        }
    }

    public override async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await TestSilos.StopHostAsync(_silo);
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        Directory.Delete(_storage, recursive: true);
        Directory.Delete(_scenarios, recursive: true);
        await base.DisposeAsync();
    }

    /// <summary>The settings of a test silo, as configuration keys (a silo process gets them as environment variables).</summary>
    public Dictionary<string, string?> SiloSettings(string name) => new(_cluster)
    {
        ["ConnectionStrings:Fluid"] = ConnectionString,
        ["Fluid:Runtime:MigrateOnStart"] = "false",
        ["Fluid:Runtime:ChannelPrefix"] = _channel,
        ["Fluid:Silo:Name"] = name,
        ["Fluid:Silo:PollInterval"] = "00:00:00.050",
        ["Fluid:Silo:ActivityLease"] = "00:00:02",
        ["Fluid:Silo:HeartbeatInterval"] = "00:00:00.500",
        ["Fluid:Storage:Path"] = _storage,
        ["Fluid:Models:Allowed:0"] = "offline",
        ["Fluid:Models:Allowed:1"] = "scripted:*",
        ["Fluid:Models:Scripted:ScenarioPath"] = _scenarios,
        ["Fluid:Models:Prices:scripted:InputPerMillion"] = MeetingsFixture.ScriptedPerMillion.ToString(CultureInfo.InvariantCulture),
        ["Fluid:Models:Prices:scripted:OutputPerMillion"] = MeetingsFixture.ScriptedPerMillion.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A silo host in this process, registered like src/Silo's Program.cs (without knowledge, which meetings do not use).</summary>
    public Task<IHost> StartSiloAsync(string name) => TestSilos.StartHostAsync(SiloSettings(name), builder =>
    {
        builder.AddFluidRuntime();
        builder.AddFluidSilo();
        builder.AddGrains();
        builder.AddModels();
        builder.AddAgentWork();
        builder.AddSiloPumps();
    });

    /// <summary>Writes scenario <paramref name="name"/> (model id <c>scripted:{name}</c>) where every silo reads it.</summary>
    public Task AddScenarioAsync(string name, string json) => File.WriteAllTextAsync(Path.Combine(_scenarios, name + ".json"), json);
}

/// <summary>The Api alone: silos are started by the test (a silo process to kill, then a survivor).</summary>
public sealed class ApiOnlyCluster : MeetingsCluster
{
    protected override bool StartSilo => false;
}

/// <summary>
/// What a test class sees of a <see cref="MeetingsCluster"/> (by default the one the assembly shares): the
/// Api, and a company of the class's own whose ceo, the bootstrap owner, is signed in as <see cref="Ceo"/>.
/// </summary>
public class MeetingsFixture : DatabaseFixture
{
    public const string OwnerEmail = "owner@fluid.local";
    public const string OwnerPassword = "owner-password-for-tests";

    /// <summary>Prices of the test models, USD per million tokens: scripted calls cost a tenth of a cent per token.</summary>
    public const decimal ScriptedPerMillion = 1000m;

    private MeetingsCluster? _cluster;
    private HttpClient? _ceo;

    protected override Assembly[] MigrationAssemblies => [];

    private MeetingsCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not initialised.");

    public WebApplicationFactory<Program> Api => Cluster.Api;

    /// <summary>The CEO of the class's company (the bootstrap owner, who created it), signed in with a session cookie.</summary>
    public HttpClient Ceo => _ceo ?? throw new InvalidOperationException("The fixture is not initialised.");

    public string SessionCookie { get; private set; } = "";

    public long CompanyId { get; private set; }

    public long CeoUserId { get; private set; }

    public override async Task InitializeAsync()
    {
        _cluster = await JoinAsync();
        UseSharedDatabase(_cluster.ConnectionString);
        _ceo = Api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        SessionCookie = await SignInAsync(companyId: null);
        _ceo.DefaultRequestHeaders.Add("Cookie", SessionCookie);
        var company = await PostAsync("/api/companies", new { name = "Acme", slug = $"acme-{Guid.NewGuid():N}"[..17] }, HttpStatusCode.Created);
        SessionCookie = await SignInAsync(company.GetProperty("id").GetInt64());
        _ceo.DefaultRequestHeaders.Remove("Cookie");
        _ceo.DefaultRequestHeaders.Add("Cookie", SessionCookie);
        var me = await _ceo.GetFromJsonAsync<JsonElement>("/api/auth/me");
        CompanyId = me.GetProperty("company").GetProperty("id").GetInt64();
        CeoUserId = me.GetProperty("user").GetProperty("id").GetInt64();
    }

    public override async Task DisposeAsync()
    {
        _ceo?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>The cluster the tests run on.</summary>
    protected virtual async Task<MeetingsCluster> JoinAsync() => await AssemblyFixture.GetAsync<MeetingsCluster>();

    private async Task<string> SignInAsync(long? companyId)
    {
        var login = await Ceo.PostAsJsonAsync("/api/auth/login", new { email = OwnerEmail, password = OwnerPassword, companyId });
        login.StatusCode.Should().Be(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        return login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("fluid.session=", StringComparison.Ordinal)).Split(';')[0];
    }

    /// <summary>The settings of a test silo, as configuration keys (a silo process gets them as environment variables).</summary>
    public Dictionary<string, string?> SiloSettings(string name) => Cluster.SiloSettings(name);

    /// <summary>A silo host in this process that joins the cluster.</summary>
    public Task<IHost> StartSiloAsync(string name) => Cluster.StartSiloAsync(name);

    public static Task StopAsync(IHost host) => TestSilos.StopHostAsync(host);

    /// <summary>Writes scenario <paramref name="name"/> (model id <c>scripted:{name}</c>) where every silo reads it.</summary>
    public Task AddScenarioAsync(string name, string json) => Cluster.AddScenarioAsync(name, json);

    /// <summary>A live hub connection as the CEO.</summary>
    public Task<HubClient> ConnectHubAsync() => HubClient.ConnectAsync(Api.Server, SessionCookie);

    /// <summary>Hires an agent through the Api; returns its id.</summary>
    public async Task<long> HireAsync(string firstName, string role, string department, long? managerId = null, string model = "offline")
    {
        var response = await Ceo.PostAsJsonAsync("/api/agents", new
        {
            profile = new
            {
                firstName,
                lastName = "Test",
                role,
                department,
                model,
                systemPrompt = $"You are {firstName} Test, the {role} of the company.",
                styleGuidelines = "Short sentences.",
            },
            managerAgentId = managerId,
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public async Task<JsonElement> PostAsync(string path, object? body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = body is null ? await Ceo.PostAsync(path, null) : await Ceo.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }

    public async Task<JsonElement> PatchAsync(string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Ceo.PatchAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Ceo.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>Polls the meeting until it reaches one of <paramref name="statuses"/>.</summary>
    public async Task<JsonElement> WaitForMeetingAsync(long meetingId, string[] statuses, TimeSpan? timeout = null)
    {
        var meeting = await Eventually.WaitAsync(
            () => GetAsync($"/api/meetings/{meetingId}"),
            m => statuses.Contains(m.GetProperty("status").GetString()),
            timeout ?? TimeSpan.FromSeconds(90),
            $"meeting {meetingId} to be {string.Join("/", statuses)}");
        return meeting;
    }
}

/// <summary>A cluster of the test class's own, the Api alone: the test starts the silos (a silo process to kill, then a survivor).</summary>
public sealed class ApiOnlyFixture : MeetingsFixture
{
    private ApiOnlyCluster? _own;

    protected override async Task<MeetingsCluster> JoinAsync()
    {
        _own = new ApiOnlyCluster();
        await _own.InitializeAsync();
        return _own;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_own is not null)
        {
            await _own.DisposeAsync();
        }
    }
}
