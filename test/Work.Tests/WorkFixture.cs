using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using FluidManager.Grains;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Grains.Work;
using FluidManager.Models.Hosting;
using FluidManager.Models.Scripted;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Hosting;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

[assembly: TestFramework(SharedFixtureFramework.TypeName, SharedFixtureFramework.AssemblyName)]

namespace FluidManager.Work.Tests;

/// <summary>
/// A migrated database and Orleans silos on it, each registered like src/Silo: the runtime, the grains,
/// the model layer, agent work and the pumps. The offline model is priced (so costs add up to something)
/// and answers at once unless a subclass sets a latency. The test classes of <see cref="WorkFixture"/>
/// share one; tests make a company each.
/// </summary>
public class WorkCluster : DatabaseFixture
{
    private IReadOnlyList<IHost> _silos = [];
    private string? _storage;

    protected override Assembly[] MigrationAssemblies => [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly];

    protected override string Prefix => "Work";

    /// <summary>Delay of each offline answer, so a test can act while a call is in flight.</summary>
    protected virtual int OfflineLatencyMs => 0;

    /// <summary>How many silos the cluster starts in this process.</summary>
    protected virtual int SiloCount => 2;

    /// <summary>Whether the silos run the pumps (false: silo processes do the work).</summary>
    protected virtual bool Pumps => true;

    /// <summary>Settings a cluster adds to (or changes in) <see cref="WorkFixture.Settings"/>.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>();

    public IReadOnlyList<IHost> Silos => _silos;

    /// <summary>The settings of the cluster's silos: silo processes get the same (as environment variables).</summary>
    public IReadOnlyDictionary<string, string?> SiloSettings { get; private set; } = new Dictionary<string, string?>();

    public string StoragePath => _storage ?? throw new InvalidOperationException("The cluster is not started.");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _storage = Directory.CreateTempSubdirectory("fluid-work-objects-").FullName;
        var settings = WorkFixture.Settings(ConnectionString, _storage, OfflineLatencyMs);
        foreach (var (key, value) in TestSilos.ClusterSettings(TestSilos.NewClusterId("work")).Concat(ExtraSettings))
        {
            settings[key] = value;
        }

        SiloSettings = settings;
        _silos = await TestSilos.StartClusterAsync(SiloCount, "work-tests", settings, builder => WorkFixture.AddSilo(builder, Pumps));
    }

    public override async Task DisposeAsync()
    {
        await TestSilos.StopClusterAsync(_silos);
        if (_storage is not null)
        {
            Directory.Delete(_storage, recursive: true);
        }

        await base.DisposeAsync();
    }
}

/// <summary>A cluster whose offline model takes 400 ms per answer, so pause and cancel land mid-call; approvals expire after 2 s.</summary>
public sealed class SlowWorkCluster : WorkCluster
{
    protected override int OfflineLatencyMs => 400;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Fluid:Work:ApprovalTimeToLive"] = "00:00:02",
    };
}

/// <summary>One silo in this process that takes no steps (no pumps): the silo processes a crash test starts join it and work.</summary>
public sealed class ProcessWorkCluster : WorkCluster
{
    protected override int OfflineLatencyMs => ProcessWorkFixture.LatencyMs;

    protected override int SiloCount => 1;

    protected override bool Pumps => false;
}

/// <summary>
/// What a test class sees of a <see cref="WorkCluster"/> (by default the one the assembly shares): its
/// database, a grain factory whose calls go through Orleans, and helpers. Tests make a company each.
/// </summary>
public class WorkFixture : DatabaseFixture
{
    /// <summary>Offline model prices used by the tests, USD per million tokens.</summary>
    public const decimal InputPerMillion = 1.5m;
    public const decimal OutputPerMillion = 6m;

    private WorkCluster? _cluster;

    protected override Assembly[] MigrationAssemblies => [];

    private WorkCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>The first silo of the cluster: the grain factory and the services come from it.</summary>
    public IHost Host => Cluster.Silos[0];

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The settings of the cluster's silos: silo processes get the same (as environment variables).</summary>
    public IReadOnlyDictionary<string, string?> SiloSettings => Cluster.SiloSettings;

    public string StoragePath => Cluster.StoragePath;

    public override async Task InitializeAsync()
    {
        _cluster = await JoinAsync();
        UseSharedDatabase(_cluster.ConnectionString);
    }

    /// <summary>The cluster the tests run on.</summary>
    protected virtual async Task<WorkCluster> JoinAsync() => await AssemblyFixture.GetAsync<WorkCluster>();

