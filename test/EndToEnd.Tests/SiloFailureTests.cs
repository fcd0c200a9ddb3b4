using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.TestSupport;
using Xunit.Abstractions;

namespace FluidManager.EndToEnd.Tests;

/// <summary>A silo process dies under the Api: the Api, itself a silo, keeps answering.</summary>
public sealed class SiloFailureTests(RunningSystem system, ITestOutputHelper output) : IClassFixture<RunningSystem>
{
    [Fact]
    public async Task An_api_request_whose_grain_lived_on_a_killed_silo_answers_within_seconds()
    {
        using var ceo = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = system.Url, Timeout = TimeSpan.FromSeconds(60) };
        (await ceo.PostAsJsonAsync("/api/auth/login", new { email = RunningSystem.OwnerEmail, password = RunningSystem.OwnerPassword })).StatusCode.Should().Be(HttpStatusCode.OK);

        system.StartSilo("e2e-silo-2");
        await Eventually.WaitAsync(() => ActiveSilosAsync(ceo), names => names.Contains("e2e-silo-2"), TimeSpan.FromSeconds(60), "the second silo to join");

        // Activate every task grain of the demo company: Orleans spreads them over the three silos.
        var tasks = (await ReadAsync(await ceo.GetAsync("/api/tasks?limit=200"))).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToList();
        tasks.Should().NotBeEmpty(system.Logs);
        foreach (var id in tasks)
        {
            await ReadAsync(await ceo.GetAsync($"/api/tasks/{id}"));
        }

        await system.KillSiloAsync("e2e-silo-2");

        var slowest = TimeSpan.Zero;
        foreach (var id in tasks)
        {
            var clock = Stopwatch.StartNew();
            var response = await ceo.GetAsync($"/api/tasks/{id}");
            clock.Stop();
            output.WriteLine($"task {id}: {(int)response.StatusCode} in {clock.ElapsedMilliseconds} ms");
            var task = await ReadAsync(response);
            task.GetProperty("id").GetInt64().Should().Be(id);
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }

        output.WriteLine($"tasks={tasks.Count} slowest_request_after_kill_ms={slowest.TotalMilliseconds:0}");
        slowest.Should().BeLessThan(TimeSpan.FromSeconds(15), "the Api is a silo: a call to a dead silo's grain fails over instead of waiting out a gateway's 30 s response timeout");
    }

    private async Task<HashSet<string>> ActiveSilosAsync(HttpClient client)
    {
        var silos = await ReadAsync(await client.GetAsync("/api/cluster/silos"));
        return silos.EnumerateArray().Where(s => s.GetProperty("status").GetString() == "active").Select(s => s.GetProperty("name").GetString()!).ToHashSet();
    }

    private async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body + Environment.NewLine + system.Logs);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
