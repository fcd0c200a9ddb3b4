using FluidManager.Api.Demo;
using FluidManager.Runtime.Grains;
using FluidManager.Scenarios;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FluidManager.Meetings.Tests;

/// <summary>A scenario's meeting step played through the grains, as the demo loader plays it: started, not waited for.</summary>
public sealed class ScenarioMeetingTests(MeetingsFixture fixture) : IClassFixture<MeetingsFixture>
{
    [Fact]
    public async Task The_demo_loader_starts_a_scenario_meeting_as_the_ceo_and_its_minutes_dispatch_the_calls_after_the_play_even_when_a_dispatch_step_came_first()
    {
        var scenario = ScenarioReader.Parse("""
            {
              "agents": [
                { "ref": "cfo", "firstName": "Vera", "lastName": "Test", "role": "CFO", "department": "Finance", "model": "offline",
                  "systemPrompt": "You are Vera Test, the CFO.", "styleGuidelines": "Short sentences." },
                { "ref": "accountant", "firstName": "Otto", "lastName": "Test", "role": "Accountant", "department": "Finance", "model": "offline",
                  "systemPrompt": "You are Otto Test, the accountant.", "styleGuidelines": "Short sentences." }
              ],
              "org": { "ceo": ["cfo"], "cfo": ["accountant"] },
              "steps": [
                { "do": "meeting", "ref": "budget", "title": "Budget 2027", "goal": "A budget", "agenda": ["Costs", "Hiring"],
                  "participants": ["cfo"], "maxRounds": 1, "budget": 5, "dispatch": "auto" },
                { "do": "meeting", "ref": "review", "title": "Cost review", "participants": ["cfo", "accountant"], "maxRounds": 1 },
                { "do": "meeting", "ref": "hiring", "title": "Hiring plan", "participants": ["cfo", "accountant"], "maxRounds": 1 },
                { "do": "dispatch", "meeting": "hiring" }
              ]
            }
            """);
        var grains = fixture.Api.Services.GetRequiredService<IGrainFactory>();
        var json = fixture.Api.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var player = new ScenarioPlayer(new GrainScenarioActions(grains, fixture.CompanyId, json));

        ScenarioRun run;
        using (CallerContext.As($"human:{fixture.CeoUserId}"))
        {
            run = await player.PlayAsync(scenario);
        }

        run.Outcomes.Should().BeEmpty("every step was accepted");
        run.Meetings.Keys.Should().BeEquivalentTo("budget", "review", "hiring");
        run.Tasks.Keys.Where(k => !k.StartsWith("hiring.cta", StringComparison.Ordinal)).Should().BeEmpty(
            "the loader does not wait for the minutes: only a dispatch step that finds them written already names calls to action");

        var budget = run.Meetings["budget"];
        var meeting = await fixture.WaitForMeetingAsync(budget, ["completed", "failed"]);
        meeting.GetProperty("status").GetString().Should().Be("completed", meeting.GetRawText());
        meeting.GetProperty("createdBy").GetString().Should().Be($"human:{fixture.CeoUserId}");
        meeting.GetProperty("agenda").EnumerateArray().Select(a => a.GetString()).Should().Equal("Costs", "Hiring");
        meeting.GetProperty("budget").GetDecimal().Should().Be(5m);
        meeting.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("agentId").GetInt64()).Should().Equal(run.Agents["cfo"]);

        var calls = (await fixture.GetAsync($"/api/meetings/{budget}/minutes")).GetProperty("callsToAction").EnumerateArray().ToList();
        calls.Should().NotBeEmpty().And.OnlyContain(c => c.GetProperty("status").GetString() == "dispatched");
        foreach (var call in calls)
        {
            var task = await fixture.GetAsync($"/api/tasks/{call.GetProperty("taskId").GetInt64()}");
            task.GetProperty("assigneeAgentId").GetInt64().Should().Be(run.Agents["cfo"]);
            task.GetProperty("createdBy").GetString().Should().Be($"human:{fixture.CeoUserId}");
        }

        var review = await fixture.WaitForMeetingAsync(run.Meetings["review"], ["completed", "failed"]);
        review.GetProperty("status").GetString().Should().Be("completed", review.GetRawText());
        (await fixture.GetAsync($"/api/meetings/{run.Meetings["review"]}/minutes")).GetProperty("callsToAction").EnumerateArray()
            .Should().NotBeEmpty().And.OnlyContain(c => c.GetProperty("status").GetString() == "proposed", "without dispatch the calls wait for the CEO's review");

        // The dispatch step ran before the minutes were written (or just after): either way they go out.
        var hiring = await fixture.WaitForMeetingAsync(run.Meetings["hiring"], ["completed", "failed"]);
        hiring.GetProperty("status").GetString().Should().Be("completed", hiring.GetRawText());
        hiring.GetProperty("autoDispatch").GetBoolean().Should().BeTrue();
        (await fixture.GetAsync($"/api/meetings/{run.Meetings["hiring"]}/minutes")).GetProperty("callsToAction").EnumerateArray()
            .Should().NotBeEmpty().And.OnlyContain(c => c.GetProperty("status").GetString() != "proposed", "the dispatch step sent them out");
    }

    [Fact]
    public async Task A_meeting_step_the_api_refuses_is_a_failed_step_with_the_api_s_answer()
    {
        var scenario = ScenarioReader.Parse("""
            {
              "agents": [ { "ref": "cmo", "firstName": "Cleo", "lastName": "Test", "role": "CMO", "department": "Marketing", "model": "offline",
                            "systemPrompt": "You are Cleo Test, the CMO.", "styleGuidelines": "Short sentences." } ],
              "org": { "ceo": ["cmo"] },
              "steps": [
                { "do": "meeting", "ref": "long", "title": "Too long", "participants": ["cmo"], "maxRounds": 51 },
                { "do": "meeting", "title": "Refused as expected", "participants": ["cmo"], "maxRounds": 0,
                  "expectError": { "status": 400, "code": "validation" } }
              ]
            }
            """);
        var grains = fixture.Api.Services.GetRequiredService<IGrainFactory>();
        var json = fixture.Api.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        ScenarioRun run;
        using (CallerContext.As($"human:{fixture.CeoUserId}"))
        {
            run = await new ScenarioPlayer(new GrainScenarioActions(grains, fixture.CompanyId, json)).PlayAsync(scenario);
        }

        run.Outcomes.Should().HaveCount(2);
        run.Outcomes[0].Should().Match<ScenarioOutcome>(o => !o.Passed && o.Where == "steps[0]" && o.Detail!.Contains("maxRounds", StringComparison.Ordinal));
        run.Outcomes[1].Passed.Should().BeTrue(run.Outcomes[1].Detail);
        run.Meetings.Should().BeEmpty();
    }
}
