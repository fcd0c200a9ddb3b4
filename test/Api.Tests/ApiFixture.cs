using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FluidManager.Api.Tests;

/// <summary>The real Api host on its own migrated database; the first start creates company "Acme" and its owner.</summary>
public sealed class ApiFixture : DatabaseFixture
{
    public const string OwnerEmail = "owner@fluid.local";
    public const string OwnerPassword = "owner-password-for-tests";
    public const string Password = "correct horse battery staple";

    private WebApplicationFactory<Program>? _factory;
    private readonly string _storage = Directory.CreateTempSubdirectory("fluid-api-objects-").FullName;
    private readonly SemaphoreSlim _worldLock = new(1, 1);
    private World? _world;
    private string? _ceoToken;

    protected override Assembly[] MigrationAssemblies => [typeof(Runtime.Hosting.FluidRuntimeHostingExtensions).Assembly, typeof(Grains.GrainsHostingExtensions).Assembly];

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("not initialised");

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
            b.UseSetting("Fluid:Alerts:Interval", "00:00:00.500");
            b.UseSetting("Fluid:Metrics:DatabaseRefresh", "00:00:00.200"); // each scrape reads fresh figures
            b.UseEnvironment("Testing");
        });
    }

    public override async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _worldLock.Dispose();
        Directory.Delete(_storage, recursive: true);
        await base.DisposeAsync();
    }

    /// <summary>A client with its own cookie jar, not signed in.</summary>
    public HttpClient Anonymous() => Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>A client signed in with the session cookie.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password, long? companyId = null)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password, companyId });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return client;
    }

    public Task<HttpClient> OwnerAsync(long? companyId = null) => SignInAsync(OwnerEmail, OwnerPassword, companyId);

    /// <summary>
    /// A client acting as the owner (ceo of Acme) with an API token made once per fixture, so that
    /// tests making many clients stay clear of the sign-in rate limit.
    /// </summary>
    public async Task<HttpClient> CeoAsync()
    {
        await _worldLock.WaitAsync();
        try
        {
            if (_ceoToken is null)
            {
                using var owner = await OwnerAsync();
                var created = await owner.PostAsJsonAsync("/api/tokens", new { name = "tests" });
                created.StatusCode.Should().Be(HttpStatusCode.Created);
                _ceoToken = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
            }
        }
        finally
        {
            _worldLock.Release();
        }

        return WithToken(_ceoToken!);
    }

    /// <summary>A client that authenticates with a personal API token instead of a cookie.</summary>
    public HttpClient WithToken(string token)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Two companies, made through the API: Acme (the bootstrap company: owner as ceo, an admin and
    /// a viewer) and Beta (created by the owner, with its own ceo and viewer who belong to Beta only).
    /// </summary>
    public async Task<World> WorldAsync()
    {
        await _worldLock.WaitAsync();
        try
        {
            return _world ??= await CreateWorldAsync();
        }
        finally
        {
            _worldLock.Release();
        }
    }

    private async Task<World> CreateWorldAsync()
    {
        using var owner = await OwnerAsync();
        var acme = (await owner.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("company").GetProperty("id").GetInt64();
        var acmeAdmin = await AddUserAsync(owner, "admin@acme.test", "admin");
        var acmeViewer = await AddUserAsync(owner, "viewer@acme.test", "viewer");

        var created = await owner.PostAsJsonAsync("/api/companies", new { name = "Beta" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var beta = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using var ownerInBeta = await OwnerAsync(beta);
        var betaCeo = await AddUserAsync(ownerInBeta, "ceo@beta.test", "ceo");
        var betaViewer = await AddUserAsync(ownerInBeta, "viewer@beta.test", "viewer");
        return new World(acme, acmeAdmin, acmeViewer, beta, betaCeo, betaViewer);
    }

    public static async Task<long> AddUserAsync(HttpClient admin, string email, string role, string? password = Password)
    {
        var response = await admin.PostAsJsonAsync("/api/users", new { email, displayName = email.Split('@')[0], password, role });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("member").GetProperty("id").GetInt64();
    }
}

/// <summary>The ids of <see cref="ApiFixture.WorldAsync"/>. Every user but the owner has the password <see cref="ApiFixture.Password"/>.</summary>
public sealed record World(long Acme, long AcmeAdmin, long AcmeViewer, long Beta, long BetaCeo, long BetaViewer)
{
    public const string AcmeAdminEmail = "admin@acme.test";
    public const string AcmeViewerEmail = "viewer@acme.test";
    public const string BetaCeoEmail = "ceo@beta.test";
    public const string BetaViewerEmail = "viewer@beta.test";
}
