using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Api.Tests;

/// <summary>
/// The Api on Kestrel behind a reverse proxy, over real HTTP from 127.0.0.1. What the Api believes
/// about a request shows in two places: the session cookie is Secure only for an https request, and
/// the sign-in rate limit counts attempts per client address.
/// </summary>
public sealed class ForwardedHeadersTests(ForwardedHeadersTests.Fixture fixture) : IClassFixture<ForwardedHeadersTests.Fixture>
{
    private const string Owner = "owner@fluid.local";
    private const string OwnerPassword = "owner-password-for-forwarded-headers";

    [Fact]
    public async Task Through_a_trusted_proxy_a_request_gets_the_forwarded_scheme_and_client_address()
    {
        await using var api = fixture.Start(
            ("Fluid:Api:ForwardedHeaders:Enabled", "true"),
            ("Fluid:Api:ForwardedHeaders:KnownProxies:0", "127.0.0.1"));
        using var client = Client(api);

        var signedIn = await SignInAsync(client, OwnerPassword, "203.0.113.10");
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK, await signedIn.Content.ReadAsStringAsync());
        CookieAttributes(signedIn).Should().Contain("secure", "the proxy said the client used https");

        (await SignInAsync(client, "wrong password", "203.0.113.10")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await SignInAsync(client, "wrong password", "203.0.113.10")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "203.0.113.10 used its two attempts");
        (await SignInAsync(client, "wrong password", "203.0.113.11")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "another client behind the proxy has attempts of its own");
    }

    [Theory]
    [InlineData("an untrusted proxy", true)]
    [InlineData("the default settings", false)]
    public async Task Forwarded_headers_are_ignored_from_an_untrusted_proxy_and_by_default(string configuration, bool enabled)
    {
        (string, string)[] settings = enabled
            ? [("Fluid:Api:ForwardedHeaders:Enabled", "true"), ("Fluid:Api:ForwardedHeaders:KnownProxies:0", "10.9.8.7"), ("Fluid:Api:ForwardedHeaders:KnownNetworks:0", "192.168.0.0/16")]
            : [];
        await using var api = fixture.Start(settings);
        using var client = Client(api);

        var signedIn = await SignInAsync(client, OwnerPassword, "203.0.113.10");
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK, await signedIn.Content.ReadAsStringAsync());
        CookieAttributes(signedIn).Should().NotContain("secure", "with {0} the request reached the Api over plain http, whatever the header says", configuration);

        (await SignInAsync(client, "wrong password", "203.0.113.11")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await SignInAsync(client, "wrong password", "203.0.113.12")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests,
            "with {0} every attempt came from 127.0.0.1, which used its two attempts: a client cannot pick its own address", configuration);
    }

    [Fact]
    public async Task A_malformed_proxy_address_stops_start_up_and_names_the_setting()
    {
        var start = () => fixture.Start(("Fluid:Api:ForwardedHeaders:Enabled", "true"), ("Fluid:Api:ForwardedHeaders:KnownProxies:0", "proxy.local"), ("Fluid:Api:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/99"));

        var failure = start.Should().Throw<Exception>().Which;
        failure.ToString().Should().Contain("Fluid:Api:ForwardedHeaders:KnownProxies:0 'proxy.local' is not an IP address")
            .And.Contain("Fluid:Api:ForwardedHeaders:KnownNetworks:0 '10.0.0.0/99' is not a network in CIDR notation");
    }

    /// <summary>A client of the Api's Kestrel address: requests come from 127.0.0.1.</summary>
    private static HttpClient Client(WebApplicationFactory<Program> api) => api.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri(api.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()),
        HandleCookies = false,
        AllowAutoRedirect = false,
    });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string password, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email = Owner, password }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return await client.SendAsync(request);
    }

    /// <summary>The attributes of the cookies the response sets (after the name=value pair), lower case.</summary>
    private static List<string> CookieAttributes(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.SelectMany(c => c.Split(';').Skip(1)).Select(a => a.Trim().ToLowerInvariant()).ToList()
            : throw new InvalidOperationException("The sign-in set no cookie.");

    /// <summary>A database for the Api hosts that the tests start, each on Kestrel on a free port of 127.0.0.1.</summary>
    public sealed class Fixture : DatabaseFixture
    {
        private readonly string _storage = Directory.CreateTempSubdirectory("fluid-forwarded-objects-").FullName;

        protected override Assembly[] MigrationAssemblies => [typeof(Runtime.Hosting.FluidRuntimeHostingExtensions).Assembly, typeof(Grains.GrainsHostingExtensions).Assembly];

        /// <summary>Starts the Api with two sign-in attempts per address and these settings.</summary>
        public WebApplicationFactory<Program> Start(params (string Key, string Value)[] settings)
        {
            var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("ConnectionStrings:Fluid", ConnectionString);
                b.UseSetting("Fluid:Cluster:ClusterId", "forwarded-" + Guid.NewGuid().ToString("N"));
                b.UseSetting("Fluid:Cluster:SiloPort", "0");
                b.UseSetting("Fluid:Cluster:GatewayPort", "0");
                b.UseSetting("Fluid:Bootstrap:OwnerPassword", OwnerPassword);
                b.UseSetting("Fluid:Storage:Path", _storage);
                b.UseSetting("Fluid:Auth:LoginAttemptsPerAddress", "2");
                foreach (var (key, value) in settings)
                {
                    b.UseSetting(key, value);
                }

                b.UseEnvironment("Testing");
            });
            api.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            try
            {
                api.StartServer();
            }
            catch
            {
                api.Dispose();
                throw;
            }

            return api;
        }

        public override async Task DisposeAsync()
        {
            Directory.Delete(_storage, recursive: true);
            await base.DisposeAsync();
        }
    }
}
