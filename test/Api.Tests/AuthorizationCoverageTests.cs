using System.Net;
using System.Net.Http.Json;
using System.Text;
using FluidManager.Api.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Api.Tests;

/// <summary>
/// Enumerates the endpoint data source, so endpoints added later are covered without touching
/// these tests: every non-anonymous endpoint (of the API, the hubs and the Orleans Dashboard)
/// refuses anonymous callers, and every command endpoint refuses viewers.
/// </summary>
public sealed class AuthorizationCoverageTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly string[] CommandMethods = ["POST", "PUT", "PATCH", "DELETE"];

    [Fact]
    public async Task Every_endpoint_that_is_not_explicitly_anonymous_answers_401_problem_to_anonymous_callers()
    {
        var endpoints = Endpoints().Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null).ToList();
        endpoints.Should().Contain(e => e.Path == "/api/users/1").And.Contain(e => e.Path == "/hubs/events/negotiate")
            .And.Contain(e => e.Path == "/orleans/DashboardCounters").And.Contain(e => e.Path == "/metrics").And.Contain(e => e.Path == "/mcp");

        using var client = fixture.Anonymous();
        var failures = new List<string>();
        foreach (var (method, path, endpoint) in endpoints)
        {
            using var response = await client.SendAsync(Request(method, path, endpoint));
            if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{method} {path}: {(int)response.StatusCode} {response.Content.Headers.ContentType}");
            }
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public void Only_health_login_logout_signed_trigger_hooks_documentation_and_dashboard_are_anonymous()
    {
        // A workflow trigger's hook takes no session: it authenticates each delivery by its HMAC
        // signature (WorkflowTriggerTests checks the 401s).
        var anonymous = Endpoints(includeAll: true)
            .Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => $"{e.Method} {e.Path}")
            .ToList();
        anonymous.Should().Contain(["POST /api/auth/login", "POST /api/auth/logout", "GET /health/live", "GET /health/ready"]);
        anonymous.Where(e => e.Contains("/api/", StringComparison.Ordinal)).Should().BeEquivalentTo(["POST /api/auth/login", "POST /api/auth/logout", "POST /api/hooks/1"]);
    }

    [Fact]
    public async Task Every_command_endpoint_answers_403_problem_to_a_viewer()
    {
        await fixture.WorldAsync();
        var commands = Endpoints()
            .Where(e => CommandMethods.Contains(e.Method) && e.Path.StartsWith("/api/", StringComparison.Ordinal))
            .Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Endpoint.Metadata.GetMetadata<PersonalEndpointMetadata>() is null)
            .ToList();
        commands.Should().Contain(e => e.Method == "POST" && e.Path == "/api/users").And.Contain(e => e.Method == "POST" && e.Path == "/api/companies");

        using var viewer = await fixture.SignInAsync(World.AcmeViewerEmail, ApiFixture.Password);
        var failures = new List<string>();
        foreach (var (method, path, endpoint) in commands)
        {
            using var response = await viewer.SendAsync(Request(method, path, endpoint));
            if (response.StatusCode != HttpStatusCode.Forbidden || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{method} {path}: {(int)response.StatusCode}");
            }
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public void Endpoints_open_to_every_role_are_only_the_callers_own_session_and_tokens()
    {
        // Adding a personal endpoint (one a viewer may call to change something) must be a deliberate decision.
        Endpoints()
            .Where(e => e.Endpoint.Metadata.GetMetadata<PersonalEndpointMetadata>() is not null)
            .Select(e => $"{e.Method} {e.Path}")
            .Should().BeEquivalentTo([
                "GET /api/auth/me", "POST /api/auth/switch", "POST /api/auth/password",
                "GET /api/tokens", "POST /api/tokens", "DELETE /api/tokens/1",
            ]);
    }

    [Fact]
    public async Task Admin_endpoints_refuse_viewers_and_cluster_endpoints_refuse_other_companies()
    {
        await fixture.WorldAsync();
        using var viewer = await fixture.SignInAsync(World.AcmeViewerEmail, ApiFixture.Password);
        await (await viewer.GetAsync("/api/users")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await viewer.GetAsync("/api/cluster/silos")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        using var acmeAdmin = await fixture.SignInAsync(World.AcmeAdminEmail, ApiFixture.Password);
        (await acmeAdmin.GetAsync("/api/cluster/silos")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await acmeAdmin.GetAsync("/api/cluster/dead-letters")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await acmeAdmin.PostAsync("/api/cluster/dead-letters/999/replay", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        // Silos and dead letters hold every company's work: Beta's ceo is not an operator.
        using var betaCeo = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        await (await betaCeo.GetAsync("/api/cluster/dead-letters")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Hub_negotiation_needs_authentication()
    {
        using var anonymous = fixture.Anonymous();
        await (await anonymous.PostAsync("/hubs/events/negotiate?negotiateVersion=1", null)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        using var owner = await fixture.OwnerAsync();
        var negotiated = await (await owner.PostAsync("/hubs/events/negotiate?negotiateVersion=1", null)).ReadJsonAsync();
        negotiated.GetProperty("connectionToken").GetString().Should().NotBeNullOrEmpty();
        negotiated.GetProperty("availableTransports").EnumerateArray().Should().Contain(t => t.GetProperty("transport").GetString() == "WebSockets");
    }

    [Fact]
    public async Task Anonymous_can_reach_health_login_documentation_and_the_dashboard()
    {
        using var client = fixture.Anonymous();
        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/openapi/v1.json")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.PostAsJsonAsync("/api/auth/login", new { email = "x@y.z", password = "nope" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/swagger/index.html")).StatusCode.Should().Be(HttpStatusCode.OK);

        // The dashboard's entry page (or, before it is built, the page that says how to build it).
        var page = await client.GetAsync("/");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
    }

    private List<(string Method, string Path, RouteEndpoint Endpoint)> Endpoints(bool includeAll = false)
    {
        var source = fixture.Factory.Services.GetRequiredService<EndpointDataSource>();
        var result = new List<(string, string, RouteEndpoint)>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var path = Sample(endpoint.RoutePattern);
            if (!includeAll && !path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/hubs/", StringComparison.Ordinal)
                && !path.StartsWith("/orleans", StringComparison.Ordinal) && path != "/metrics" && path != "/mcp")
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods.Where(m => m != "OPTIONS" && m != "CONNECT"))
            {
                result.Add((method, path, endpoint));
            }
        }

        return result;
    }

    /// <summary>A concrete path for a route pattern: parameters become 1 (or "x" for catch-alls).</summary>
    private static string Sample(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart { IsCatchAll: true } => "x",
                    RoutePatternParameterPart => "1",
                    RoutePatternSeparatorPart separator => separator.Content,
                    _ => "",
                });
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    /// <summary>
    /// A request with a body of the media type the endpoint accepts (JSON, or a form for uploads):
    /// a body of another type is refused by routing with 415 before authorization is asked.
    /// </summary>
    private static HttpRequestMessage Request(string method, string path, RouteEndpoint endpoint) => new(new HttpMethod(method), path)
    {
        Content = method is "GET" or "DELETE" ? null
            : endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Contains("multipart/form-data") == true
                ? new MultipartFormDataContent { { new ByteArrayContent([1]), "file", "x.bin" } }
                : new StringContent("{}", Encoding.UTF8, "application/json"),
    };
}
