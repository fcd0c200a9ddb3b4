using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluidManager.Grains.Interfaces.Workflows;
using FluidManager.Runtime.Grains;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;
using Xunit.Abstractions;

namespace FluidManager.Work.Tests;

/// <summary>A silo process killed with SIGKILL in the middle of a workflow run: another silo finishes the run.</summary>
public sealed class WorkflowCrashTests(ProcessWorkFixture fixture, ITestOutputHelper output) : IClassFixture<ProcessWorkFixture>
{
    private static readonly string[] ParallelSteps = ["north", "south", "west"];

    [Fact]
    public async Task A_silo_killed_mid_run_lets_the_run_complete_and_no_step_runs_twice()
    {
        var company = await fixture.CreateCompanyAsync("Crash");
        var lead = await fixture.HireAsync(company, "Lea", "Research Lead", "Research");
        var a = await fixture.HireAsync(company, "Aki", "Researcher", "Research");
        var b = await fixture.HireAsync(company, "Bo", "Researcher", "Research");
        var c = await fixture.HireAsync(company, "Cy", "Researcher", "Research");
        var definition = new JsonObject
        {
            ["steps"] = new JsonArray(
                Step("frame", lead.Id, "Frame the question on ${inputs.topic}", "List three angles on ${inputs.topic}."),
                Step("north", a.Id, "North angle", "Study the northern region for: ${steps.frame.result}", "frame"),
                Step("south", b.Id, "South angle", "Study the southern region for: ${steps.frame.result}", "frame"),
                Step("west", c.Id, "West angle", "Study the western region for: ${steps.frame.result}", "frame"),
                Step("collect", lead.Id, "Collect the angles", "Merge: ${steps.north.result} / ${steps.south.result} / ${steps.west.result}", "north", "south", "west")),
            ["inputs"] = new JsonObject { ["topic"] = new JsonObject { ["type"] = "string", ["default"] = "cold brew demand" } },
        };

        using var doomed = fixture.StartSilo("doomed", TimeSpan.FromSeconds(2));
        Process? survivor = null;
        try
        {
            var membership = fixture.Host.Services.GetRequiredService<IClusterMembershipService>();
            var doomedSilo = (await Eventually.WaitAsync(
                () => Task.FromResult(membership.CurrentSnapshot.Members.Values.FirstOrDefault(m => m.Name == "doomed" && m.Status == SiloStatus.Active)),
                m => m is not null, TimeSpan.FromSeconds(60), "the doomed silo to join the cluster"))!.SiloAddress;

            WorkflowDto workflow;
            WorkflowRunDto started;
            using (CallerContext.As("human:1"))
            {
                workflow = await fixture.Grains.GetGrain<IWorkflowsGrain>(company).CreateAsync(new SaveWorkflowCommand
                {
                    CompanyId = company,
                    Name = "Fan out " + Guid.NewGuid().ToString("N")[..8],
                    Definition = JsonElement.Parse(definition.ToJsonString()),
                });

                // Orleans is asked to place the run, and the grains its first turn activates, on the doomed silo (a placement hint):
                // the kill takes the run's activation too.
                RequestContext.Set(IPlacementDirector.PlacementHintKey, doomedSilo);
                try
                {
                    started = await fixture.Grains.GetGrain<IWorkflowGrain>(workflow.Id).StartRunAsync(company, null);
                }
                finally
                {
                    RequestContext.Remove(IPlacementDirector.PlacementHintKey);
                }
            }

            var runId = started.Id;

            // Kill it in the parallel part, while it holds the model call of one of the three parallel steps.
            await Eventually.WaitAsync(
                () => RunningCallsAsync(runId, ParallelSteps),
                ids => ids.Count > 0, TimeSpan.FromSeconds(90), "the doomed silo to be mid-call in a parallel step");
            var runGrain = GrainId.Create("workflow-run", runId.ToString(CultureInfo.InvariantCulture));
            var holders = (await fixture.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
                .Where(g => g.GrainId == runGrain).Select(g => g.SiloAddress.Equals(doomedSilo) ? "doomed" : "the test's silo").ToList();
            doomed.Kill(); // SIGKILL: no drain, no release
            await doomed.WaitForExitAsync();
            var interrupted = await RunningCallsAsync(runId, [.. ParallelSteps, "frame", "collect"]);
            var stepsBefore = await StepStatusesAsync(runId);
            output.WriteLine($"killed the doomed silo with run {runId}'s activation on [{string.Join(", ", holders)}], steps {string.Join(", ", stepsBefore)} and {interrupted.Count} model call(s) in flight");
            interrupted.Should().NotBeEmpty("the silo died holding a step's model call");
            holders.Should().Equal(["doomed"], "the silo died holding the run's activation");

            await TestSilos.WaitForDeadSiloAsync(fixture.Host.Services, "doomed");
            survivor = fixture.StartSilo("survivor", TimeSpan.FromSeconds(6));
            var clock = Stopwatch.StartNew();
            var done = await Eventually.WaitAsync(
                () => fixture.Grains.GetGrain<IWorkflowRunGrain>(runId).GetAsync(company),
                r => r.Status is "completed" or "failed" or "cancelled", TimeSpan.FromSeconds(180), "the run to end after the kill");
            output.WriteLine($"run {runId} {done.Status} {clock.ElapsedMilliseconds} ms after the survivor started; cost {done.Cost}");

            done.Status.Should().Be("completed", JsonSerializer.Serialize(done));
            done.Steps.Should().OnlyContain(s => s.Status == "completed" && s.Attempt == 1 && s.TaskIds.Count == 1, "every step ran as one attempt with one task");

            // No step task twice: one task per step, and no task the run did not record.
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM workflow_step_tasks WHERE run_id = @r", ("r", runId))).Should().Be(5);
            (await fixture.ScalarAsync<long>("SELECT count(DISTINCT step_key) FROM workflow_step_tasks WHERE run_id = @r", ("r", runId))).Should().Be(5);
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM tasks WHERE company_id = @c AND parent_task_id IS NULL", ("c", company))).Should().Be(5);
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE stream = @s AND type = 'step.started'", ("s", WorkflowRunEvents.Stream(runId)))).Should().Be(5);
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE stream = @s AND type = 'step.completed'", ("s", WorkflowRunEvents.Stream(runId)))).Should().Be(5);

            // The interrupted calls were run again by the survivor (their lease expired) and settled once.
            foreach (var id in interrupted)
            {
                (await fixture.ScalarAsync<string>("SELECT status FROM runtime.activities WHERE id = @a", ("a", id))).Should().Be("completed");
                (await fixture.ScalarAsync<int>("SELECT attempts FROM runtime.activities WHERE id = @a", ("a", id))).Should().Be(2, "the killed run counts as the first attempt");
                (await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE activity_id = @a", ("a", id))).Should().Be(1);
            }

            // Each step's task took its model steps once each, in order, in its one attempt.
            var taskIds = done.Steps.Select(s => s.TaskIds[0]).ToArray();
            (await fixture.ScalarAsync<long>("""
                SELECT count(*) FROM (SELECT task_id, attempt, count(*) AS n, count(DISTINCT step) AS d, max(step) AS m
                                      FROM llm_calls WHERE task_id = ANY(@t) GROUP BY task_id, attempt) s
                WHERE n <> d OR n <> m OR attempt <> 1
                """, ("t", taskIds))).Should().Be(0);
            (await fixture.ScalarAsync<long>("SELECT count(DISTINCT task_id) FROM llm_calls WHERE task_id = ANY(@t)", ("t", taskIds))).Should().Be(5);
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM runtime.events WHERE company_id = @c AND type = 'task.step_started'", ("c", company)))
                .Should().Be(await fixture.ScalarAsync<long>("SELECT count(*) FROM llm_calls WHERE company_id = @c", ("c", company)));
            (await fixture.ScalarAsync<long>("SELECT count(*) FROM budget_reservations WHERE company_id = @c", ("c", company))).Should().Be(0);

            // The run costs the sum of its steps, each the cost of its task's model calls.
            foreach (var step in done.Steps)
            {
                step.Cost.Should().Be(await fixture.ScalarAsync<decimal>("SELECT COALESCE(sum(cost), 0) FROM llm_calls WHERE task_id = @t", ("t", step.TaskIds[0])), step.Key);
            }

            done.Cost.Should().Be(done.Steps.Sum(s => s.Cost)).And.BeGreaterThan(0);
            done.Cost.Should().Be(await fixture.ScalarAsync<decimal>("SELECT sum(cost) FROM llm_calls WHERE company_id = @c", ("c", company)));
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

    /// <summary>The model calls of the run's steps that the doomed silo holds (leased, not settled).</summary>
    private Task<List<Guid>> RunningCallsAsync(long runId, string[] steps) =>
        fixture.ListAsync("""
            SELECT a.id FROM runtime.activities a
            JOIN orleansmembershiptable s ON a.lease_owner = runtime.silo_lease_owner(s.address, s.port, s.generation)
            JOIN workflow_step_tasks w ON w.task_id = (a.input->>'taskId')::bigint
            WHERE a.kind = 'agent.model_call' AND a.status = 'running' AND s.siloname = 'doomed'
              AND w.run_id = @r AND w.step_key = ANY(@steps)
            """, r => r.GetGuid(0), ("r", runId), ("steps", steps));

    private Task<List<string>> StepStatusesAsync(long runId) =>
        fixture.ListAsync("SELECT step_key || '=' || status FROM workflow_run_steps WHERE run_id = @r ORDER BY position", r => r.GetString(0), ("r", runId));

    private static JsonObject Step(string id, long agentId, string title, string brief, params string[] requires) => new()
    {
        ["id"] = id,
        ["agent"] = new JsonObject { ["id"] = agentId },
        ["title"] = title,
        ["brief"] = brief,
        ["requires"] = new JsonArray(requires.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
    };
}
