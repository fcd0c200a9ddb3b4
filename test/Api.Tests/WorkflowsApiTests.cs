using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluidManager.Api.Tests;

/// <summary>Workflow templates over HTTP: saved as versions, checked against the format and the company's agents.</summary>
public sealed class WorkflowsApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    public static JsonNode ProductPipeline()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "scenarios", "workflows", "product-pipeline.json");
            if (File.Exists(path))
            {
                return JsonNode.Parse(File.ReadAllText(path))!;
            }
        }

        throw new InvalidOperationException("scenarios/workflows/product-pipeline.json not found above " + AppContext.BaseDirectory);
    }

    private static async Task HirePipelineTeamAsync(HttpClient ceo, string tag)
    {
        await ceo.HireAsync($"Ana{tag}", "Market Analyst", "Strategy");
        await ceo.HireAsync($"Max{tag}", "Copywriter", "Marketing");
        await ceo.HireAsync($"Pim{tag}", "Product Manager", "Product");
    }

    [Fact]
    public async Task The_product_pipeline_is_saved_as_written_and_each_save_is_a_new_version()
    {
        using var ceo = await fixture.CeoAsync();
        await HirePipelineTeamAsync(ceo, "V");
        var definition = ProductPipeline();
        var created = await (await ceo.PostAsJsonAsync("/api/workflows", new { name = "Product pipeline V", definition })).ReadJsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt64();
        created.GetProperty("version").GetInt64().Should().Be(1);
        created.GetProperty("stepCount").GetInt32().Should().Be(4);
        created.GetProperty("description").GetString().Should().StartWith("From a product idea");
        JsonNode.DeepEquals(JsonNode.Parse(created.GetProperty("definition").GetRawText()), definition).Should().BeTrue();
        created.GetProperty("definition").GetProperty("steps")[0].EnumerateObject().Select(p => p.Name).Should()
            .StartWith(["id", "agent", "title", "brief", "output"], "the definition keeps the order it was written in");

        var get = await ceo.GetAsync($"/api/workflows/{id}");
        get.Headers.ETag!.Tag.Should().Be("\"1\"");
        definition["description"] = "Second version.";
        var update = new HttpRequestMessage(HttpMethod.Put, $"/api/workflows/{id}") { Content = JsonContent.Create(new { name = "Product pipeline V", definition }) };
        update.Headers.IfMatch.Add(get.Headers.ETag);
        var updated = await (await ceo.SendAsync(update)).ReadJsonAsync();
        updated.GetProperty("version").GetInt64().Should().Be(2);
        updated.GetProperty("description").GetString().Should().Be("Second version.");

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/workflows/{id}") { Content = JsonContent.Create(new { name = "Product pipeline V", definition }) };
        stale.Headers.IfMatch.Add(get.Headers.ETag);
        await (await ceo.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);

        var versions = await (await ceo.GetAsync($"/api/workflows/{id}/versions")).ReadJsonAsync();
        versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt64()).Should().Equal(2, 1);
        var first = await (await ceo.GetAsync($"/api/workflows/{id}/versions/1")).ReadJsonAsync();
        first.GetProperty("definition").GetProperty("description").GetString().Should().StartWith("From a product idea");
        await (await ceo.GetAsync($"/api/workflows/{id}/versions/9")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var list = await (await ceo.GetAsync("/api/workflows")).ReadJsonAsync();
        list.EnumerateArray().Should().Contain(w => w.GetProperty("id").GetInt64() == id && w.GetProperty("version").GetInt64() == 2);
        var duplicate = await (await ceo.PostAsJsonAsync("/api/workflows", new { name = "product pipeline v", definition })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        duplicate.GetProperty("errors").GetProperty("name")[0].GetString().Should().Contain("already exists");

        var events = await ceo.EventsUntilAsync($"workflow:{id}", e => e.Has("workflow.updated"));
        events.Select(e => e.GetProperty("type").GetString()).Should().ContainInOrder("workflow.created", "workflow.updated");

        (await ceo.DeleteAsync($"/api/workflows/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await (await ceo.GetAsync($"/api/workflows/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_definition_answers_400_naming_each_field()
    {
        using var ceo = await fixture.CeoAsync();
        await HirePipelineTeamAsync(ceo, "E");
        var definition = ProductPipeline();
        definition["steps"]![2]!["requires"] = new JsonArray("content", "analyze");
        definition["steps"]![1]!["agent"] = new JsonObject { ["role"] = "Astronaut" };
        definition["steps"]![0]!["brief"] = "For ${inputs.prodcut}";
        var problem = await (await ceo.PostAsJsonAsync("/api/workflows", new { name = "Broken", definition })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        var errors = problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
        errors.Should().ContainKey("definition.steps[2].requires[1]").WhoseValue.Should().Equal("unknown step 'analyze'");
        errors.Should().ContainKey("definition.steps[1].agent.role").WhoseValue.Should().Equal("no agent of this company has the role 'Astronaut'");

        var cycle = ProductPipeline();
        cycle["steps"]![0]!["requires"] = new JsonArray("create");
        var cyclic = await (await ceo.PostAsJsonAsync("/api/workflows/check", new { definition = cycle })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        cyclic.GetProperty("errors").EnumerateObject().Single().Value[0].GetString().Should().StartWith("the steps form a cycle:");

        var missing = await (await ceo.PostAsJsonAsync("/api/workflows", new { name = " " })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        missing.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo(["name", "definition"]);
        var notAnObject = await (await ceo.PostAsJsonAsync("/api/workflows", new { name = "Array", definition = new[] { 1 } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        notAnObject.GetProperty("errors").GetProperty("definition")[0].GetString().Should().Contain("must be a JSON object");
    }

    [Fact]
    public async Task Check_gives_the_layers_of_the_graph_without_saving()
    {
        using var ceo = await fixture.CeoAsync();
        await HirePipelineTeamAsync(ceo, "C");
        var before = (await (await ceo.GetAsync("/api/workflows")).ReadJsonAsync()).GetArrayLength();
        var shape = await (await ceo.PostAsJsonAsync("/api/workflows/check", new { definition = ProductPipeline() })).ReadJsonAsync();
        shape.GetProperty("layers").EnumerateArray().Select(l => string.Join(",", l.EnumerateArray().Select(s => s.GetString()))).Should().Equal("analyse", "content", "create", "withdraw");
        shape.GetProperty("edges").EnumerateArray().Select(e => $"{e.GetProperty("from").GetString()}>{e.GetProperty("to").GetString()}:{e.GetProperty("kind").GetString()}")
            .Should().BeEquivalentTo(["analyse>content:requires", "analyse>create:requires", "content>create:requires", "create>withdraw:compensates"]);
        shape.GetProperty("inputs").EnumerateArray().Select(i => i.GetString()).Should().Equal("product", "market", "maxPrice");
        (await (await ceo.GetAsync("/api/workflows")).ReadJsonAsync()).GetArrayLength().Should().Be(before);
    }

    [Fact]
    public async Task Preview_binds_the_inputs_with_defaults_and_names_each_wrong_one()
    {
        using var ceo = await fixture.CeoAsync();
        await HirePipelineTeamAsync(ceo, "P");
        var created = await (await ceo.PostAsJsonAsync("/api/workflows", new { name = "Pipeline preview", definition = ProductPipeline() })).ReadJsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt64();

        var preview = await (await ceo.PostAsJsonAsync($"/api/workflows/{id}/preview", new { inputs = new { product = "Kettle" } })).ReadJsonAsync();
        preview.GetProperty("version").GetInt64().Should().Be(1);
        preview.GetProperty("inputs").GetProperty("market").GetString().Should().Be("EU");
        preview.GetProperty("inputs").GetProperty("maxPrice").GetInt32().Should().Be(500);
        var steps = preview.GetProperty("steps").EnumerateArray().ToList();
        steps[0].GetProperty("title").GetString().Should().Be("Market analysis: Kettle in EU");
        steps[1].GetProperty("brief").GetString().Should().Be("Write the product page for Kettle, aimed at ${steps.analyse.result.segment}, at ${steps.analyse.result.price}.");
        steps[1].GetProperty("condition").ValueKind.Should().Be(JsonValueKind.Null, "the condition needs a result");
        steps[3].GetProperty("compensation").GetBoolean().Should().BeTrue();

        var wrong = await (await ceo.PostAsJsonAsync($"/api/workflows/{id}/preview", new { inputs = new { maxPrice = "cheap", colour = "red" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        var errors = wrong.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
        errors.Should().BeEquivalentTo(new Dictionary<string, string[]>
        {
            ["inputs.product"] = ["is required"],
            ["inputs.maxPrice"] = ["must be of type number"],
            ["inputs.colour"] = ["is not an input of this workflow"],
        });
        await (await ceo.PostAsJsonAsync("/api/workflows/987654321/preview", new { inputs = new { product = "x" } })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_company_neither_sees_nor_changes_a_template()
    {
        using var ceo = await fixture.CeoAsync();
        await HirePipelineTeamAsync(ceo, "B");
        var created = await (await ceo.PostAsJsonAsync("/api/workflows", new { name = "Acme only", definition = ProductPipeline() })).ReadJsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt64();

        await fixture.WorldAsync();
        using var beta = await fixture.SignInAsync(World.BetaCeoEmail, ApiFixture.Password);
        await (await beta.GetAsync($"/api/workflows/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await beta.GetAsync($"/api/workflows/{id}/versions")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await beta.PutAsJsonAsync($"/api/workflows/{id}", new { name = "Taken", definition = ProductPipeline() })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await (await beta.GetAsync("/api/workflows")).ReadJsonAsync()).EnumerateArray().Should().NotContain(w => w.GetProperty("id").GetInt64() == id);

        // Beta has no Market Analyst: the roles a definition names are looked up in the caller's company.
        var problem = await (await beta.PostAsJsonAsync("/api/workflows/check", new { definition = ProductPipeline() })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("definition.steps[0].agent.role", out _).Should().BeTrue();
    }
}
