using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using FluidManager.Grains;
using FluidManager.Runtime.Hosting;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace FluidManager.Knowledge.Tests;

/// <summary>
/// The real Api host on its own database, next to a silo host on the same database and object storage,
/// together one Orleans cluster (the Api never runs activities: the silo ingests the uploaded documents).
/// Its webhooks may deliver to the tests' receivers on the loopback network.
/// </summary>
public class KnowledgeApiFixture : DatabaseFixture
{
    public const string OwnerEmail = "owner@fluid.local";
    public const string OwnerPassword = "owner-password-for-knowledge-tests";
    public const long MaxDocumentBytes = 200_000;

    private readonly string _storage = Directory.CreateTempSubdirectory("fluid-knowledge-api-objects-").FullName;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private WebApplicationFactory<Program>? _factory;
    private IHost? _silo;
    private string? _token;

    /// <summary>Fluid:Webhooks:AllowPrivateNetworks of both hosts.</summary>
    protected virtual bool WebhooksToPrivateNetworks => true;

    protected override Assembly[] MigrationAssemblies =>
        [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly, typeof(KnowledgeHostingExtensions).Assembly];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var cluster = TestSilos.ClusterSettings(TestSilos.NewClusterId("knowledge-api"));
        cluster["Fluid:Knowledge:Ingestion:MaxDocumentBytes"] = MaxDocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        cluster["Fluid:Alerts:Interval"] = "00:00:00.500";
        cluster["Fluid:Alerts:DeliveryBackoff"] = "00:00:01";
        cluster["Fluid:Mailbox:Attempts"] = "2";
        cluster["Fluid:Mailbox:Backoff"] = "00:00:00.200";
        cluster["Fluid:Webhooks:AllowPrivateNetworks"] = WebhooksToPrivateNetworks ? "true" : "false";
        var settings = KnowledgeFixture.SiloSettings(ConnectionString, _storage, cluster);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            // The silo's settings (grains of either silo may run on the Api); the Api migrates.
            foreach (var (key, value) in settings.Where(s => s.Key != "Fluid:Runtime:MigrateOnStart"))
            {
                b.UseSetting(key, value);
            }

            b.UseSetting("Fluid:Silo:Name", "api");
            b.UseSetting("Fluid:Bootstrap:OwnerPassword", OwnerPassword);
            b.UseEnvironment("Testing");
        });
        _factory.CreateClient().Dispose(); // starts the Api: migrations and the bootstrap company
        var embeddings = new GatedEmbeddingModel();
        _silo = await TestSilos.StartHostAsync(settings, builder => KnowledgeFixture.AddSilo(builder, embeddings));
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

        _tokenLock.Dispose();
        Directory.Delete(_storage, recursive: true);
        await base.DisposeAsync();
    }

    /// <summary>The Api host's services (an Orleans client of the cluster).</summary>
    public IServiceProvider ApiServices => (_factory ?? throw new InvalidOperationException("not initialised")).Services;

    /// <summary>A client logged in as the owner with a session cookie, which can create companies and switch to them.</summary>
    public async Task<HttpClient> OwnerAsync()
    {
        var factory = _factory ?? throw new InvalidOperationException("not initialised");
        var owner = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await owner.PostAsJsonAsync("/api/auth/login", new { email = OwnerEmail, password = OwnerPassword })).StatusCode.Should().Be(HttpStatusCode.OK);
        return owner;
    }

    /// <summary>A client acting as the ceo of the bootstrap company, with an API token made once.</summary>
    public async Task<HttpClient> CeoAsync()
    {
        var factory = _factory ?? throw new InvalidOperationException("not initialised");
        await _tokenLock.WaitAsync();
        try
        {
            if (_token is null)
            {
                using var owner = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
                (await owner.PostAsJsonAsync("/api/auth/login", new { email = OwnerEmail, password = OwnerPassword })).StatusCode.Should().Be(HttpStatusCode.OK);
                var created = await owner.PostAsJsonAsync("/api/tokens", new { name = "knowledge-tests" });
                created.StatusCode.Should().Be(HttpStatusCode.Created);
                _token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
            }
        }
        finally
        {
            _tokenLock.Release();
        }

        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return client;
    }
}
