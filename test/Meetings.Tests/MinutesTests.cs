using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Meetings;
using FluidManager.Models;
using FluidManager.Models.Offline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace FluidManager.Meetings.Tests;

/// <summary>Validation of synthesis answers, and the offline model's minutes passing it.</summary>
public sealed class MinutesTests
{
    private static readonly DateOnly Today = new(2026, 11, 21);
    private static readonly HashSet<long> Owners = [7, 8];

    [Fact]
    public void Valid_minutes_in_a_code_fence_are_read_whole()
    {
        var (minutes, errors) = MinutesParser.Parse("""
            ```json
            {"summary": "Go.", "decisions": ["Launch in July"], "risks": ["Late demo"], "open_questions": ["Budget?"],
             "calls_to_action": [{"title": "Demo", "description": "Build it", "owner_agent_id": "8", "due_date": "2026-12-01", "priority": "HIGH", "rationale": "Sales asked.", "decision": 1}]}
            ```
            """, Owners, Today);
        errors.Should().BeEmpty();
        minutes!.Decisions.Should().Equal("Launch in July");
        minutes.CallsToAction.Should().ContainSingle().Which.Should().Be(new ParsedCta("Demo", "Build it", 8, new DateOnly(2026, 12, 1), TaskPriority.High, "Sales asked.", 1));
    }

    [Theory]
    [InlineData("Everyone agreed.", "not a JSON object")]
    [InlineData("[1, 2]", "one JSON object")]
    [InlineData("""{"decisions": [], "risks": [], "open_questions": [], "calls_to_action": []}""", "summary: is required")]
    [InlineData("""{"summary": "x", "decisions": "none", "risks": [], "open_questions": [], "calls_to_action": []}""", "decisions: must be an array of strings")]
    [InlineData("""{"summary": "x", "decisions": [], "risks": [], "open_questions": [], "calls_to_action": [{"title": "A", "owner_agent_id": 99, "rationale": "r"}]}""", "calls_to_action[0].owner_agent_id: 99 is not one of the candidates (7, 8)")]
    [InlineData("""{"summary": "x", "decisions": [], "risks": [], "open_questions": [], "calls_to_action": [{"title": "A", "owner_agent_id": 7, "rationale": "r", "due_date": "2026-01-01"}]}""", "calls_to_action[0].due_date: 2026-01-01 is in the past")]
    [InlineData("""{"summary": "x", "decisions": [], "risks": [], "open_questions": [], "calls_to_action": [{"title": "A", "owner_agent_id": 7, "rationale": "r", "priority": "asap"}]}""", "calls_to_action[0].priority")]
    [InlineData("""{"summary": "x", "decisions": [], "risks": [], "open_questions": [], "calls_to_action": [{"title": "A", "owner_agent_id": 7, "rationale": "r", "decision": 1}]}""", "calls_to_action[0].decision: must be the number of a decision (1 to 0)")]
    [InlineData("""{"summary": "x", "decisions": [], "risks": [], "open_questions": [], "calls_to_action": [{"title": "", "owner_agent_id": 7}]}""", "calls_to_action[0].rationale: is required")]
    public void Invalid_minutes_are_refused_whole_with_errors_naming_the_place(string answer, string error)
    {
        var (minutes, errors) = MinutesParser.Parse(answer, Owners, Today);
        minutes.Should().BeNull();
        errors.Should().Contain(e => e.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_offline_model_writes_valid_minutes_with_a_call_per_participant_and_one_for_a_developer_raised_by_sales()
    {
        var context = new MeetingContext
        {
            Mode = MeetingContext.MinutesMode,
            Meeting = new MeetingRef(5, "Q3 launch", "agree on the plan", ["Launch date", "Campaign"]),
            Participants = [new(1, "Ada Test", "CTO", "Engineering"), new(2, "Cleo Test", "CMO", "Marketing"), new(3, "Sam Test", "Head of Sales", "Sales")],
            Candidates =
            [
                new(1, "Ada Test", "CTO", "Engineering"), new(2, "Cleo Test", "CMO", "Marketing"), new(3, "Sam Test", "Head of Sales", "Sales"),
                new(4, "Grace Test", "Engineering Manager", "Engineering", 1, 1), new(6, "Rita Test", "Sales Representative", "Sales", 1, 3),
                new(5, "Linus Test", "Frontend Developer", "Engineering", 2, 4),
            ],
            Today = "2026-11-21",
        };
        var model = new OfflineChatModel(Options.Create(new ModelsOptions()));
        var request = new ChatRequest { Messages = [ChatMessage.System("Write the minutes.\n" + context.ToPromptBlock()), ChatMessage.User("Transcript: ...")], MaxOutputTokens = 2048 };
        var first = await model.GetResponseAsync(request, CancellationToken.None);
        var second = await model.GetResponseAsync(request, CancellationToken.None);
        second.Text.Should().Be(first.Text, "the offline model is deterministic");

        var (minutes, errors) = MinutesParser.Parse(first.Text, new HashSet<long> { 1, 2, 3, 4, 5, 6 }, Today);
        errors.Should().BeEmpty(first.Text);
        minutes!.Decisions.Should().HaveCount(2);
        minutes.CallsToAction.Select(c => c.OwnerAgentId).Should().Equal(1, 2, 3, 5);
        minutes.CallsToAction[^1].Rationale.Should().Contain("Sam Test (Head of Sales)");
        minutes.CallsToAction.Should().OnlyContain(c => c.DueDate > Today);
    }
}
