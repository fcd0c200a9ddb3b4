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
/// The real Api host on its own database, next to a silo host on the same database and object storage
/// (the Api never runs activities: the silo ingests the uploaded documents).
/// </summary>
public sealed class KnowledgeApiFixture : DatabaseFixture
{
    public const string OwnerEmail = "owner@fluid.local";
    public const string OwnerPassword = "owner-password-for-knowledge-tests";
    public const long MaxDocumentBytes = 200_000;

    private readonly string _storage = Directory.CreateTempSubdirectory("fluid-knowledge-api-objects-").FullName;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private WebApplicationFactory<Program>? _factory;
    private IHost? _silo;
    private string? _token;

    protected override Assembly[] MigrationAssemblies =>
        [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly, typeof(KnowledgeHostingExtensions).Assembly];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Fluid", ConnectionString);
            b.UseSetting("Fluid:Cluster:SiloPort", "0");
            b.UseSetting("Fluid:Cluster:GatewayPort", "0");
            b.UseSetting("Fluid:Bootstrap:OwnerPassword", OwnerPassword);
            b.UseSetting("Fluid:Storage:Path", _storage);
            b.UseSetting("Fluid:Knowledge:Ingestion:MaxDocumentBytes", MaxDocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            b.UseEnvironment("Testing");
        });
        _factory.CreateClient().Dispose(); // starts the Api: migrations and the bootstrap company
        _silo = await KnowledgeFixture.StartHostAsync(ConnectionString, _storage, new Dictionary<string, string?>());
    }

    public override async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _silo.StopAsync(stop.Token);
            _silo.Dispose();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _tokenLock.Dispose();
        Directory.Delete(_storage, recursive: true);
        await base.DisposeAsync();
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
