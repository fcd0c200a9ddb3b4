using FluidManager.Scenarios;

namespace FluidManager.Api.Tests;

/// <summary>The meeting step of the scenario format and its expectations, as the reader checks them before anything is played.</summary>
public sealed class ScenarioMeetingFormatTests
{
    private const string Agents = """
        "agents": [ { "ref": "cto" }, { "ref": "cmo" }, { "ref": "cfo" } ],
        "org": { "ceo": ["cto", "cmo", "cfo"] }
        """;

    [Fact]
    public void A_meeting_step_with_its_optional_fields_and_the_expectations_on_it_is_read()
    {
        var scenario = ScenarioReader.Parse($$"""
            {
              {{Agents}},
              "steps": [
                { "do": "meeting", "ref": "q3", "title": "Q3 launch", "goal": "A plan", "agenda": ["Date", "Campaign"],
                  "participants": ["cto", "cmo"], "maxRounds": 2, "maxTokens": 5000, "budget": 1.5, "model": "offline",
                  "dispatch": "auto", "within": 60 },
                { "do": "comment", "task": "q3.cta1", "body": "On it." },
                { "do": "meeting", "ref": "sync", "title": "Sync", "participants": ["cfo"] }
              ],
              "expect": [
                { "type": "meetingStatus", "meeting": "q3", "status": "completed", "within": 5 },
                { "type": "count", "of": "meetings", "status": "completed", "equals": 2 },
                { "type": "count", "of": "ctas", "meeting": "q3", "status": "dispatched", "atLeast": 1 },
                { "type": "count", "of": "ctas", "atLeast": 1 },
                { "type": "taskStatus", "task": "q3.cta2", "status": "queued" },
                { "type": "event", "stream": "meeting:sync", "eventType": "meeting.minutes" },
                { "type": "event", "stream": "task:q3.cta1", "eventType": "task.commented" }
              ]
            }
            """);

        var meeting = scenario.Steps[0];
        meeting.Participants.Should().Equal("cto", "cmo");
        meeting.Agenda.Should().Equal("Date", "Campaign");
        (meeting.MaxRounds, meeting.MaxTokens, meeting.Budget, meeting.Model, meeting.Dispatch, meeting.Within).Should().Be((2, 5000L, 1.5m, "offline", "auto", 60d));
        scenario.Steps[2].Dispatch.Should().BeNull("review is the default, as in the Api");
        scenario.Expect[2].Meeting.Should().Be("q3");
        ScenarioPlayer.Describe(meeting).Should().Be("meeting \"Q3 launch\" with cto, cmo");
        ScenarioRefs.CallToAction("q3", 12).Should().Be("q3.cta12");
    }

    [Fact]
    public void A_meeting_step_with_a_missing_title_unknown_or_repeated_participants_or_a_bad_dispatch_is_refused_with_where()
    {
        var problems = Problems($$"""
            {
              {{Agents}},
              "steps": [
                { "do": "meeting", "ref": "q3", "participants": ["cto", "cfo2", "cto"], "dispatch": "always", "within": 0, "agenda": ["Date", ""] },
                { "do": "meeting", "ref": "q3", "title": "Again", "participants": [] },
                { "do": "meeting", "title": "Nobody" }
              ]
            }
            """);

        problems.Should().BeEquivalentTo(
            "steps[0].title: is required",
            "steps[0].participants[1]: 'cfo2' is not an agent ref",
            "steps[0].participants[2]: 'cto' takes part twice",
            "steps[0].agenda[1]: is required",
            "steps[0].dispatch: 'always' is not one of review, auto",
            "steps[0].within: must be more than 0 seconds",
            "steps[1].participants: at least one agent ref is required",
            "steps[1].ref: meeting ref 'q3' is used twice",
            "steps[2].participants: at least one agent ref is required");
    }

