using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using FluidManager.Grains;
using FluidManager.Models.Scripted;
using FluidManager.Runtime.Hosting;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// The real Api and a silo running the agent loop (scripted models) on a database of their own, with the
/// reference MCP servers of test/tools. Every log line of both hosts and every API response body is kept,
/// so a test can look for a secret in all of them.
/// </summary>
public sealed class McpFixture : DatabaseFixture
{
    public const string OwnerEmail = "owner@fluid.local";
    public const string OwnerPassword = "owner-password-for-mcp-tests";

    private readonly string _storage = Directory.CreateTempSubdirectory("fluid-mcp-objects-").FullName;
    private WebApplicationFactory<Program>? _factory;
    private IHost? _silo;
    private string? _token;

    protected override Assembly[] MigrationAssemblies =>
        [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly, typeof(KnowledgeHostingExtensions).Assembly];

    /// <summary>Every line both hosts logged.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Every response body the API clients of this fixture received.</summary>
    public ConcurrentQueue<string> Responses { get; } = new();

    /// <summary>The silo's services (its activities run the tool calls).</summary>
    public IServiceProvider SiloServices => (_silo ?? throw new InvalidOperationException("not initialised")).Services;

    /// <summary>The silo's scenario library: its activities make the model calls.</summary>
    public ScenarioLibrary Scenarios => (_silo ?? throw new InvalidOperationException("not initialised")).Services.GetRequiredService<ScenarioLibrary>();

    public string EverythingServer { get; private set; } = "";

    public string FilesystemServer { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        EverythingServer = await NodeTestTools.PathAsync("@modelcontextprotocol", "server-everything", "dist", "index.js");
        FilesystemServer = await NodeTestTools.PathAsync("@modelcontextprotocol", "server-filesystem", "dist", "index.js");
        await base.InitializeAsync();
        var cluster = TestSilos.ClusterSettings(TestSilos.NewClusterId("mcp"));
        cluster["Fluid:Knowledge:Mcp:HealthInterval"] = "00:00:00";
        cluster["Fluid:Knowledge:Mcp:AllowedCommands:0"] = "node";
        var settings = KnowledgeFixture.SiloSettings(ConnectionString, _storage, cluster);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings.Where(s => s.Key != "Fluid:Runtime:MigrateOnStart"))
            {
                b.UseSetting(key, value);
            }

            b.UseSetting("Fluid:Silo:Name", "api");
            b.UseSetting("Fluid:Bootstrap:OwnerPassword", OwnerPassword);
            b.UseEnvironment("Testing");
            b.ConfigureLogging(l => Capture(l));
        });
        _factory.CreateClient().Dispose(); // starts the Api: migrations and the bootstrap company
        _silo = await TestSilos.StartHostAsync(settings, builder =>
        {
            Capture(builder.Logging);
            KnowledgeFixture.AddSilo(builder, new GatedEmbeddingModel(), agentWork: true);
        });
        await TestSilos.WaitForActiveSilosAsync([_factory.Services, _silo.Services], 2);
    }

    public override async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await TestSilos.StopHostAsync(_silo);
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        Directory.Delete(_storage, recursive: true);
        await base.DisposeAsync();
    }

    /// <summary>A client acting as the CEO of the bootstrap company (an API token), whose response bodies are kept.</summary>
    public async Task<HttpClient> CeoAsync()
    {
        var factory = _factory ?? throw new InvalidOperationException("not initialised");
        if (_token is null)
        {
            using var owner = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
            (await owner.PostAsJsonAsync("/api/auth/login", new { email = OwnerEmail, password = OwnerPassword })).StatusCode.Should().Be(HttpStatusCode.OK);
            var created = await owner.PostAsJsonAsync("/api/tokens", new { name = "mcp-tests" });
            created.StatusCode.Should().Be(HttpStatusCode.Created);
            _token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        }

        var client = factory.CreateDefaultClient(new CapturingHandler(Responses));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return client;
    }

    /// <summary>Keeps the hosts' lines (the MCP SDK's at every level), whatever the hosts' own filters.</summary>
    private void Capture(ILoggingBuilder logging)
    {
        logging.AddProvider(new CapturingLoggerProvider(Logs));
        logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Information);
        logging.AddFilter<CapturingLoggerProvider>("FluidManager", LogLevel.Debug);
        logging.AddFilter<CapturingLoggerProvider>("ModelContextProtocol", LogLevel.Trace);
    }

    private sealed class CapturingHandler(ConcurrentQueue<string> bodies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            bodies.Enqueue($"{request.Method} {request.RequestUri}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            return response;
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
