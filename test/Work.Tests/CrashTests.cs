using System.Diagnostics;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.TestSupport;

namespace FluidManager.Work.Tests;

/// <summary>A silo process killed with SIGKILL in the middle of agent loops; another one finishes them.</summary>
public sealed class CrashTests(ProcessWorkFixture fixture) : IClassFixture<ProcessWorkFixture>
{
    [Fact]
    public async Task Silo_killed_mid_loop_resumes_at_the_next_unrecorded_step_without_duplicating_any_side_effect()
    {
        var demo = await fixture.DemoCompanyAsync();
        var company = demo.CompanyId;
        using var doomed = fixture.StartSilo("doomed", TimeSpan.FromSeconds(2));
        Process? survivor = null;
        try
        {
            var mission = await fixture.MissionAsync(company, demo.Cto, "Launch the new website");

            // Kill it while it holds a model call, with several steps already recorded.
            await Eventually.WaitAsync(
                () => fixture.ScalarAsync<long>("""
                    SELECT CASE WHEN (SELECT count(*) FROM llm_calls WHERE company_id = @c) >= 4 THEN
                      (SELECT count(*) FROM runtime.activities a JOIN orleansmembershiptable s ON a.lease_owner = runtime.silo_lease_owner(s.address, s.port, s.generation)
                       WHERE a.kind = 'agent.model_call' AND a.status = 'running' AND s.siloname = 'doomed') ELSE 0 END
                    """, ("c", company)),
                n => n > 0, TimeSpan.FromSeconds(60), "the doomed silo to be mid-call after a few recorded steps");
            var interrupted = await fixture.ListAsync(
                "SELECT a.id FROM runtime.activities a JOIN orleansmembershiptable s ON a.lease_owner = runtime.silo_lease_owner(s.address, s.port, s.generation) WHERE a.kind = 'agent.model_call' AND a.status = 'running' AND s.siloname = 'doomed'",
                r => r.GetGuid(0));
            var recordedBefore = await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE company_id = @c", ("c", company));
            doomed.Kill(); // SIGKILL: no drain, no release
            await doomed.WaitForExitAsync();

            // Orleans membership declares the killed silo dead; the grains it held come back on the live silos.
            await TestSilos.WaitForDeadSiloAsync(fixture.Host.Services, "doomed");
            survivor = fixture.StartSilo("survivor", TimeSpan.FromSeconds(6));
            var done = await fixture.WaitForAsync(company, mission.Id, [TaskState.Done, TaskState.Failed, TaskState.Cancelled], approve: true, timeout: TimeSpan.FromSeconds(120));
            done.Status.Should().Be(TaskState.Done, done.StatusReason);

            // The interrupted calls were run again by the survivor (their lease expired) and settled once.
            foreach (var id in interrupted)
            {
                (await fixture.ScalarAsync<string>("SELECT status FROM runtime.activities WHERE id = @a", ("a", id))).Should().Be("completed");
                (await fixture.ScalarAsync<int>("SELECT attempts FROM runtime.activities WHERE id = @a", ("a", id))).Should().Be(2, "the killed run counts as the first attempt");
                (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE activity_id = @a", ("a", id))).Should().Be(1);
            }

            (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE company_id = @c", ("c", company))).Should().BeGreaterThan(recordedBefore);

            // Every step of every run was recorded once, in order: the loop went on from the next unrecorded step.
            var gaps = await fixture.ScalarAsync<long>("""
                SELECT count(*) FROM (SELECT task_id, attempt, count(*) AS n, count(DISTINCT step) AS d, max(step) AS m
                                      FROM llm_calls WHERE company_id = @c GROUP BY task_id, attempt) s
                WHERE n <> d OR n <> m
                """, ("c", company));
            gaps.Should().Be(0);
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE company_id = @c AND type = 'task.step_started'", ("c", company)))
                .Should().Be(await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE company_id = @c", ("c", company)));

            // No side effect twice: one worklog entry and one artifact per recorded tool call, one subtask per delegation.
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM worklog WHERE company_id = @c", ("c", company)))
                .Should().Be(await fixture.ScalarAsync<long>("SELECT count(*) FROM tool_calls WHERE company_id = @c AND tool = 'write_worklog' AND outcome = 'ok'", ("c", company)));
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM artifacts WHERE company_id = @c", ("c", company)))
                .Should().Be(await fixture.ScalarAsync<long>("SELECT count(*) FROM tool_calls WHERE company_id = @c AND tool = 'create_artifact' AND outcome = 'ok'", ("c", company)));
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM tasks WHERE company_id = @c AND parent_task_id IS NOT NULL", ("c", company)))
                .Should().Be(await fixture.ScalarAsync<long>("SELECT count(*) FROM tool_calls WHERE company_id = @c AND tool = 'delegate_task' AND outcome = 'ok'", ("c", company)));
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM (SELECT task_id, body FROM worklog WHERE company_id = @c GROUP BY 1, 2 HAVING count(*) > 1) d", ("c", company))).Should().Be(0);
            await fixture.WaitForTaskMessagesAsync(company);
            var settled = await fixture.ScalarAsync<long>("SELECT sum(input_tokens + output_tokens) FROM llm_calls WHERE company_id = @c", ("c", company));
            (await fixture.ScalarAsync<long>("SELECT sum(tokens_used) FROM tasks WHERE company_id = @c", ("c", company))).Should().Be(settled);
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM budget_reservations WHERE company_id = @c", ("c", company))).Should().Be(0);
        }
        finally
        {
            if (!doomed.HasExited)
            {
                doomed.Kill();
            }

            if (survivor is not null)
            {
                survivor.Kill();
                await survivor.WaitForExitAsync();
                survivor.Dispose();
            }
        }
    }
}
