using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Runtime.Grains;

namespace FluidManager.Work.Tests;

/// <summary>
/// Webhook triggers through the real Api: a delivery signed with the trigger's secret starts one run of its workflow
/// with the body as inputs; an unsigned, wrongly signed, stale or invalid delivery starts nothing.
/// </summary>
public sealed class WorkflowTriggerTests(WorkApiFixture fixture) : IClassFixture<WorkApiFixture>
{
    [Fact]
    public async Task A_signed_delivery_starts_exactly_one_run_and_a_wrong_or_old_signature_starts_none()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var workflow = await TopicWorkflowAsync(ceo, company, "Hooked");

        var created = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/triggers", new { name = "From the shop" });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("secret").GetString()!;
        secret.Should().MatchRegex("^[0-9a-f]{64}$", "a generated secret is 32 random bytes");
        var trigger = body.GetProperty("trigger");
        var triggerId = trigger.GetProperty("id").GetInt64();
        trigger.GetProperty("path").GetString().Should().Be($"/api/hooks/{triggerId}");
        trigger.GetProperty("replayWindowSeconds").GetInt32().Should().Be(300);

        // The secret is shown once: never by a read.
        var read = await ceo.GetStringAsync($"/api/triggers/{triggerId}");
        read.Should().NotContain(secret).And.NotContain("\"secret\"");
        (await ceo.GetStringAsync($"/api/workflows/{workflow}/triggers")).Should().Contain($"\"id\":{triggerId}").And.NotContain(secret);