    /// <summary>The settings of a test silo (also given to silo processes as environment variables).</summary>
    public static Dictionary<string, string?> Settings(string connectionString, string storage, int offlineLatencyMs) => new()
    {
        ["ConnectionStrings:Fluid"] = connectionString,
        ["Fluid:Runtime:MigrateOnStart"] = "false",
        ["Fluid:Runtime:ChannelPrefix"] = "work_" + Guid.NewGuid().ToString("N")[..12],
        ["Fluid:Silo:Name"] = "work-tests",
        ["Fluid:Silo:PollInterval"] = "00:00:00.050",
        ["Fluid:Silo:ActivityLease"] = "00:00:03",
        ["Fluid:Storage:Path"] = storage,
        ["Fluid:Models:Allowed:0"] = "offline",
        ["Fluid:Models:Allowed:1"] = "scripted:*",
        ["Fluid:Models:Prices:offline:InputPerMillion"] = InputPerMillion.ToString(CultureInfo.InvariantCulture),
        ["Fluid:Models:Prices:offline:OutputPerMillion"] = OutputPerMillion.ToString(CultureInfo.InvariantCulture),
        ["Fluid:Models:Offline:LatencyMs"] = offlineLatencyMs.ToString(CultureInfo.InvariantCulture),
        ["Fluid:Triggers:PollInterval"] = "00:00:00.200",
        ["Fluid:Triggers:MaxDepth"] = "3",
        ["Fluid:Triggers:MaxFiringsPerMinute"] = "5",
        ["Fluid:Triggers:RetryBackoff"] = "00:00:00.200",
    };

    /// <summary>Registers a test silo as src/Silo's Program.cs does (without knowledge, which these tests do not use).</summary>
    public static void AddSilo(IHostApplicationBuilder builder, bool pumps = true)
    {
        builder.AddFluidRuntime();
        builder.AddFluidSilo();
        builder.AddGrains();
        builder.AddModels();
        builder.AddAgentWork();
        if (pumps)
        {
            builder.AddSiloPumps();
        }
    }

    /// <summary>Adds a scripted scenario (model id <c>scripted:{name}</c>) from JSON, on every silo (any of them may run the calls).</summary>
    public void AddScenario(string name, string json)
    {
        foreach (var silo in Cluster.Silos)
        {
            silo.Services.GetRequiredService<ScenarioLibrary>().Add(Scenario.Parse(json, name));
        }
    }

