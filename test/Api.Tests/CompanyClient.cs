using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.TestSupport;

namespace FluidManager.Api.Tests;

/// <summary>What the company tests do over HTTP again and again: hire agents, create tasks, read events.</summary>
public static class CompanyClient
{
    public static object Profile(string firstName, string role, string department) => new
    {
        firstName,
        lastName = "Tester",
        role,
        department,
        seniority = "mid",
        model = "offline",
        allowedTools = new[] { "rag" },
        limits = new { tokensPerDay = 1000 },
    };

    /// <summary>Hires an agent under <paramref name="managerId"/> (null: the CEO seat); returns its id.</summary>
    public static async Task<long> HireAsync(this HttpClient client, string firstName, string role, string department, long? managerId = null)
    {
        var response = await client.PostAsJsonAsync("/api/agents", new { profile = Profile(firstName, role, department), managerAgentId = managerId });
        return (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
    }

    /// <summary>A small team: CTO → Engineering Manager → Developer, and a Head of Sales, all under the CEO seat.</summary>
    public static async Task<Team> HireTeamAsync(this HttpClient client, string tag)
    {
        var cto = await client.HireAsync($"Cto{tag}", "CTO", "Engineering");
        var manager = await client.HireAsync($"Em{tag}", "Engineering Manager", "Engineering", cto);
        var developer = await client.HireAsync($"Dev{tag}", "Developer", "Engineering", manager);
        var sales = await client.HireAsync($"Sales{tag}", "Head of Sales", "Sales");
        return new Team(cto, manager, developer, sales);
    }

    public static async Task<JsonElement> CreateTaskAsync(this HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/tasks", request);
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    public static Task<JsonElement> CreateTaskAsync(this HttpClient client, string title, long? assigneeAgentId = null) =>
        client.CreateTaskAsync(new { title, assigneeAgentId });

    public static async Task<JsonElement> GetTaskAsync(this HttpClient client, long id) => await (await client.GetAsync($"/api/tasks/{id}")).ReadJsonAsync();

    /// <summary>Every event of the company (or of one stream), in order.</summary>
    public static async Task<List<JsonElement>> EventsAsync(this HttpClient client, string? stream = null)
    {
        var page = await (await client.GetAsync("/api/events?limit=1000" + (stream is null ? "" : "&stream=" + Uri.EscapeDataString(stream)))).ReadJsonAsync();
        return page.GetProperty("events").EnumerateArray().ToList();
    }

    /// <summary>
    /// Reads the events until <paramref name="done"/> holds: the log shows an event once every
    /// transaction that started before it has ended (in the whole cluster), so a fresh event may
    /// take a moment to appear.
    /// </summary>
    public static Task<List<JsonElement>> EventsUntilAsync(this HttpClient client, string? stream, Func<List<JsonElement>, bool> done) =>
        Eventually.WaitAsync(() => client.EventsAsync(stream), done, TimeSpan.FromSeconds(15), $"events of {stream ?? "the company"}");

    public static bool Has(this List<JsonElement> events, string type) => events.Any(e => e.GetProperty("type").GetString() == type);

    public static string[] Strings(this JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}

public sealed record Team(long Cto, long Manager, long Developer, long Sales);