    [Fact]
    public void Calls_to_action_are_task_refs_only_after_a_meeting_that_dispatches_them()
    {
        var problems = Problems($$"""
            {
              {{Agents}},
              "steps": [
                { "do": "comment", "task": "q3.cta1", "body": "Too early." },
                { "do": "meeting", "ref": "q3", "title": "Q3", "participants": ["cto"], "dispatch": "auto" },
                { "do": "meeting", "ref": "review", "title": "Review", "participants": ["cmo"] },
                { "do": "pause", "task": "review.cta1" },
                { "do": "createTask", "ref": "q3.cta2", "title": "A task named like a call" },
                { "do": "start", "task": "q3.cta0" }
              ]
            }
            """);

        problems.Should().BeEquivalentTo(
            "steps[0].task: 'q3.cta1' is not a task ref defined before this entry",
            "steps[3].task: 'review.cta1' is a call to action of meeting 'review', which leaves them to review (give it \"dispatch\": \"auto\", or dispatch them in an earlier step)",
            "steps[4].ref: 'q3.cta2' names a call to action of meeting 'q3'",
            "steps[5].task: 'q3.cta0' is not a task ref defined before this entry");
    }

    [Fact]
    public void A_dispatch_step_names_a_meeting_held_before_it_and_makes_its_calls_task_refs_from_there_on()
    {
        var problems = Problems($$"""
            {
              {{Agents}},
              "steps": [
                { "do": "dispatch", "meeting": "review" },
                { "do": "meeting", "ref": "review", "title": "Review", "participants": ["cmo"] },
                { "do": "comment", "task": "review.cta1", "body": "Not yet dispatched." },
                { "do": "dispatch", "meeting": "review" },
                { "do": "comment", "task": "review.cta1", "body": "Dispatched now." },
                { "do": "dispatch" },
                { "do": "dispatch", "meeting": "q9" }
              ]
            }
            """);

        problems.Should().BeEquivalentTo(
            "steps[0].meeting: 'review' is not a meeting ref",
            "steps[2].task: 'review.cta1' is a call to action of meeting 'review', which leaves them to review (give it \"dispatch\": \"auto\", or dispatch them in an earlier step)",
            "steps[5].meeting: a meeting ref is required",
            "steps[6].meeting: 'q9' is not a meeting ref");
        ScenarioPlayer.Describe(new ScenarioStep { Do = "dispatch", Meeting = "review" }).Should().Be("dispatch the calls to action of meeting review");
    }

    [Fact]
    public void Meeting_expectations_name_a_meeting_of_the_file_and_only_a_count_of_ctas_takes_a_meeting()
    {
        var problems = Problems($$"""
            {
              {{Agents}},
              "steps": [ { "do": "meeting", "ref": "q3", "title": "Q3", "participants": ["cto"] } ],
              "expect": [
                { "type": "meetingStatus", "status": "completed" },
                { "type": "meetingStatus", "meeting": "q4" },
                { "type": "count", "of": "ctas", "meeting": "q4", "atLeast": 1 },
                { "type": "count", "of": "tasks", "meeting": "q3", "atLeast": 1 },
                { "type": "count", "of": "minutes", "atLeast": 1 },
                { "type": "event", "stream": "meeting:q4", "eventType": "meeting.minutes" }
              ]
            }
            """);

        problems.Should().BeEquivalentTo(
            "expect[0].meeting: a meeting ref is required",
            "expect[1].meeting: 'q4' is not a meeting ref",
            "expect[1].status: is required",
            "expect[2].meeting: 'q4' is not a meeting ref",
            "expect[3].meeting: filters a count of ctas only",
            "expect[4].of: one of agents, tasks, edges, rules, inbox, events, meetings, ctas is required",
            "expect[5].stream: 'meeting:q4' is not \"company\", task:<task ref>, agent:<agent ref> or meeting:<meeting ref>");
    }

    [Fact]
    public void A_typo_in_a_meeting_step_is_refused_by_name()
    {
        var typo = () => ScenarioReader.Parse("""{ "steps": [ { "do": "meeting", "title": "Q3", "participants": ["a"], "maxRound": 1 } ] }""");

        typo.Should().Throw<ScenarioFormatException>().Which.Problems.Single().Should().Contain("maxRound");
    }

    private static IReadOnlyList<string> Problems(string json)
    {
        var read = () => ScenarioReader.Parse(json);
        return read.Should().Throw<ScenarioFormatException>().Which.Problems;
    }
}
