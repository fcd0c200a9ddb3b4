using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FluidManager.TestSupport;

namespace FluidManager.Meetings.Tests;

/// <summary>Meetings with the scripted model, through the Api, watched live through the hub.</summary>
public sealed class ScriptedMeetingTests(MeetingsFixture fixture) : IClassFixture<MeetingsFixture>
{
    private static readonly string[] Finished = ["completed", "failed"];

    [Fact]
    public async Task Turns_follow_the_round_order_a_CEO_question_is_answered_next_an_invalid_synthesis_is_retried_and_the_hub_sees_every_message_in_order()
    {
        var scenario = "meeting-" + Guid.NewGuid().ToString("N")[..8];
        var model = "scripted:" + scenario;
        var cto = await fixture.HireAsync("Ada", "CTO", "Engineering", model: model);
        var cmo = await fixture.HireAsync("Cleo", "CMO", "Marketing", model: model);
        var sales = await fixture.HireAsync("Sam", "Head of Sales", "Sales", model: model);
        await fixture.AddScenarioAsync(scenario, $$"""
            { "turns": [
              { "agent": "Ada", "repeat": true, "text": "Ada: the platform is ready for the launch." },
              { "agent": "Cleo", "lastMessage": "(round 1)", "delayMs": 3000, "text": "Cleo: the campaign starts two weeks before." },
              { "agent": "Cleo", "repeat": true, "text": "Cleo: the campaign starts two weeks before." },
              { "agent": "Sam", "lastMessage": "asks you", "repeat": true, "text": "Sam answers the CEO: customers ask for a demo." },
              { "agent": "Sam", "repeat": true, "text": "Sam: ten accounts are waiting." },
              { "task": "Minutes", "lastMessage": "Write the minutes now", "text": "Here are the minutes: everyone agreed." },
              { "task": "Minutes", "lastMessage": "not valid", "text": "{\"summary\": \"Launch on track.\", \"decisions\": [\"Launch on 1 July\"], \"risks\": [\"Demo not ready\"], \"open_questions\": [], \"calls_to_action\": [ {\"title\": \"Prepare the demo\", \"description\": \"A demo path for customers.\", \"owner_agent_id\": {{cto}}, \"due_date\": \"2999-01-01\", \"priority\": \"high\", \"rationale\": \"Raised by Sam.\", \"decision\": 1}, {\"title\": \"Launch the campaign\", \"owner_agent_id\": {{cmo}}, \"priority\": \"normal\", \"rationale\": \"Cleo's plan.\"} ] }" } ] }
            """);
        await using var hub = await fixture.ConnectHubAsync();

        var meeting = await fixture.PostAsync("/api/meetings", new
        {
            title = "Q3 launch",
            goal = "agree who does what for the launch",
            agenda = new[] { "Readiness", "Campaign" },
            participantAgentIds = new[] { cto, cmo, sales },
            maxRounds = 2,
        }, HttpStatusCode.Created);
        var id = meeting.GetProperty("id").GetInt64();
        meeting.GetProperty("status").GetString().Should().Be("draft");
        await fixture.PostAsync($"/api/meetings/{id}/start", null);

        // Ada speaks first; Cleo's first turn is then in flight (3 s), and the CEO asks Sam a question.
        await hub.WaitAsync(e => Messages(e, id).Any(m => m.TryGetProperty("speakerAgentId", out var agent) && agent.ValueKind == JsonValueKind.Number), "Ada's message");
        var question = await fixture.PostAsync($"/api/meetings/{id}/messages", new { text = "Sam, what do customers say?", toAgentId = sales }, HttpStatusCode.Created);
        question.GetProperty("speakerKind").GetString().Should().Be("human");

        var done = await fixture.WaitForMeetingAsync(id, Finished);
        done.GetProperty("status").GetString().Should().Be("completed", done.GetRawText());
        done.GetProperty("synthesisAttempts").GetInt32().Should().Be(2, "the first synthesis was not JSON and was retried");
        done.GetProperty("endReason").GetString().Should().StartWith("Round limit reached");

        var transcript = (await fixture.GetAsync($"/api/meetings/{id}/messages")).EnumerateArray().ToList();
        transcript.Select(m => m.GetProperty("seq").GetInt32()).Should().Equal(Enumerable.Range(1, transcript.Count));
        transcript.Select(Speaker).Should().Equal(
            "system", "Ada", "CEO", "Cleo", "Sam answers", "Sam", "Ada", "Cleo", "Sam");
        transcript[2].GetProperty("answeredBySeq").GetInt32().Should().Be(5);
        transcript.Where(m => m.GetProperty("speakerKind").GetString() == "agent").Select(m => m.GetProperty("round").GetInt32())
            .Should().Equal(1, 1, 1, 1, 2, 2, 2);

        // The hub saw each message once, in transcript order, as it was made.
        // The minutes' event may reach the hub after the API already serves them: wait for it too.
        var live = await hub.WaitAsync(
            e => Messages(e, id).Count == transcript.Count && e.Any(x => x.GetProperty("stream").GetString() == $"meeting:{id}" && x.GetProperty("type").GetString() == "meeting.minutes"),
            "every message and the minutes live");
        Messages(live, id).Select(m => m.GetProperty("seq").GetInt32()).Should().Equal(transcript.Select(m => m.GetProperty("seq").GetInt32()));
        var types = live.Where(e => e.GetProperty("stream").GetString() == $"meeting:{id}").Select(e => e.GetProperty("type").GetString()).ToList();
        types.Should().ContainInOrder("meeting.started", "meeting.message", "meeting.ended", "meeting.synthesis_rejected", "meeting.minutes");
        types.IndexOf("meeting.ended").Should().BeGreaterThan(types.LastIndexOf("meeting.message"), "no message comes after the end");

        // The minutes: the valid second answer, whole; costs per participant add up to the meeting's.
        var minutes = await fixture.GetAsync($"/api/meetings/{id}/minutes");
        minutes.GetProperty("summary").GetString().Should().Be("Launch on track.");
        minutes.GetProperty("attempts").GetInt32().Should().Be(2);
        var ctas = minutes.GetProperty("callsToAction").EnumerateArray().ToList();
        ctas.Should().HaveCount(2);
        ctas[0].GetProperty("decisionId").GetInt64().Should().Be(minutes.GetProperty("decisions")[0].GetProperty("id").GetInt64());
        ctas.Should().OnlyContain(c => c.GetProperty("status").GetString() == "proposed");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM meeting_ctas WHERE meeting_id = @m", ("m", id))).Should().Be(2, "the invalid answer left nothing behind");

        var calls = await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE meeting_id = @m", ("m", id));
        calls.Should().Be(9, "seven turns and two synthesis attempts");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE meeting_id = @m AND agent_id IS NULL", ("m", id))).Should().Be(2);
        var total = await fixture.ScalarAsync<decimal>("SELECT sum(cost) FROM llm_calls WHERE meeting_id = @m", ("m", id));
        total.Should().BeGreaterThan(0);
        done.GetProperty("cost").GetDecimal().Should().Be(total);
        var participants = done.GetProperty("participants").EnumerateArray().ToList();
        participants.Select(p => p.GetProperty("messages").GetInt32()).Should().Equal(2, 2, 3);
        var turns = await fixture.ScalarAsync<decimal>("SELECT sum(cost) FROM llm_calls WHERE meeting_id = @m AND agent_id IS NOT NULL", ("m", id));
        participants.Sum(p => p.GetProperty("cost").GetDecimal()).Should().Be(turns);
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM budget_reservations WHERE meeting_id = @m", ("m", id))).Should().Be(0);

        // The company's cost report by meeting shows it whole, synthesis included.
        var byMeeting = await fixture.GetAsync("/api/costs?groupBy=meeting");
        var row = byMeeting.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        row.GetProperty("label").GetString().Should().Be($"Meeting #{id} Q3 launch");
        row.GetProperty("calls").GetInt64().Should().Be(9);
        row.GetProperty("cost").GetDecimal().Should().Be(total);

        // Markdown export: as text, and stored as an artifact of the meeting.
        var markdown = await fixture.Ceo.GetStringAsync($"/api/meetings/{id}/export.md");
        markdown.Should().Contain("# Q3 launch").And.Contain("Launch on track.").And.Contain("Prepare the demo").And.Contain("Sam answers the CEO");
        var artifact = await fixture.PostAsync($"/api/meetings/{id}/export", null, HttpStatusCode.Created);
        artifact.GetProperty("contentType").GetString().Should().Be("text/markdown");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM artifacts WHERE meeting_id = @m", ("m", id))).Should().Be(1);
    }

