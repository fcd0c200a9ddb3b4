using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Tools;
using FluidManager.Knowledge.Audit;
using FluidManager.Knowledge.Tools;
using FluidManager.Knowledge.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FluidManager.Knowledge.Tests;

/// <summary>A local HTTP server on 127.0.0.1 (an ephemeral port) that the web tool's tests fetch from.</summary>
public sealed class LocalSiteFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string Root { get; private set; } = "";

    public int Port { get; private set; }

    /// <summary>Requests of <c>/flaky</c> per id: the first one answers 503.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Hits { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/page", () => Results.Content(Samples.Html, "text/html; charset=utf-8"));
        _app.MapGet("/plain", () => Results.Text("Just text.", "text/plain"));
        _app.MapGet("/big", () => Results.Text(new string('a', 300_000), "text/plain"));
        _app.MapGet("/slow", async (CancellationToken cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(20), cancellationToken);
            return Results.Text("late", "text/plain");
        });
        _app.MapGet("/redirect-inside", () => Results.Redirect("/page"));
        _app.MapGet("/redirect-outside", (HttpContext http) => Results.Redirect($"http://localhost:{http.Connection.LocalPort}/page"));
        _app.MapGet("/redirect-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        _app.MapGet("/flaky", (string id) => Hits.AddOrUpdate(id, 1, (_, n) => n + 1) == 1
            ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
            : Results.Text("Back again.", "text/plain"));
        _app.MapGet("/image", () => Results.Bytes([0x89, 0x50, 0x4E, 0x47], "image/png"));
        _app.MapGet("/report.pdf", () => Results.Bytes(Samples.PdfPages([new PdfLine("Annual report", 18), new PdfLine("Net income doubled in the second half.")]), "application/pdf"));
        _app.MapGet("/locked.pdf", () => Results.Bytes(Samples.EncryptedPdf(), "application/pdf"));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
        Root = $"http://127.0.0.1:{Port}";
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

public sealed class WebToolTests(KnowledgeFixture fixture, LocalSiteFixture site) : IClassFixture<KnowledgeFixture>, IClassFixture<LocalSiteFixture>
{
    private static readonly string[] WebTool = [AgentTools.Web];

    [Fact]
    public async Task An_allowlisted_page_is_fetched_reduced_to_readable_text_and_logged()
    {
        var (company, agent) = await WebAgentAsync();

        var result = await fixture.Web.FetchAsync(company, agent, 12, $"{site.Root}/page", CancellationToken.None);

        result.Outcome.Should().Be(WebOutcome.Ok, result.Reason);
        result.StatusCode.Should().Be(200);
        result.Title.Should().Be("Onboarding guide");
        result.Text.Should().Contain("New engineers get a laptop on day one.").And.NotContain("do-not-index").And.NotContain("<p>");
        (await fixture.ScalarAsync<string>("SELECT format('%s|%s|%s|%s', outcome, allowed, status_code, task_id) FROM web_fetch_log WHERE id = @id", ("id", result.LogId)))
            .Should().Be("ok|t|200|12");
    }

    [Fact]
    public async Task Loopback_is_refused_when_private_networks_are_not_allowlisted_even_for_an_allowlisted_host()
    {
        var (company, agent) = await WebAgentAsync();
        using var strict = Fetcher(o => o.AdditionalHosts = ["127.0.0.1"]);

        var result = await strict.FetchAsync(company, agent, null, $"{site.Root}/page", CancellationToken.None);

        result.Outcome.Should().Be(WebOutcome.Denied);
        result.Reason.Should().Contain("127.0.0.1").And.Contain("private, loopback, link-local");
        (await fixture.ScalarAsync<bool>("SELECT allowed FROM web_fetch_log WHERE id = @id", ("id", result.LogId))).Should().BeFalse();
    }

    [Fact]
    public async Task A_host_the_agent_has_not_allowlisted_is_refused_before_any_request()
    {
        var (company, agent) = await WebAgentAsync();
        using var strict = Fetcher(o => o.AllowedPrivateNetworks = ["127.0.0.0/8"]);

        var result = await strict.FetchAsync(company, agent, null, $"{site.Root}/page", CancellationToken.None);

        result.Outcome.Should().Be(WebOutcome.Denied);
        result.Reason.Should().Be("127.0.0.1 is not among the agent's allowlisted domains");
    }

    [Fact]
    public async Task A_redirect_inside_the_allowlist_is_followed_and_one_outside_is_refused()
    {
        var (company, agent) = await WebAgentAsync();

        var inside = await fixture.Web.FetchAsync(company, agent, null, $"{site.Root}/redirect-inside", CancellationToken.None);
        var outside = await fixture.Web.FetchAsync(company, agent, null, $"{site.Root}/redirect-outside", CancellationToken.None);
        var metadata = await fixture.Web.FetchAsync(company, agent, null, $"{site.Root}/redirect-metadata", CancellationToken.None);

        inside.Outcome.Should().Be(WebOutcome.Ok);
        inside.Redirects.Should().Be(1);
        inside.FinalUrl.Should().Be($"{site.Root}/page");
        outside.Outcome.Should().Be(WebOutcome.Denied);
        outside.Reason.Should().Be($"redirected to http://localhost:{site.Port}/page: localhost is not among the agent's allowlisted domains");
        metadata.Outcome.Should().Be(WebOutcome.Denied);
    }