        using var outside = fixture.AnonymousClient();
        var payload = """{"topic":"Oat milk launch"}""";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        (await DeliverAsync(outside, triggerId, payload, "d-1", now, "sha256=" + new string('0', 64))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await DeliverAsync(outside, triggerId, payload, "d-1", now, Sign("a-different-secret-entirely", now, payload))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var unsigned = await outside.PostAsync($"/api/hooks/{triggerId}", new StringContent(payload, Encoding.UTF8, "application/json"));
        unsigned.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var old = await DeliverAsync(outside, triggerId, payload, "d-1", now - 600, Sign(secret, now - 600, payload));
        old.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a timestamp ten minutes old is outside the five-minute window");
        (await old.Content.ReadAsStringAsync()).Should().Contain("replay window");
        var tampered = await DeliverAsync(outside, triggerId, """{"topic":"Something else"}""", "d-1", now, Sign(secret, now, payload));
        tampered.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the signature covers the body");
        (await RunsAsync(ceo, workflow)).Should().Be(0);

        // A signed body that does not fit the inputs: 400 naming the fields, nothing started.
        var wrong = """{"colour":"red"}""";
        var invalid = await DeliverAsync(outside, triggerId, wrong, "d-0", now, Sign(secret, now, wrong));
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("inputs.topic", out _).Should().BeTrue(errors.ToString());
        errors.TryGetProperty("inputs.colour", out _).Should().BeTrue(errors.ToString());
        (await RunsAsync(ceo, workflow)).Should().Be(0);

        // Signed right: one run, whose inputs are the body; the same delivery again starts nothing more.
        var first = await DeliverAsync(outside, triggerId, payload, "d-1", now, Sign(secret, now, payload));
        first.StatusCode.Should().Be(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        var runId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetInt64();
        first.Headers.Location!.ToString().Should().Be($"/api/workflow-runs/{runId}");
        var later = now + 5;
        var again = await DeliverAsync(outside, triggerId, payload, "d-1", later, Sign(secret, later, payload));
        again.StatusCode.Should().Be(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        var repeated = await again.Content.ReadFromJsonAsync<JsonElement>();
        repeated.GetProperty("runId").GetInt64().Should().Be(runId);
        repeated.GetProperty("duplicate").GetBoolean().Should().BeTrue();
        (await RunsAsync(ceo, workflow)).Should().Be(1);

        var run = await ceo.GetFromJsonAsync<JsonElement>($"/api/workflow-runs/{runId}");
        run.GetProperty("inputs").GetProperty("topic").GetString().Should().Be("Oat milk launch");
        run.GetProperty("startedBy").GetString().Should().Be($"trigger:{triggerId}");

        // The history: the rejected delivery with its error, then the started one with its run.
        var firings = (await ceo.GetFromJsonAsync<JsonElement>($"/api/triggers/{triggerId}/firings")).EnumerateArray().ToList();
        firings.Should().HaveCount(2);
        firings[0].GetProperty("deliveryId").GetString().Should().Be("d-1");
        firings[0].GetProperty("outcome").GetString().Should().Be("started");
        firings[0].GetProperty("runId").GetInt64().Should().Be(runId);
        firings[1].GetProperty("deliveryId").GetString().Should().Be("d-0");
        firings[1].GetProperty("outcome").GetString().Should().Be("rejected");
        firings[1].GetProperty("error").GetString().Should().Contain("inputs.topic");
    }

    [Fact]
    public async Task A_given_secret_signs_deliveries_until_the_trigger_is_disabled_or_deleted()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var workflow = await TopicWorkflowAsync(ceo, company, "Given");

        var tooShort = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/triggers", new { name = "Short", secret = "short" });
        tooShort.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await tooShort.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("secret", out _).Should().BeTrue();
        (await ceo.PostAsJsonAsync("/api/workflows/999999/triggers", new { name = "Nowhere" })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        const string secret = "a-secret-the-sender-chose-1234";
        var created = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/triggers", new { name = "CRM", secret, replayWindowSeconds = 60 });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var triggerId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trigger").GetProperty("id").GetInt64();

        using var outside = fixture.AnonymousClient();
        var payload = """{"topic":"Renewal"}""";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        (await DeliverAsync(outside, triggerId, payload, "crm-1", now - 120, Sign(secret, now - 120, payload))).StatusCode
            .Should().Be(HttpStatusCode.Unauthorized, "two minutes is outside this trigger's 60-second window");
        (await DeliverAsync(outside, triggerId, payload, "crm-1", now, Sign(secret, now, payload))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        // A new secret: the old one no longer signs; the new one does.
        var rotated = await ceo.PostAsync($"/api/triggers/{triggerId}/secret", null);
        rotated.StatusCode.Should().Be(HttpStatusCode.OK, await rotated.Content.ReadAsStringAsync());
        var fresh = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        fresh.Should().NotBe(secret);
        (await DeliverAsync(outside, triggerId, payload, "crm-2", now, Sign(secret, now, payload))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await DeliverAsync(outside, triggerId, payload, "crm-2", now, Sign(fresh, now, payload))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        // The company export lists the trigger by its workflow's name, without a secret.
        var exported = await ceo.GetStringAsync("/api/company/export");
        exported.Should().NotContain(secret).And.NotContain(fresh);
        var exportedTriggers = JsonNode.Parse(exported)!["sections"]!["workflowTriggers"]!.AsArray();
        exportedTriggers.Should().Contain(t => t!["name"]!.GetValue<string>() == "CRM" && t["replayWindowSeconds"]!.GetValue<int>() == 60);

        var disabled = await ceo.PutAsJsonAsync($"/api/triggers/{triggerId}", new { name = "CRM", enabled = false });
        disabled.StatusCode.Should().Be(HttpStatusCode.OK, await disabled.Content.ReadAsStringAsync());
        (await DeliverAsync(outside, triggerId, payload, "crm-3", now, Sign(fresh, now, payload))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        (await ceo.DeleteAsync($"/api/triggers/{triggerId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ceo.GetAsync($"/api/triggers/{triggerId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await DeliverAsync(outside, triggerId, payload, "crm-4", now, Sign(fresh, now, payload))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await RunsAsync(ceo, workflow)).Should().Be(2, "the runs the trigger started stay");
    }

    [Fact]
    public async Task The_same_delivery_sent_twice_at_once_starts_one_run_and_other_companies_and_viewers_cannot_change_triggers()
    {
        var (ceo, company) = await fixture.CeoAsync();
        var workflow = await TopicWorkflowAsync(ceo, company, "Twice");
        var created = await ceo.PostAsJsonAsync($"/api/workflows/{workflow}/triggers", new { name = "Twice" });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("secret").GetString()!;
        var triggerId = body.GetProperty("trigger").GetProperty("id").GetInt64();

        using var outside = fixture.AnonymousClient();
        var payload = """{"topic":"Twice"}""";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DeliverAsync(outside, triggerId, payload, "same", now, Sign(secret, now, payload))));
        answers.Select(a => a.StatusCode).Should().ContainSingle(c => c == HttpStatusCode.Accepted).And.OnlyContain(c => c == HttpStatusCode.Accepted || c == HttpStatusCode.OK);
        var runIds = await Task.WhenAll(answers.Select(async a => (await a.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetInt64()));
        runIds.Distinct().Should().ContainSingle();
        (await RunsAsync(ceo, workflow)).Should().Be(1);

        // A viewer of the company reads the trigger but cannot change it.
        const string password = "viewer-password-for-trigger-tests";
        var email = $"viewer-{Guid.NewGuid():N}@triggers.test";
        var added = await ceo.PostAsJsonAsync("/api/users", new { email, displayName = "Vera", password, role = "viewer" });
        added.StatusCode.Should().Be(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        using var viewer = fixture.AnonymousClient(cookies: true);
        (await viewer.PostAsJsonAsync("/api/auth/login", new { email, password })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.GetAsync($"/api/triggers/{triggerId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.GetAsync($"/api/triggers/{triggerId}/firings")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.PostAsJsonAsync($"/api/workflows/{workflow}/triggers", new { name = "Mine" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.PostAsync($"/api/triggers/{triggerId}/secret", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.DeleteAsync($"/api/triggers/{triggerId}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        // Another company sees none of it.
        var (other, _) = await fixture.CeoAsync();
        var otherCompany = await other.PostAsJsonAsync("/api/companies", new { name = $"Elsewhere {Guid.NewGuid():N}" });
        otherCompany.StatusCode.Should().Be(HttpStatusCode.Created, await otherCompany.Content.ReadAsStringAsync());
        var switched = await other.PostAsJsonAsync("/api/auth/switch", new { companyId = (await otherCompany.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64() });
        switched.StatusCode.Should().Be(HttpStatusCode.OK);
        (await other.GetAsync($"/api/triggers/{triggerId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/triggers/{triggerId}/firings")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/workflows/{workflow}/triggers")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PostAsync($"/api/triggers/{triggerId}/secret", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/api/triggers/{triggerId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ceo.GetAsync($"/api/triggers/{triggerId}")).StatusCode.Should().Be(HttpStatusCode.OK, "the trigger is still there");
    }

    /// <summary>The scheme the README documents, computed here independently of the product's code.</summary>
    private static string Sign(string secret, long timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body)));

    private static Task<HttpResponseMessage> DeliverAsync(HttpClient client, long triggerId, string body, string delivery, long timestamp, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/{triggerId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Fluid-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Fluid-Delivery", delivery);
        request.Headers.Add("X-Fluid-Signature", signature);
        return client.SendAsync(request);
    }

    private static async Task<int> RunsAsync(HttpClient ceo, long workflow) =>
        (await ceo.GetFromJsonAsync<JsonElement>($"/api/workflows/{workflow}/runs")).GetArrayLength();

    private async Task<long> TopicWorkflowAsync(HttpClient ceo, long company, string name)
    {
        long agent;
        using (CallerContext.As("human:1"))
        {
            agent = (await fixture.Grains.GetGrain<ICompanyGrain>(company).CreateAgentAsync(new CreateAgentCommand
            {
                CompanyId = company,
                Profile = new AgentProfile { FirstName = "Tess", LastName = Guid.NewGuid().ToString("N")[..6], Role = "Copywriter", Department = "Marketing", Model = "offline" },
            })).Id;
        }

        var definition = new JsonObject
        {
            ["inputs"] = new JsonObject { ["topic"] = new JsonObject { ["type"] = "string", ["required"] = true } },
            ["steps"] = new JsonArray(new JsonObject
            {
                ["id"] = "write",
                ["agent"] = new JsonObject { ["id"] = agent },
                ["title"] = "Write about ${inputs.topic}",
                ["brief"] = "A short note on ${inputs.topic}.",
            }),
        };
        var response = await ceo.PostAsJsonAsync("/api/workflows", new { name = $"{name} {Guid.NewGuid():N}", definition });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
