using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Triggers;
using FluidManager.Runtime.Events;

namespace FluidManager.Grains.Tests;

/// <summary>An event trigger's templates and checks: what they accept, how they fill in an event, and what they refuse.</summary>
public sealed class TriggerRulesTests
{
    private static readonly TriggerEvent Completed = new(
        4_194_305, "task:12", "task.completed",
        JsonElement.Parse("""{"task":{"id":12,"title":"Server down","priority":"high","cost":12.5,"tags":["ops"]}}"""));

    [Fact]
    public void A_reference_alone_keeps_its_type_and_text_around_references_is_filled_in()
    {
        var template = JsonNode.Parse("""
            {"topic":"Follow up on ${payload.task.title}","id":"${payload.task.id}","cost":" ${payload.task.cost} ",
             "tags":"${payload.task.tags}","missing":"${payload.task.nothing}","fixed":7,"nested":{"at":"${event.position}","type":"${event.type}"}}
            """);

        var rendered = TriggerRules.Render(template, Completed)!.AsObject();

        rendered["topic"]!.GetValue<string>().Should().Be("Follow up on Server down");
        rendered["id"]!.GetValue<long>().Should().Be(12);
        rendered["cost"]!.GetValue<double>().Should().Be(12.5);
        rendered["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Equal("ops");
        rendered["missing"].Should().BeNull();
        rendered["fixed"]!.GetValue<int>().Should().Be(7);
        rendered["nested"]!["at"]!.GetValue<long>().Should().Be(4_194_305);
        rendered["nested"]!["type"]!.GetValue<string>().Should().Be("task.completed");
    }

    [Fact]
    public void A_condition_reads_the_payload()
    {
        TriggerRules.Holds("${payload.task.priority} == 'high' && ${payload.task.cost} > 10", Completed).Should().BeTrue();
        TriggerRules.Holds("${payload.task.priority} == 'low'", Completed).Should().BeFalse();
        TriggerRules.Holds(null, Completed).Should().BeTrue("no condition: every event of the type fires");
    }

    [Theory]
    [InlineData("task.completed", true)]
    [InlineData("custom.lead_qualified", true)]
    [InlineData("custom.sales.lead_won", true)]
    [InlineData("task", false)]
    [InlineData("Task.Completed", false)]
    [InlineData("task completed", false)]
    [InlineData("", false)]
    public void An_event_type_is_lowercase_words_joined_by_dots(string type, bool valid) =>
        (TriggerRules.EventTypeError(type) is null).Should().Be(valid);

    [Fact]
    public void A_wrong_condition_or_reference_is_named()
    {
        TriggerRules.ConditionError("${payload.task.priority} ==").Should().Contain("not a valid condition");
        TriggerRules.ConditionError("${steps.a.result} == 1").Should().Contain("${payload.field}");
        TriggerRules.ConditionError("${payload.task.priority} == 'high'").Should().BeNull();
        var wrong = TriggerRules.TemplateError(JsonNode.Parse("""{"a":{"b":["ok","${secrets.key}"]}}"""));
        wrong.Should().NotBeNull();
        wrong!.Value.Path.Should().Be("a.b[1]");
        TriggerRules.CustomNameError("lead_qualified").Should().BeNull();
        TriggerRules.CustomNameError("Lead Qualified!").Should().Contain("not an event name");
    }

    [Fact]
    public void The_company_stream_copy_of_an_event_written_on_its_own_stream_in_the_same_transaction_is_skipped()
    {
        var payload = JsonElement.Parse("""{"approval":{"id":3}}""");
        var xid = 77L << 20;
        var onTask = new EventRecord(xid + 1, 5, "task:9", "approval.approved", payload, null, DateTimeOffset.UtcNow);
        var onCompany = new EventRecord(xid + 2, 5, "company:5", "approval.approved", payload, null, DateTimeOffset.UtcNow);
        var alone = new EventRecord((78L << 20) + 1, 5, "company:5", "alert.fired", payload, null, DateTimeOffset.UtcNow);
        IReadOnlyList<EventRecord> page = [onTask, onCompany, alone];

        EventTriggerDispatcher.IsCompanyCopy(onTask, page).Should().BeFalse();
        EventTriggerDispatcher.IsCompanyCopy(onCompany, page).Should().BeTrue();
        EventTriggerDispatcher.IsCompanyCopy(alone, page).Should().BeFalse();
    }
}
