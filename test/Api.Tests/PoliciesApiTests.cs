using System.Net;
using System.Net.Http.Json;

namespace FluidManager.Api.Tests;

public sealed class PoliciesApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Rules_are_data_added_read_updated_and_deleted()
    {
        using var ceo = await fixture.CeoAsync();
        var rules = await (await ceo.GetAsync("/api/policies/rules")).ReadJsonAsync();
        rules.EnumerateArray().Select(r => r.GetProperty("name").GetString()).Should().Contain(["direct-subordinates-only", "sales-never-above-engineering"]);

        var added = await (await ceo.PostAsJsonAsync("/api/policies/rules", new
        {
            name = "finance-never-above-marketing",
            kind = "role_separation",
            description = "Finance does not direct marketing.",
            roleSeparation = new { upper = new { departments = new[] { "Finance" } }, lower = new { departments = new[] { "Marketing" } }, reason = "Budgets are not briefs." },
        })).ReadJsonAsync(HttpStatusCode.Created);
        var id = added.GetProperty("id").GetInt64();
        added.GetProperty("roleSeparation").GetProperty("upper").GetProperty("departments")[0].GetString().Should().Be("finance");

        var cfo = await ceo.HireAsync("Fin", "CFO", "Finance");
        var marketer = await ceo.HireAsync("Mark", "Marketer", "Marketing");
        var answer = await (await ceo.GetAsync($"/api/policies/can-manage?manager={cfo}&subordinate={marketer}")).ReadJsonAsync();
        answer.GetProperty("allowed").GetBoolean().Should().BeFalse();
        answer.GetProperty("rule").GetString().Should().Be("role:finance-never-above-marketing");

        var get = await ceo.GetAsync($"/api/policies/rules/{id}");
        var update = new HttpRequestMessage(HttpMethod.Put, $"/api/policies/rules/{id}")
        {
            Content = JsonContent.Create(new { enabled = false, roleSeparation = new { upper = new { departments = new[] { "finance" } }, lower = new { roles = new[] { "marketer" } }, reason = "Off for now." } }),
        };
        update.Headers.IfMatch.Add(get.Headers.ETag!);
        (await (await ceo.SendAsync(update)).ReadJsonAsync()).GetProperty("enabled").GetBoolean().Should().BeFalse();
        (await (await ceo.GetAsync($"/api/policies/can-manage?manager={cfo}&subordinate={marketer}")).ReadJsonAsync()).GetProperty("allowed").GetBoolean().Should().BeTrue();

        var staleDelete = new HttpRequestMessage(HttpMethod.Delete, $"/api/policies/rules/{id}");
        staleDelete.Headers.IfMatch.Add(get.Headers.ETag!);
        await (await ceo.SendAsync(staleDelete)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        (await ceo.DeleteAsync($"/api/policies/rules/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await (await ceo.GetAsync($"/api/policies/rules/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var events = await ceo.EventsUntilAsync(null, e => e.Has("policy.rule_deleted"));
        events.Select(e => e.GetProperty("type").GetString()).Should().ContainInOrder("policy.rule_added", "policy.rule_updated", "policy.rule_deleted");
    }

    [Fact]
    public async Task Invalid_rules_and_questions_answer_400_naming_the_fields()
    {
        using var ceo = await fixture.CeoAsync();
        var missing = await (await ceo.PostAsJsonAsync("/api/policies/rules", new { description = "?" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        missing.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Contain(["name", "kind"]);

        var selectors = await (await ceo.PostAsJsonAsync("/api/policies/rules", new { name = "empty-rule", kind = "role_separation", roleSeparation = new { reason = "x" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        selectors.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Contain(["roleSeparation.upper", "roleSeparation.lower"]);

        var wrongSettings = await (await ceo.PostAsJsonAsync("/api/policies/rules", new { name = "scope-rule", kind = "delegation_scope", approval = new { action = "spending" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        wrongSettings.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Contain(["approval", "delegationScope"]);

        var kind = await (await ceo.PostAsJsonAsync("/api/policies/rules", new { name = "x", kind = "vibes" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        kind.GetProperty("errors").TryGetProperty("kind", out _).Should().BeTrue();

        var question = await (await ceo.GetAsync("/api/policies/can-assign?from=1")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        question.GetProperty("errors").TryGetProperty("to", out _).Should().BeTrue();
        await (await ceo.GetAsync("/api/policies/can-assign?from=987654&to=987655")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var approval = await (await ceo.GetAsync("/api/policies/requires-approval?action=spending&amount=10")).ReadJsonAsync();
        approval.GetProperty("required").GetBoolean().Should().BeTrue();
        approval.GetProperty("rule").GetString().Should().Be("approval:approval-spending");
        await (await ceo.GetAsync("/api/policies/requires-approval?action=bribe")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
    }
}