    [Fact]
    public async Task A_link_local_address_is_refused_at_connection_even_when_its_host_is_allowlisted()
    {
        var (company, agent) = await WebAgentAsync();
        using var fetcher = Fetcher(o =>
        {
            o.AdditionalHosts = ["169.254.169.254"];
            o.AllowedPrivateNetworks = ["127.0.0.1/32"];
        });

        var result = await fetcher.FetchAsync(company, agent, null, "http://169.254.169.254/latest/meta-data/", CancellationToken.None);

        result.Outcome.Should().Be(WebOutcome.Denied);
        result.Reason.Should().Contain("169.254.169.254 resolves to 169.254.169.254");
    }

    [Fact]
    public async Task A_response_is_cut_at_the_size_limit()
    {
        var (company, agent) = await WebAgentAsync();

        var result = await fixture.Web.FetchAsync(company, agent, null, $"{site.Root}/big", CancellationToken.None);

        result.Outcome.Should().Be(WebOutcome.Ok);
        result.Truncated.Should().BeTrue();
        result.Bytes.Should().Be(65536);
        (await fixture.ScalarAsync<bool>("SELECT truncated FROM web_fetch_log WHERE id = @id", ("id", result.LogId))).Should().BeTrue();
    }

    [Fact]
    public async Task A_transient_503_is_tried_again_and_the_page_is_fetched()
    {
        var (company, agent) = await WebAgentAsync();
        var id = Guid.NewGuid().ToString("N");

        var result = await fixture.Web.FetchAsync(company, agent, null, $"{site.Root}/flaky?id={id}", CancellationToken.None);

        result.Outcome.Should().Be(WebOutcome.Ok, result.Reason);
        result.Text.Should().Contain("Back again.");
        site.Hits[id].Should().Be(2, "the 503 was retried once by the resilience handler");
    }

    [Fact]
    public async Task A_slow_server_times_out()
    {
        var (company, agent) = await WebAgentAsync();
        using var impatient = Fetcher(o =>
        {
            o.AdditionalHosts = ["127.0.0.1"];
            o.AllowedPrivateNetworks = ["127.0.0.1/32"];
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
        });

        var result = await impatient.FetchAsync(company, agent, null, $"{site.Root}/slow", CancellationToken.None);

        result.Outcome.Should().Be(WebOutcome.Timeout);
        result.DurationMs.Should().BeLessThan(5000);
    }

    [Fact]
    public async Task The_daily_quota_is_counted_per_agent_in_the_database()
    {
        var (company, agent) = await WebAgentAsync();
        var (otherCompany, other) = await WebAgentAsync();
        using var rationed = Fetcher(o =>
        {
            o.AdditionalHosts = ["127.0.0.1"];
            o.AllowedPrivateNetworks = ["127.0.0.1/32"];
            o.DailyQuota = 2;
        });

        var outcomes = new List<WebOutcome>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add((await rationed.FetchAsync(company, agent, null, $"{site.Root}/plain", CancellationToken.None)).Outcome);
        }

