using System.Diagnostics;
using System.Globalization;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FluidManager.Work.Harness;

/// <summary>
/// Tasks per second through the whole agent loop: a fresh company of developers reporting to the CEO
/// seat, given their tasks while paused; the clock starts when they are set to work, and stops when
/// every task is final. The running silos work them with the offline model (briefing, model calls as
/// activities, artifact, worklog, completion). Pending approvals are granted as the CEO, the way a
/// test would. Prints figures as name=value lines.
/// </summary>
internal static class AgentBench
{
    private static readonly string[] Areas = ["billing service", "search index", "export job", "audit log", "session store", "rate limiter", "mail templates", "webhooks"];

    public static async Task<int> RunAsync(IServiceProvider services, int taskCount, int agentCount, TimeSpan timeout)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var data = services.GetRequiredService<NpgsqlDataSource>();
        var (companyId, agents) = await BenchCompany.HirePausedDevelopersAsync(services, "Bench", agentCount, "You are a developer. Do the task, record what you did, and finish it.");
        var company = grains.GetGrain<ICompanyGrain>(companyId);

        var creating = Stopwatch.StartNew();
        using (CallerContext.As("human:1"))
        {
            await Parallel.ForAsync(0, taskCount, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                await company.CreateTaskAsync(new CreateTaskCommand
                {
                    CompanyId = companyId,
                    Title = $"Refactor the {Areas[i % Areas.Length]} (#{i + 1})",
                    Description = "Simplify the code, keep behaviour, and document the change.",
                    AssigneeAgentId = agents[i % agents.Count],
                    Project = "bench",
                });
            });
        }

        var created = creating.Elapsed;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (agentId, _) =>
            await grains.GetGrain<IAgentGrain>(agentId).SetStatusAsync(new SetAgentStatusCommand(companyId, AgentStatus.Active)));
        var deadline = clock.Elapsed + timeout;
        (long Done, long Failed, long Cancelled) counts;
        while (true)
        {
            counts = await CountsAsync(data, companyId);
            if (counts.Done + counts.Failed + counts.Cancelled >= taskCount || clock.Elapsed > deadline)
            {
                break;
            }

            foreach (var approval in await grains.GetGrain<ICompanyWorkGrain>(companyId).ListApprovalsAsync(new ListApprovalsQuery(companyId, ApprovalStatus.Pending)))
            {
                using (CallerContext.As("human:1"))
                {
                    await grains.GetGrain<IApprovalGrain>(approval.Id).ApproveAsync(new DecideApprovalCommand(companyId, "Approved by the benchmark."));
                }
            }

            await Task.Delay(100);
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        var finished = counts.Done + counts.Failed + counts.Cancelled;
        long calls;
        await using (var count = data.CreateCommand("SELECT count(*) FROM llm_calls WHERE company_id = $1"))
        {
            count.Parameters.AddWithValue(companyId);
            calls = (long)(await count.ExecuteScalarAsync())!;
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"tasks={taskCount} agents={agentCount} done={counts.Done} failed={counts.Failed} cancelled={counts.Cancelled} unfinished={taskCount - finished}"));
        Console.WriteLine(string.Create(inv, $"model_calls={calls} calls_per_task={(finished > 0 ? (double)calls / finished : 0):0.0} create_s={created.TotalSeconds:0.00} work_s={elapsed:0.00}"));
        Console.WriteLine(string.Create(inv, $"tasks_per_s={counts.Done / elapsed:0.00}"));
        if (finished < taskCount)
        {
            await Console.Error.WriteLineAsync($"{taskCount - finished} tasks did not finish within {timeout.TotalSeconds:0} s");
            return 1;
        }

        return counts.Done == taskCount ? 0 : 1;
    }

    private static async Task<(long Done, long Failed, long Cancelled)> CountsAsync(NpgsqlDataSource data, long companyId)
    {
        await using var command = data.CreateCommand(
            "SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'cancelled') FROM tasks WHERE company_id = $1");
        command.Parameters.AddWithValue(companyId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
