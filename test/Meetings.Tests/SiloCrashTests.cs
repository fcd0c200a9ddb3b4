using System.Diagnostics;
using System.Net;
using FluidManager.TestSupport;

namespace FluidManager.Meetings.Tests;

/// <summary>A silo process killed while a participant's model call is in flight: another silo resumes the meeting.</summary>
public sealed class SiloCrashTests(ApiOnlyFixture fixture) : IClassFixture<ApiOnlyFixture>
{
    [Fact]
    public async Task A_silo_killed_during_a_turn_loses_nothing_and_another_silo_resumes_the_meeting_to_its_minutes()
    {
        var scenario = "crash-" + Guid.NewGuid().ToString("N")[..8];
        var model = "scripted:" + scenario;
        var cto = await fixture.HireAsync("Ada", "CTO", "Engineering", model: model);
        var cmo = await fixture.HireAsync("Cleo", "CMO", "Marketing", model: model);
        var sales = await fixture.HireAsync("Sam", "Head of Sales", "Sales", model: model);
        await fixture.AddScenarioAsync(scenario, $$"""
            { "turns": [
              { "agent": "Ada", "repeat": true, "text": "Ada: ready." },
              { "agent": "Cleo", "repeat": true, "delayMs": 4000, "text": "Cleo: the campaign is booked." },
              { "agent": "Sam", "repeat": true, "text": "Sam: accounts are waiting." },
              { "task": "Minutes", "repeat": true, "text": "{\"summary\": \"Ready.\", \"decisions\": [\"Go\"], \"risks\": [], \"open_questions\": [], \"calls_to_action\": [ {\"title\": \"Go live\", \"owner_agent_id\": {{cto}}, \"rationale\": \"Agreed.\", \"decision\": 1} ] }" } ] }
            """);

        using var doomed = StartSiloProcess("doomed");
        try
        {
            var meeting = await fixture.PostAsync("/api/meetings", new { title = "Launch check", participantAgentIds = new[] { cto, cmo, sales }, maxRounds = 1 }, HttpStatusCode.Created);
            var id = meeting.GetProperty("id").GetInt64();
            await fixture.PostAsync($"/api/meetings/{id}/start", null);

            // The doomed silo holds Cleo's call (4 s) when it dies.
            await Eventually.WaitAsync(
                () => fixture.ScalarAsync<long>("""
                    SELECT count(*) FROM runtime.activities a JOIN orleansmembershiptable s ON a.lease_owner = runtime.silo_lease_owner(s.address, s.port, s.generation)
                    WHERE a.kind = 'meeting.model_call' AND a.status = 'running' AND s.siloname = 'doomed' AND a.input->>'agentId' = @agent
                    """, ("agent", cmo.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                n => n == 1, TimeSpan.FromSeconds(60), "the doomed silo to run Cleo's turn");
            var during = await fixture.GetAsync($"/api/meetings/{id}");
            during.GetProperty("speakingAgentId").GetInt64().Should().Be(cmo);
            doomed.Kill(); // SIGKILL: no drain, no release
            await doomed.WaitForExitAsync();

            // Orleans membership declares the killed silo dead; the grains it held come back on the live silos.
            await TestSilos.WaitForDeadSiloAsync(fixture.Api.Services, "doomed");

            var survivor = await fixture.StartSiloAsync("survivor");
            try
            {
                var done = await fixture.WaitForMeetingAsync(id, ["completed", "failed"]);
                done.GetProperty("status").GetString().Should().Be("completed", done.GetRawText());
            }
            finally
            {
                await MeetingsFixture.StopAsync(survivor);
            }

            var transcript = (await fixture.GetAsync($"/api/meetings/{id}/messages")).EnumerateArray().ToList();
            transcript.Select(m => m.GetProperty("text").GetString()).Should().Equal(
                transcript[0].GetProperty("text").GetString(), "Ada: ready.", "Cleo: the campaign is booked.", "Sam: accounts are waiting.");
            var attempts = await fixture.ScalarAsync<int>("""
                SELECT a.attempts FROM runtime.activities a JOIN meeting_messages m ON m.activity_id = a.id
                WHERE m.meeting_id = @m AND m.speaker_agent_id = @agent
                """, ("m", id), ("agent", cmo));
            attempts.Should().Be(2, "the killed run counts as the first attempt; the survivor's is the second");
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE meeting_id = @m", ("m", id))).Should().Be(4, "three turns and the minutes, each recorded once");
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM budget_reservations WHERE meeting_id = @m", ("m", id))).Should().Be(0);
            (await fixture.GetAsync($"/api/meetings/{id}/minutes")).GetProperty("callsToAction").GetArrayLength().Should().Be(1);
        }
        finally
        {
            if (!doomed.HasExited)
            {
                doomed.Kill();
            }
        }
    }

    private Process StartSiloProcess(string name) => TestSilos.StartWorkHarnessSilo(name, fixture.SiloSettings(name));
}
