using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Workflows;

namespace FluidManager.Grains.Tests;

/// <summary>The workflow format: what it accepts, and how it names what it refuses.</summary>
public sealed class WorkflowDefinitionTests
{
    public static string ProductPipeline()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "scenarios", "workflows", "product-pipeline.json");
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }

        throw new InvalidOperationException("scenarios/workflows/product-pipeline.json not found above " + AppContext.BaseDirectory);
    }

    private static (WorkflowDefinition Definition, IReadOnlyDictionary<string, string[]> Errors) Parse(string json)
    {
        var errors = new WorkflowErrors();
        var definition = WorkflowDefinition.Parse(JsonElement.Parse(json), errors);
        return (definition, errors.ToDictionary());
    }

    private static string Steps(params string[] steps) =>
        "{ \"inputs\": { \"product\": { \"type\": \"string\", \"required\": true } }, \"steps\": [" + string.Join(",", steps) + "] }";

    private static string Step(string id, string requires = "", string extra = "") =>
        $$"""{ "id": "{{id}}", "agent": { "role": "Analyst" }, "title": "Step {{id}}", "requires": [{{requires}}] {{extra}} }""";

    [Fact]
    public void The_product_pipeline_example_is_valid_with_its_compensation_standing_apart()
    {
        var (definition, errors) = Parse(ProductPipeline());
        errors.Should().BeEmpty();
        definition.Steps.Select(s => s.Id).Should().Equal("analyse", "content", "create", "withdraw");
        definition.Ancestors("create").Should().BeEquivalentTo(["analyse", "content"]);
        definition.Step("withdraw").IsCompensation.Should().BeTrue();
        definition.Step("create").OnFailure.Should().Be(StepFailurePolicy.Compensate);
        definition.Step("analyse").Retries.Should().Be(new StepRetries(2, 30));
        definition.Step("analyse").OutputSchema.Should().NotBeNull();
        definition.Inputs.Single(i => i.Name == "maxPrice").Default!.GetValue<int>().Should().Be(500);
        var shape = WorkflowRules.Shape(definition);
        shape.Layers.Should().BeEquivalentTo(new[] { new[] { "analyse" }, ["content"], ["create"], ["withdraw"] }, o => o.WithStrictOrdering());
        shape.Edges.Should().ContainEquivalentOf(new { From = "create", To = "withdraw", Kind = "compensates" });
    }

    [Fact]
    public void An_unknown_requirement_is_named_by_its_field()
    {
        var (_, errors) = Parse(Steps(Step("fetch"), Step("write", "\"fetch\""), Step("publish", "\"analyse\"")));
        errors.Should().ContainKey("steps[2].requires[0]").WhoseValue.Should().Equal("unknown step 'analyse'");
    }

    [Fact]
    public void A_cycle_is_refused_with_the_steps_along_it()
    {
        var (_, errors) = Parse(Steps(Step("a", "\"c\""), Step("b", "\"a\""), Step("c", "\"b\""), Step("d")));
        errors.Should().ContainSingle();
        errors.Single().Value.Single().Should().Be("the steps form a cycle: a → c → b → a");
    }

    [Fact]
    public void Templates_may_only_name_declared_inputs_and_steps_that_come_before()
    {
        var (_, errors) = Parse(Steps(
            Step("a", extra: """, "brief": "For ${inputs.prodcut}" """),
            Step("b", extra: """, "brief": "Uses ${steps.a.result.segment}" """),
            Step("c", "\"a\"", """, "title": "After ${steps.a.result.segment}", "brief": "${steps.nope.result} ${steps.a} ${weather}" """)));
        errors["steps[0].brief"].Should().Equal("unknown input 'prodcut'");
        errors["steps[1].brief"].Should().Equal("step 'a' is not among this step's requirements, so its result is not known yet");
        errors.Should().NotContainKey("steps[2].title");
        errors["steps[2].brief"].Should().HaveCount(3).And.Contain("unknown step 'nope'");
    }

    [Fact]
    public void Field_shapes_are_checked_one_by_one()
    {
        var (_, errors) = Parse("""
            {
              "inputs": { "n": { "type": "decimal" }, "m": { "type": "integer", "default": "ten" } },
              "steps": [
                { "id": "1bad", "agent": { "id": 3, "role": "x" }, "title": "", "retries": { "max": 50 }, "timeoutMinutes": 0,
                  "onFailure": "ignore", "output": { "schema": { "type": "nonsense" } }, "colour": "red" },
                { "id": "two", "agent": {}, "title": "ok", "if": "${inputs.m} >", "onFailure": "compensate" }
              ]
            }
            """);
        errors.Keys.Should().BeEquivalentTo([
            "inputs.n.type", "inputs.m.default", "steps[0].id", "steps[0].agent", "steps[0].title", "steps[0].retries.max",
            "steps[0].timeoutMinutes", "steps[0].onFailure", "steps[0].output.schema", "steps[0].colour",
            "steps[1].agent", "steps[1].if", "steps[1].compensateWith",
        ]);
    }

    [Fact]
    public void A_compensation_step_cannot_be_required_or_compensate_itself()
    {
        var (_, errors) = Parse(Steps(
            Step("a", extra: """, "onFailure": "compensate", "compensateWith": "undo" """),
            Step("undo"),
            Step("b", "\"undo\"")));
        errors.Should().ContainKey("steps[2].requires[0]").WhoseValue.Single().Should().Contain("compensation step");
        var (_, self) = Parse(Steps(Step("c", extra: """, "onFailure": "compensate", "compensateWith": "c" """)));
        self.Should().ContainKey("steps[0].compensateWith").WhoseValue.Should().Equal("a step cannot compensate itself");
    }

    [Fact]
    public void Templates_render_inputs_and_structured_results()
    {
        var scope = new WorkflowScope(
            new JsonObject { ["product"] = "kettle", ["max"] = 40 },
            new Dictionary<string, StepOutcome>
            {
                ["analyse"] = new("done", JsonNode.Parse("""{ "segment": "students", "price": 29.5, "tags": ["cheap", "fast"] }"""), null),
                ["broken"] = new("failed", null, "model unavailable"),
            });
        WorkflowTemplate.Render("A ${inputs.product} for ${steps.analyse.result.segment} at ${steps.analyse.result.price} (${steps.analyse.result.tags.1})", scope)
            .Should().Be("A kettle for students at 29.5 (fast)");
        WorkflowTemplate.Render("${steps.analyse.result.tags} / ${steps.broken.status}: ${steps.broken.error} / [${steps.analyse.result.missing}]", scope)
            .Should().Be("""["cheap","fast"] / failed: model unavailable / []""");
    }

    [Fact]
    public void Conditions_are_evaluated_with_references_bound_as_values_not_pasted_as_text()
    {
        var scope = new WorkflowScope(
            new JsonObject { ["max"] = 40, ["name"] = "x' == 'x" },
            new Dictionary<string, StepOutcome> { ["analyse"] = new("done", JsonNode.Parse("""{ "demand": "high", "price": 29.5 }"""), null) });
        WorkflowCondition.Evaluate("${steps.analyse.result.demand} == 'high' && ${steps.analyse.result.price} < ${inputs.max}", scope).Should().BeTrue();
        WorkflowCondition.Evaluate("${steps.analyse.result.price} > ${inputs.max}", scope).Should().BeFalse();
        WorkflowCondition.Evaluate("${inputs.name} == 'x'", scope).Should().BeFalse();
        var notBoolean = () => WorkflowCondition.Evaluate("${inputs.max} + 1", scope);
        notBoolean.Should().Throw<WorkflowConditionException>().WithMessage("*not true or false*");
        WorkflowCondition.EvaluateOn("${payload.status} == 'done' && ${payload.cost} > 1", JsonNode.Parse("""{ "status": "done", "cost": 2 }""")).Should().BeTrue();
    }

    [Fact]
    public void Inputs_take_their_defaults_and_a_condition_on_inputs_alone_can_be_decided_before_a_run()
    {
        var (definition, _) = Parse("""
            {
              "inputs": { "n": { "type": "integer", "default": 3 }, "tag": { "type": "string" }, "rush": { "type": "boolean", "required": true } },
              "steps": [ { "id": "a", "agent": { "id": 1 }, "title": "Do ${inputs.n} for ${inputs.tag}", "if": "${inputs.rush} && ${inputs.n} > 2" } ]
            }
            """);
        var errors = new WorkflowErrors();
        var bound = WorkflowInputs.Bind(definition, JsonElement.Parse("""{ "rush": true }"""), errors);
        errors.Count.Should().Be(0);
        bound.ToJsonString().Should().Be("""{"n":3,"tag":null,"rush":true}""");
        WorkflowTemplate.RenderInputs("Do ${inputs.n} for ${inputs.tag} after ${steps.x.result}", bound).Should().Be("Do 3 for  after ${steps.x.result}");
        WorkflowCondition.Evaluate(definition.Steps[0].If!, new WorkflowScope(bound, new Dictionary<string, StepOutcome>())).Should().BeTrue();

        WorkflowInputs.Bind(definition, JsonElement.Parse("""{ "n": 2.5 }"""), errors);
        errors.ToDictionary().Should().BeEquivalentTo(new Dictionary<string, string[]> { ["inputs.n"] = ["must be of type integer"], ["inputs.rush"] = ["is required"] });
    }

    [Fact]
    public void Retries_back_off_doubling_from_the_first_retry()
    {
        var retries = new StepRetries(3, 30);
        retries.DelayBefore(1).Should().Be(TimeSpan.Zero);
        retries.DelayBefore(2).Should().Be(TimeSpan.FromSeconds(30));
        retries.DelayBefore(3).Should().Be(TimeSpan.FromSeconds(60));
        retries.DelayBefore(4).Should().Be(TimeSpan.FromSeconds(120));
    }
}
