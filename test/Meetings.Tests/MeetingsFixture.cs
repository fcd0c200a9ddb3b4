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
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FluidManager.Meetings.Tests;

/// <summary>
/// The real Api (in a test server) and a silo (pumps, agent work, offline and scripted models) on one
/// migrated database, sharing a notification channel so the Api's live hub sees the silo's events.
/// Scripted scenarios are files in a folder both the silo and silo processes read. The owner of the
/// bootstrap company is signed in as <see cref="Ceo"/>. Subclasses may run without the in-process silo.
/// </summary>
public class MeetingsFixture : DatabaseFixture
{
    public const string OwnerEmail = "owner@fluid.local";
    public const string OwnerPassword = "owner-password-for-tests";

    /// <summary>Prices of the test models, USD per million tokens: scripted calls cost a tenth of a cent per token.</summary>
    public const decimal ScriptedPerMillion = 1000m;

    private readonly string _storage = Directory.CreateTempSubdirectory("fluid-meetings-objects-").FullName;
    private readonly string _scenarios = Directory.CreateTempSubdirectory("fluid-meetings-scenarios-").FullName;
    private readonly string _channel = "meet_" + Guid.NewGuid().ToString("N")[..12];
    private WebApplicationFactory<Program>? _api;
    private IHost? _silo;
    private HttpClient? _ceo;

    protected override Assembly[] MigrationAssemblies => [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly];

    /// <summary>Whether the fixture runs a silo in this process from the start.</summary>
    protected virtual bool StartSilo => true;

    public WebApplicationFactory<Program> Api => _api ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>The CEO (owner of the bootstrap company), signed in with a session cookie.</summary>
    public HttpClient Ceo => _ceo ?? throw new InvalidOperationException("The fixture is not initialised.");

    public string SessionCookie { get; private set; } = "";

    public long CompanyId { get; private set; }

    public long CeoUserId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Fluid", ConnectionString);
            b.UseSetting("Fluid:Cluster:SiloPort", "0");
            b.UseSetting("Fluid:Cluster:GatewayPort", "0");
            b.UseSetting("Fluid:Bootstrap:OwnerPassword", OwnerPassword);
            b.UseSetting("Fluid:Storage:Path", _storage);
            b.UseSetting("Fluid:Runtime:ChannelPrefix", _channel);
            b.UseEnvironment("Testing");
        });
        _ceo = _api.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var login = await _ceo.PostAsJsonAsync("/api/auth/login", new { email = OwnerEmail, password = OwnerPassword });
        login.StatusCode.Should().Be(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        SessionCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("fluid.session=", StringComparison.Ordinal)).Split(';')[0];
        _ceo.DefaultRequestHeaders.Add("Cookie", SessionCookie);
        var me = await _ceo.GetFromJsonAsync<JsonElement>("/api/auth/me");
        CompanyId = me.GetProperty("company").GetProperty("id").GetInt64();
        CeoUserId = me.GetProperty("user").GetProperty("id").GetInt64();
        if (StartSilo)
        {
            _silo = await StartSiloAsync("meetings-silo");
        }
    }

    public override async Task DisposeAsync()
    {
        _ceo?.Dispose();
        if (_silo is not null)
        {
            await StopAsync(_silo);
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
    public Dictionary<string, string?> SiloSettings(string name) => new()
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
        ["Fluid:Models:Prices:scripted:InputPerMillion"] = ScriptedPerMillion.ToString(CultureInfo.InvariantCulture),
        ["Fluid:Models:Prices:scripted:OutputPerMillion"] = ScriptedPerMillion.ToString(CultureInfo.InvariantCulture),
    };

    public async Task<IHost> StartSiloAsync(string name)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(SiloSettings(name));
        builder.Logging.AddFilter(_ => false);
        builder.AddFluidRuntime();
        builder.AddGrains();
        builder.AddModels();
        builder.AddAgentWork();
        builder.AddSiloPumps();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task StopAsync(IHost host)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(stop.Token);
        host.Dispose();
    }

    /// <summary>Writes scenario <paramref name="name"/> (model id <c>scripted:{name}</c>) where every silo reads it.</summary>
    public Task AddScenarioAsync(string name, string json) => File.WriteAllTextAsync(Path.Combine(_scenarios, name + ".json"), json);

    /// <summary>A live hub connection as the CEO.</summary>
    public async Task<HubClient> ConnectHubAsync()
    {
        var client = Api.Server.CreateWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Cookie = SessionCookie;
        var socket = await client.ConnectAsync(new Uri(Api.Server.BaseAddress, "/hubs/events"), CancellationToken.None);
        return await HubClient.ConnectAsync(socket);
    }

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

/// <summary>The Api alone: silos are started by the test (a silo process to kill, then a survivor).</summary>
public sealed class ApiOnlyFixture : MeetingsFixture
{
    protected override bool StartSilo => false;
}