        outcomes.Should().Equal(WebOutcome.Ok, WebOutcome.Ok, WebOutcome.Denied);
        (await fixture.ScalarAsync<int>("SELECT used FROM web_quota_usage WHERE agent_id = @a", ("a", agent))).Should().Be(2);
        (await fixture.ScalarAsync<string>("SELECT reason FROM web_fetch_log WHERE agent_id = @a ORDER BY id DESC LIMIT 1", ("a", agent))).Should().Contain("daily quota of 2");
        (await rationed.FetchAsync(otherCompany, other, null, $"{site.Root}/plain", CancellationToken.None)).Outcome.Should().Be(WebOutcome.Ok);
    }

    [Fact]
    public async Task A_company_quota_lower_than_the_servers_rations_the_companys_agents()
    {
        var (company, agent) = await WebAgentAsync();
        var (otherCompany, other) = await WebAgentAsync();
        await fixture.ExecuteAsync("INSERT INTO company_policies (company_id, web_daily_quota) VALUES (@c, 1)", ("c", company));
        using var fetcher = Fetcher(o =>
        {
            o.AdditionalHosts = ["127.0.0.1"];
            o.AllowedPrivateNetworks = ["127.0.0.1/32"];
            o.DailyQuota = 5;
        });

        (await fetcher.FetchAsync(company, agent, null, $"{site.Root}/plain", CancellationToken.None)).Outcome.Should().Be(WebOutcome.Ok);
        var second = await fetcher.FetchAsync(company, agent, null, $"{site.Root}/plain", CancellationToken.None);
        second.Outcome.Should().Be(WebOutcome.Denied);
        second.Reason.Should().Contain("daily quota of 1");
        for (var i = 0; i < 2; i++)
        {
            (await fetcher.FetchAsync(otherCompany, other, null, $"{site.Root}/plain", CancellationToken.None)).Outcome.Should().Be(WebOutcome.Ok);
        }
    }

    [Fact]
    public async Task An_agent_without_the_web_tool_and_non_http_urls_are_refused()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Nat", "Writer", "Marketing", tools: [AgentTools.Rag], webDomains: ["example.com"]);
        var (c2, webAgent) = await WebAgentAsync();

        var noTool = await fixture.Web.FetchAsync(company, agent.Id, null, $"{site.Root}/page", CancellationToken.None);
        var file = await fixture.Web.FetchAsync(c2, webAgent, null, "file:///etc/passwd", CancellationToken.None);
        var credentials = await fixture.Web.FetchAsync(c2, webAgent, null, $"http://user:secret@127.0.0.1:{site.Port}/page", CancellationToken.None);

        noTool.Reason.Should().Be("the web tool is not enabled for this agent");
        file.Outcome.Should().Be(WebOutcome.Denied);
        file.Reason.Should().Contain("only http and https");
        credentials.Outcome.Should().Be(WebOutcome.Denied);
    }

    [Fact]
    public async Task Binary_content_is_not_returned()
    {
        var (company, agent) = await WebAgentAsync();

        var result = await fixture.Web.FetchAsync(company, agent, null, $"{site.Root}/image", CancellationToken.None);

        result.Outcome.Should().Be(WebOutcome.Error);
        result.Reason.Should().Contain("image/png");
    }

    [Fact]
    public async Task A_pdf_is_returned_as_its_text_and_an_encrypted_one_is_an_error_saying_so()
    {
        var (company, agent) = await WebAgentAsync();

        var report = await fixture.Web.FetchAsync(company, agent, null, $"{site.Root}/report.pdf", CancellationToken.None);
        var locked = await fixture.Web.FetchAsync(company, agent, null, $"{site.Root}/locked.pdf", CancellationToken.None);

        report.Outcome.Should().Be(WebOutcome.Ok, report.Reason);
        report.Text.Should().Contain("# Annual report").And.Contain("Net income doubled in the second half.");
        locked.Outcome.Should().Be(WebOutcome.Error);
        locked.Reason.Should().Be($"'{site.Root}/locked.pdf' is an encrypted PDF: its text cannot be read without the password (save an unprotected copy to index it).");
    }

    [Fact]
    public async Task The_fetch_tool_reports_text_and_denials_to_the_agent()
    {
        var (company, agent) = await WebAgentAsync();
        var tool = new WebFetchTool(fixture.Web);

        var ok = await tool.ExecuteAsync(new ToolInvocation(company, agent, null, $$"""{"url":"{{site.Root}}/plain"}"""), CancellationToken.None);
        var denied = await tool.ExecuteAsync(new ToolInvocation(company, agent, null, """{"url":"https://example.org/"}"""), CancellationToken.None);

        ok.Status.Should().Be(AgentToolStatus.Ok);
        ok.Text.Should().EndWith("Just text.");
        denied.Status.Should().Be(AgentToolStatus.Denied);
        denied.Reason.Should().Be("example.org is not among the agent's allowlisted domains");
    }

    [Theory]
    [InlineData("example.com", "example.com", true)]
    [InlineData("www.example.com", "example.com", false)]
    [InlineData("www.example.com", "*.example.com", true)]
    [InlineData("example.com", "*.example.com", false)]
    [InlineData("evil-example.com", "*.example.com", false)]
    [InlineData("EXAMPLE.com.", "example.com", true)]
    public void Allowlist_entries_match_a_host_exactly_or_its_subdomains_by_wildcard(string host, string entry, bool allowed) =>
        WebFetcher.HostAllowed(host, [entry]).Should().Be(allowed);

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]
    [InlineData("2002:7f00:1::", false)]
    [InlineData("2606:4700:4700::1111", true)]
    public void Only_public_addresses_are_public(string address, bool expected) =>
        WebAddressPolicy.IsPublic(System.Net.IPAddress.Parse(address)).Should().Be(expected);

    private async Task<(long Company, long Agent)> WebAgentAsync()
    {
        var company = await fixture.CreateCompanyAsync();
        var agent = await fixture.HireAsync(company, "Wes", "Researcher", "Research", WebTool, webDomains: ["example.com"]);
        return (company, agent.Id);
    }

    private WebFetcher Fetcher(Action<WebToolOptions> configure)
    {
        var options = new KnowledgeOptions();
        options.Web.MaxResponseBytes = 65536;
        configure(options.Web);
        return new WebFetcher(
            fixture.Services.GetRequiredService<NpgsqlDataSource>(),
            fixture.Services.GetRequiredService<DenialRecorder>(),
            Options.Create(options),
            TimeProvider.System,
            NullLogger<WebFetcher>.Instance);
    }
}
