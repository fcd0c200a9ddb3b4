using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.Scenarios;

namespace FluidManager.Cli;

/// <summary>
/// The Api over HTTP, as a script sees it: signs in (session cookie) or sends an API token, speaks
/// JSON, and turns problem details into <see cref="ScenarioActionException"/> (status, code, rule).
/// </summary>
public sealed class FluidClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    private FluidClient(HttpClient http) => _http = http;

    /// <summary>The company the client acts in.</summary>
    public long CompanyId { get; private set; }

    public string CompanyName { get; private set; } = "";

    /// <summary>Connects with a token, or signs in with e-mail and password; with <paramref name="newCompany"/>, creates that company and moves into it.</summary>
    public static async Task<FluidClient> ConnectAsync(Uri url, string? token, string? email, string? password, string? newCompany, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false };
        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(100) };
        var client = new FluidClient(http);
        try
        {
            if (token is not null)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            else
            {
                await client.SendAsync(HttpMethod.Post, "/api/auth/login", new { email, password }, cancellationToken);
            }

            if (newCompany is not null)
            {
                if (token is not null)
                {
                    throw new ScenarioActionException(0, "cli.token_bound", null, "An API token belongs to one company: sign in with --email and --password to play into a new company.");
                }

                var created = await client.SendAsync(HttpMethod.Post, "/api/companies", new { name = newCompany }, cancellationToken);
                await client.SendAsync(HttpMethod.Post, "/api/auth/switch", new { companyId = created.GetProperty("id").GetInt64() }, cancellationToken);
            }

            var me = await client.SendAsync(HttpMethod.Get, "/api/auth/me", null, cancellationToken);
            client.CompanyId = me.GetProperty("company").GetProperty("id").GetInt64();
            client.CompanyName = me.GetProperty("company").GetProperty("name").GetString() ?? "";
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request; returns the JSON answer (default for 204), or throws the problem as <see cref="ScenarioActionException"/>.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ScenarioActionException(0, "cli.unreachable", null, $"{method} {path}: the Api at {_http.BaseAddress} does not answer ({ex.Message}).");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
            }

            string? code = null, rule = null, detail = null;
            if (text.StartsWith('{'))
            {
                var problem = JsonSerializer.Deserialize<JsonElement>(text);
                code = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
                rule = problem.TryGetProperty("rule", out var r) ? r.GetString() : null;
                detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : problem.TryGetProperty("title", out var t) ? t.GetString() : null;
                if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                {
                    detail += " " + string.Join("; ", errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(", ", e.Value.EnumerateArray().Select(v => v.GetString()))}"));
                }
            }

            throw new ScenarioActionException((int)response.StatusCode, code, rule, $"{method} {path} → {(int)response.StatusCode}: {detail ?? response.ReasonPhrase}");
        }
    }

    /// <summary>Every item of a paged list (pages of <c>{ items, next }</c>).</summary>
    public async Task<List<JsonElement>> ListTasksAsync(string query, CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        long after = 0;
        while (true)
        {
            var page = await SendAsync(HttpMethod.Get, $"/api/tasks?limit=500&after={after}{query}", null, cancellationToken);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            if (page.GetProperty("next").ValueKind != JsonValueKind.Number)
            {
                return items;
            }

            after = page.GetProperty("next").GetInt64();
        }
    }

    /// <summary>Every event of the company (or of one stream), in order.</summary>
    public async Task<List<JsonElement>> ReadEventsAsync(string? stream, CancellationToken cancellationToken)
    {
        var events = new List<JsonElement>();
        long after = 0;
        var filter = stream is null ? "" : "&stream=" + Uri.EscapeDataString(stream);
        while (true)
        {
            var page = await SendAsync(HttpMethod.Get, $"/api/events?limit=1000&after={after}{filter}", null, cancellationToken);
            var batch = page.GetProperty("events").EnumerateArray().ToList();
            events.AddRange(batch);
            if (batch.Count < 1000)
            {
                return events;
            }

            after = page.GetProperty("next").GetInt64();
        }
    }

    public void Dispose() => _http.Dispose();
}