    [Fact]
    public async Task A_budget_stop_mid_meeting_leaves_complete_messages_each_with_its_call_and_raising_the_budget_lets_the_minutes_be_written()
    {
        var scenario = "budget-" + Guid.NewGuid().ToString("N")[..8];
        var model = "scripted:" + scenario;
        var cto = await fixture.HireAsync("Ada", "CTO", "Engineering", model: model);
        var cmo = await fixture.HireAsync("Cleo", "CMO", "Marketing", model: model);
        await fixture.AddScenarioAsync(scenario, $$"""
            { "turns": [
              { "agent": "Ada", "repeat": true, "text": "Ada speaks.", "usage": { "inputTokens": 200, "outputTokens": 100 } },
              { "agent": "Cleo", "repeat": true, "text": "Cleo speaks.", "usage": { "inputTokens": 200, "outputTokens": 100 } },
              { "task": "Minutes", "repeat": true, "text": "{\"summary\": \"Short.\", \"decisions\": [], \"risks\": [], \"open_questions\": [], \"calls_to_action\": [ {\"title\": \"Ship\", \"owner_agent_id\": {{cto}}, \"rationale\": \"Agreed.\"} ] }", "usage": { "inputTokens": 300, "outputTokens": 100 } } ] }
            """);
        var meeting = await fixture.PostAsync("/api/meetings", new
        {
            title = "Budget review",
            participantAgentIds = new[] { cto, cmo },
            maxRounds = 20,
            budget = 2.5m,
        }, HttpStatusCode.Created);
        var id = meeting.GetProperty("id").GetInt64();
        await fixture.PostAsync($"/api/meetings/{id}/start", null);

        var stopped = await fixture.WaitForMeetingAsync(id, Finished);
        stopped.GetProperty("status").GetString().Should().Be("failed", stopped.GetRawText());
        stopped.GetProperty("endReason").GetString().Should().StartWith("Budget reached");
        stopped.GetProperty("error").GetString().Should().Contain("Raise the budget");
        stopped.GetProperty("round").GetInt32().Should().BeLessThan(20);

        // Complete messages only, each with exactly the call that produced it; nothing held, nothing over budget.
        var transcript = (await fixture.GetAsync($"/api/meetings/{id}/messages")).EnumerateArray().ToList();
        transcript.Select(m => m.GetProperty("seq").GetInt32()).Should().Equal(Enumerable.Range(1, transcript.Count));
        var spoken = transcript.Where(m => m.GetProperty("speakerKind").GetString() == "agent").ToList();
        spoken.Should().NotBeEmpty();
        spoken.Should().OnlyContain(m => m.GetProperty("text").GetString()!.EndsWith("speaks.") && m.GetProperty("cost").GetDecimal() == 0.3m);
        var unmatched = await fixture.ScalarAsync<long>("""
            SELECT count(*)
            FROM (SELECT * FROM llm_calls WHERE meeting_id = @m) c
            FULL JOIN (SELECT * FROM meeting_messages WHERE meeting_id = @m AND speaker_kind = 'agent') m ON m.activity_id = c.activity_id
            WHERE c.id IS NULL OR m.id IS NULL OR m.cost <> c.cost
            """, ("m", id));
        unmatched.Should().Be(0, "every message has its call and every call its message");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM budget_reservations WHERE meeting_id = @m", ("m", id))).Should().Be(0);
        stopped.GetProperty("cost").GetDecimal().Should().Be(0.3m * spoken.Count).And.BeLessThanOrEqualTo(2.5m);
        (stopped.TryGetProperty("speakingAgentId", out var speaking) ? speaking.ValueKind : JsonValueKind.Null).Should().Be(JsonValueKind.Null);

        // Speaking after the stop is refused; raising the budget and ending again writes the minutes.
        using (var refused = await fixture.Ceo.PostAsync($"/api/meetings/{id}/messages", System.Net.Http.Json.JsonContent.Create(new { text = "One more thing" })))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await refused.Content.ReadAsStringAsync()).Should().Contain("meeting.not_running");
        }

        await fixture.PatchAsync($"/api/meetings/{id}", new { budget = 10m });
        await fixture.PostAsync($"/api/meetings/{id}/end", null);
        var completed = await fixture.WaitForMeetingAsync(id, ["completed"]);
        completed.GetProperty("cost").GetDecimal().Should().Be((0.3m * spoken.Count) + 0.4m);
        (await fixture.GetAsync($"/api/meetings/{id}/messages")).GetArrayLength().Should().Be(transcript.Count, "the transcript did not move");
    }

    [Fact]
    public async Task A_token_limit_ends_the_conversation_once_reached_and_the_CEO_can_end_a_meeting_early()
    {
        var scenario = "tokens-" + Guid.NewGuid().ToString("N")[..8];
        var model = "scripted:" + scenario;
        var cto = await fixture.HireAsync("Ada", "CTO", "Engineering", model: model);
        var cmo = await fixture.HireAsync("Cleo", "CMO", "Marketing", model: model);
        await fixture.AddScenarioAsync(scenario, $$"""
            { "turns": [
              { "agent": "Ada", "repeat": true, "text": "Ada speaks.", "usage": { "inputTokens": 200, "outputTokens": 100 } },
              { "agent": "Cleo", "repeat": true, "delayMs": 30000, "text": "Cleo speaks slowly.", "usage": { "inputTokens": 200, "outputTokens": 100 } },
              { "task": "Minutes", "repeat": true, "text": "{\"summary\": \"Short.\", \"decisions\": [], \"risks\": [], \"open_questions\": [], \"calls_to_action\": []}" } ] }
            """);

        var limited = await fixture.PostAsync("/api/meetings", new { title = "Token check", participantAgentIds = new[] { cto }, maxTokens = 700 }, HttpStatusCode.Created);
        var id = limited.GetProperty("id").GetInt64();
        await fixture.PostAsync($"/api/meetings/{id}/start", null);
        var done = await fixture.WaitForMeetingAsync(id, Finished);
        done.GetProperty("status").GetString().Should().Be("completed", done.GetRawText());
        done.GetProperty("endReason").GetString().Should().StartWith("Token limit reached: 900 tokens used of 700");
        done.GetProperty("round").GetInt32().Should().Be(3, "three turns of 300 tokens pass a 700-token limit");

        // Ended by the CEO while Cleo's 30-second turn is in flight: the turn is dropped, nothing half-written.
        var early = await fixture.PostAsync("/api/meetings", new { title = "Early end", participantAgentIds = new[] { cto, cmo } }, HttpStatusCode.Created);
        var earlyId = early.GetProperty("id").GetInt64();
        await fixture.PostAsync($"/api/meetings/{earlyId}/start", null);
        await Eventually.WaitAsync(() => fixture.GetAsync($"/api/meetings/{earlyId}"),
            m => m.TryGetProperty("speakingAgentId", out var speaking) && speaking.ValueKind == JsonValueKind.Number && speaking.GetInt64() == cmo,
            TimeSpan.FromSeconds(30), "Cleo's turn");
        var ended = await fixture.PostAsync($"/api/meetings/{earlyId}/end", null);
        ended.GetProperty("endReason").GetString().Should().Be("Ended by the CEO.");
        var closed = await fixture.WaitForMeetingAsync(earlyId, Finished);
        closed.GetProperty("status").GetString().Should().Be("completed", closed.GetRawText());
        var texts = (await fixture.GetAsync($"/api/meetings/{earlyId}/messages")).EnumerateArray().Select(m => m.GetProperty("text").GetString()).ToList();
        texts.Should().HaveCount(2).And.Contain("Ada speaks.").And.NotContain("Cleo speaks slowly.");
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM budget_reservations WHERE meeting_id = @m", ("m", earlyId))).Should().Be(0, "the dropped turn's reservation is released");
        (await fixture.ScalarAsync<string>("SELECT a.status FROM runtime.activities a WHERE a.grain_key = @k AND a.input->>'agentId' = @agent",
            ("k", earlyId.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("agent", cmo.ToString(System.Globalization.CultureInfo.InvariantCulture)))).Should().Be("cancelled");
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_problem_naming_the_field()
    {
        var agent = await fixture.HireAsync("Vera", "CFO", "Finance");
        using var response = await fixture.Ceo.PostAsync("/api/meetings", System.Net.Http.Json.JsonContent.Create(new { title = " ", participantAgentIds = new[] { agent, 999_999L }, maxRounds = 0 }));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadAsStringAsync();
        problem.Should().Contain("\"title\"").And.Contain("participantAgentIds").And.Contain("999999").And.Contain("maxRounds");

        var meeting = await fixture.PostAsync("/api/meetings", new { title = "Budget", participantAgentIds = new[] { agent } }, HttpStatusCode.Created);
        var id = meeting.GetProperty("id").GetInt64();
        using var early = await fixture.Ceo.PostAsync($"/api/meetings/{id}/messages", System.Net.Http.Json.JsonContent.Create(new { text = "Hello" }));
        early.StatusCode.Should().Be(HttpStatusCode.Conflict, "a draft meeting is not running");
        using var missing = await fixture.Ceo.GetAsync("/api/meetings/999999");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var noMinutes = await fixture.Ceo.GetAsync($"/api/meetings/{id}/minutes");
        noMinutes.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_meeting_is_invisible_to_another_company_and_its_participants_must_be_of_its_own_company()
    {
        var agent = await fixture.HireAsync("Vera", "CFO", "Finance");
        var meeting = await fixture.PostAsync("/api/meetings", new { title = "Private", participantAgentIds = new[] { agent } }, HttpStatusCode.Created);
        var id = meeting.GetProperty("id").GetInt64();

        var beta = (await fixture.PostAsync("/api/companies", new { name = "Beta" }, HttpStatusCode.Created)).GetProperty("id").GetInt64();
        using var other = fixture.Api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        (await other.PostAsync("/api/auth/login", System.Net.Http.Json.JsonContent.Create(new { email = MeetingsFixture.OwnerEmail, password = MeetingsFixture.OwnerPassword, companyId = beta })))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        (await other.GetAsync($"/api/meetings/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PostAsync($"/api/meetings/{id}/start", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/meetings/{id}/export.md")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetFromJsonAsync<JsonElement>("/api/meetings")).GetArrayLength().Should().Be(0);
        using var foreign = await other.PostAsync("/api/meetings", System.Net.Http.Json.JsonContent.Create(new { title = "Poach", participantAgentIds = new[] { agent } }));
        foreign.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await foreign.Content.ReadAsStringAsync()).Should().Contain("participantAgentIds").And.Contain("is not in the company");
        (await fixture.GetAsync($"/api/meetings/{id}")).GetProperty("status").GetString().Should().Be("draft");
    }

    private static List<JsonElement> Messages(IReadOnlyList<JsonElement> events, long meetingId) =>
        [.. events.Where(e => e.GetProperty("type").GetString() == "meeting.message" && e.GetProperty("stream").GetString() == $"meeting:{meetingId}")
            .Select(e => e.GetProperty("payload"))];

    private static string Speaker(JsonElement message)
    {
        var text = message.GetProperty("text").GetString()!;
        return message.GetProperty("speakerKind").GetString() switch
        {
            "system" => "system",
            "human" => "CEO",
            _ => text.StartsWith("Sam answers", StringComparison.Ordinal) ? "Sam answers" : text.Split(':', ' ')[0],
        };
    }
}