    public async Task<long> CreateCompanyAsync(string name = "Acme")
    {
        var slug = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}";
        return await ScalarAsync<long>("INSERT INTO companies (name, slug) VALUES (@name, @slug) RETURNING id", ("name", name), ("slug", slug));
    }

    public ICompanyGrain Company(long companyId) => Grains.GetGrain<ICompanyGrain>(companyId);

    public ITaskGrain Task(long taskId) => Grains.GetGrain<ITaskGrain>(taskId);

    public ITaskRunnerGrain Runner(long taskId) => Grains.GetGrain<ITaskRunnerGrain>(taskId);

    public ICompanyWorkGrain Work(long companyId) => Grains.GetGrain<ICompanyWorkGrain>(companyId);

    public Task<AgentDto> HireAsync(long companyId, string firstName, string role, string department, long? managerId = null, string model = "offline", AgentLimits? limits = null) =>
        Company(companyId).CreateAgentAsync(new CreateAgentCommand
        {
            CompanyId = companyId,
            Profile = new AgentProfile
            {
                FirstName = firstName,
                LastName = "Test",
                Role = role,
                Department = department,
                Model = model,
                SystemPrompt = $"You are the {role} of the company.",
                StyleGuidelines = "Short sentences.",
                Limits = limits ?? new AgentLimits(),
            },
            ManagerAgentId = managerId,
        });

    /// <summary>The demo company's chain: the CEO seat, then a CTO, an Engineering Manager and two Developers.</summary>
    public async Task<DemoCompany> DemoCompanyAsync(string model = "offline")
    {
        var company = await CreateCompanyAsync("Demo");
        var cto = await HireAsync(company, "Ada", "CTO", "Engineering", model: model);
        var manager = await HireAsync(company, "Grace", "Engineering Manager", "Engineering", cto.Id, model);
        var frontend = await HireAsync(company, "Linus", "Frontend Developer", "Engineering", manager.Id, model);
        var backend = await HireAsync(company, "Margaret", "Backend Developer", "Engineering", manager.Id, model);
        return new DemoCompany(company, cto.Id, manager.Id, frontend.Id, backend.Id);
    }

    /// <summary>A task from the CEO, assigned at once: the agent loop picks it up.</summary>
    public async Task<TaskDto> MissionAsync(long companyId, long agentId, string title, string description = "", DateTimeOffset? deadline = null)
    {
        using (CallerContext.As("human:1"))
        {
            return await Company(companyId).CreateTaskAsync(new CreateTaskCommand
            {
                CompanyId = companyId,
                Title = title,
                Description = description,
                AssigneeAgentId = agentId,
                Project = "website",
                DeadlineAt = deadline,
            });
        }
    }

    /// <summary>Waits for the task to reach one of <paramref name="states"/>, approving every pending approval of the company as the CEO meanwhile when asked.</summary>
    public async Task<TaskDto> WaitForAsync(long companyId, long taskId, TaskState[] states, bool approve = false, TimeSpan? timeout = null, string? comment = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        TaskDto task;
        do
        {
            if (approve)
            {
                foreach (var approval in await Work(companyId).ListApprovalsAsync(new ListApprovalsQuery(companyId, ApprovalStatus.Pending)))
                {
                    using (CallerContext.As("human:1"))
                    {
                        await Grains.GetGrain<IApprovalGrain>(approval.Id).ApproveAsync(new DecideApprovalCommand(companyId, comment ?? "Go ahead."));
                    }
                }
            }

            task = await Task(taskId).GetAsync(companyId);
            if (states.Contains(task.Status))
            {
                return task;
            }

            await System.Threading.Tasks.Task.Delay(50);
        }
        while (DateTimeOffset.UtcNow < deadline);

        throw new TimeoutException($"Task {taskId} is {task.Status} ({task.StatusReason}), not {string.Join("/", states)}.\n{await DescribeAsync(companyId)}");
    }

    /// <summary>
    /// Waits until every message posted to the company's task grains (a model call's usage, a subtask's change) is
    /// applied: they are applied in the tasks' own turns, some time after the turns that posted them committed.
    /// </summary>
    public async Task WaitForTaskMessagesAsync(long companyId, TimeSpan? timeout = null) =>
        await Eventually.WaitAsync(
            () => ScalarAsync<long>("SELECT count(*) FROM runtime.messages WHERE grain_type = 'task' AND (payload->>'companyId')::bigint = @c", ("c", companyId)),
            n => n == 0, timeout ?? TimeSpan.FromSeconds(60), $"the messages to the tasks of company {companyId}");

    /// <summary>The company's tasks with their runs, and the dead letters: what a failing wait prints.</summary>
    public async Task<string> DescribeAsync(long companyId)
    {
        var tasks = await ListAsync(
            """
            SELECT t.id, t.parent_task_id, t.assignee_agent_id, t.status, t.status_reason, r.status, r.waiting_for, r.step, r.stop_reason
            FROM tasks t LEFT JOIN task_runs r ON r.task_id = t.id WHERE t.company_id = @c ORDER BY t.id
            """,
            r => $"task {r.GetInt64(0)} parent={(r.IsDBNull(1) ? "-" : r.GetInt64(1))} agent={(r.IsDBNull(2) ? "-" : r.GetInt64(2))} {r.GetString(3)} ({(r.IsDBNull(4) ? "" : r.GetString(4))}) run={(r.IsDBNull(5) ? "-" : $"{r.GetString(5)}/{(r.IsDBNull(6) ? "" : r.GetString(6))} step {r.GetInt32(7)} {(r.IsDBNull(8) ? "" : r.GetString(8))}")}",
            ("c", companyId));
        var dead = await ListAsync("SELECT grain_type || '/' || grain_key || ' ' || message_type || ': ' || error FROM runtime.dead_letters", r => r.GetString(0));
        var queued = await ListAsync("SELECT grain_type || '/' || grain_key || ' ' || message_type || ' attempts ' || attempts || ' ' || COALESCE(last_error, '') FROM runtime.messages", r => r.GetString(0));
        return string.Join("\n", tasks) + "\ndead letters: " + string.Join("\n", dead) + "\nqueued: " + string.Join("\n", queued);
    }
}

/// <summary>The tests on the <see cref="SlowWorkCluster"/>: offline answers take 400 ms, approvals expire after 2 s.</summary>
public sealed class SlowWorkFixture : WorkFixture
{
    protected override async Task<WorkCluster> JoinAsync() => await AssemblyFixture.GetAsync<SlowWorkCluster>();
}

/// <summary>A cluster of the test class's own: one silo here that only runs turns, and the silo processes the test starts, which take the steps.</summary>
public sealed class ProcessWorkFixture : WorkFixture
{
    public const int LatencyMs = 700;

    private ProcessWorkCluster? _own;

    protected override async Task<WorkCluster> JoinAsync()
    {
        _own = new ProcessWorkCluster();
        await _own.InitializeAsync();
        return _own;
    }

    public override async Task DisposeAsync()
    {
        if (_own is not null)
        {
            await _own.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    /// <summary>
    /// Starts a silo process of the work harness in this cluster, whose activity leases last
    /// <paramref name="lease"/>: the time another silo waits out after it is killed. A silo that takes over
    /// runs with a longer one, so that a heartbeat late while it starts up on a loaded machine loses none.
    /// </summary>
    public Process StartSilo(string name, TimeSpan lease) => TestSilos.StartWorkHarnessSilo(name, new Dictionary<string, string?>(SiloSettings)
    {
        ["Fluid:Silo:Name"] = name,
        ["Fluid:Silo:ActivityLease"] = lease.ToString("c", CultureInfo.InvariantCulture),
    });
}

/// <summary>The ids of <see cref="WorkFixture.DemoCompanyAsync"/>.</summary>
public sealed record DemoCompany(long CompanyId, long Cto, long Manager, long Frontend, long Backend);
