using System.Globalization;
using System.Reflection;
using System.Text.Json;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Events;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Hosting;
using FluidManager.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

[assembly: TestFramework(SharedFixtureFramework.TypeName, SharedFixtureFramework.AssemblyName)]

namespace FluidManager.Grains.Tests;

/// <summary>
/// The assembly's cluster: a database with the runtime's and the grains' schema, and two Orleans silos on
/// it (AddFluidRuntime + AddFluidSilo + AddGrains, with silo pumps for posted messages and the event
/// listener). Every test class shares it; tests make a company each, so they never share rows.
/// </summary>
public sealed class GrainsCluster : DatabaseFixture
{
    private IReadOnlyList<IHost> _silos = [];
    private string? _storage;

    protected override Assembly[] MigrationAssemblies => [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly];

    protected override string Prefix => "Grains";

    /// <summary>The first silo: the tests' grain factory and services come from it.</summary>
    public IHost Host => _silos.Count > 0 ? _silos[0] : throw new InvalidOperationException("The cluster is not started.");

    /// <summary>Both silos.</summary>
    public IReadOnlyList<IHost> Silos => _silos;

    /// <summary>Every event the silos' listeners push.</summary>
    public RecordingSink Events { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _storage = Directory.CreateTempSubdirectory("fluid-objects-").FullName;
        var settings = new Dictionary<string, string?>(TestSilos.ClusterSettings(TestSilos.NewClusterId("grains")))
        {
            ["ConnectionStrings:Fluid"] = ConnectionString,
            ["Fluid:Runtime:MigrateOnStart"] = "false",
            ["Fluid:Silo:PollInterval"] = "00:00:00.050",
            ["Fluid:Runtime:ChannelPrefix"] = "grains_" + Guid.NewGuid().ToString("N")[..12],
            ["Fluid:Storage:Path"] = _storage,
        };
        _silos = await TestSilos.StartClusterAsync(2, "grains-tests", settings, builder =>
        {
            builder.AddFluidRuntime();
            builder.AddFluidSilo();
            builder.AddGrains();
            builder.AddSiloPumps();
            builder.AddEventListener();
            builder.Services.AddSingleton<IEventSink>(Events);
        });
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

/// <summary>
/// What a test class sees of the assembly's <see cref="GrainsCluster"/>: its database, a grain factory
/// whose calls go through Orleans, and helpers. Tests make a company each, so they never share rows.
/// </summary>
public sealed class GrainsFixture : DatabaseFixture
{
    private GrainsCluster? _cluster;

    protected override Assembly[] MigrationAssemblies => [];

    private GrainsCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not initialised.");

    public IHost Host => Cluster.Host;

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>
    /// Tells a grain's activation, wherever it is, to drop what it keeps in memory: for a test that changed the
    /// grain's rows behind its back (no turn of the runtime wrote them, so nothing else tells it).
    /// </summary>
    public Task ForgetWarmStateAsync(string grainType, long key) =>
        Host.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IWarmStateTarget>(GrainId.Create(grainType, key.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .DropWarmStateAsync();

    /// <summary>
    /// Wakes a grain's reminder the way Orleans does when it ticks, or a starting silo does for a row
    /// that fell due while no silo ran: the grain fires it if its row says it is due.
    /// </summary>
    public Task WakeReminderAsync(string grainType, long key, string name) =>
        Host.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<Runtime.Reminders.IOverdueReminders>(GrainId.Create(grainType, key.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .FireIfDueAsync(name);

    public override async Task InitializeAsync()
    {
        _cluster = await AssemblyFixture.GetAsync<GrainsCluster>();
        UseSharedDatabase(_cluster.ConnectionString);
    }

    /// <summary>A fresh company (its default hierarchy rules come from the database trigger).</summary>
    public async Task<long> CreateCompanyAsync(string name = "Acme")
    {
        var slug = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}";
        return await ScalarAsync<long>("INSERT INTO companies (name, slug) VALUES (@name, @slug) RETURNING id", ("name", name), ("slug", slug));
    }

    public ICompanyGrain Company(long companyId) => Grains.GetGrain<ICompanyGrain>(companyId);

    public IHierarchyPolicyGrain Policy(long companyId) => Grains.GetGrain<IHierarchyPolicyGrain>(companyId);

    public IAgentGrain Agent(long agentId) => Grains.GetGrain<IAgentGrain>(agentId);

    public ITaskGrain Task(long taskId) => Grains.GetGrain<ITaskGrain>(taskId);

    /// <summary>Hires an agent; by default reporting to the CEO seat.</summary>
    public Task<AgentDto> HireAsync(long companyId, string firstName, string role, string department, long? managerId = null, bool place = true) =>
        Company(companyId).CreateAgentAsync(new CreateAgentCommand
        {
            CompanyId = companyId,
            Profile = Profile(firstName, role, department),
            ManagerAgentId = managerId,
            PlaceInOrgChart = place,
        });

    public static AgentProfile Profile(string firstName, string role, string department) => new()
    {
        FirstName = firstName,
        LastName = "Test",
        Role = role,
        Department = department,
        Model = "offline",
        AllowedTools = [AgentTools.Rag],
    };

    public Task<TaskDto> CreateTaskAsync(long companyId, string title = "Write the spec", long? assignee = null, long? parent = null, SubtaskFailurePolicy failurePolicy = SubtaskFailurePolicy.Block) =>
        Company(companyId).CreateTaskAsync(new CreateTaskCommand
        {
            CompanyId = companyId,
            Title = title,
            AssigneeAgentId = assignee,
            ParentTaskId = parent,
            FailurePolicy = failurePolicy,
        });

    /// <summary>
    /// The committed events of a stream, oldest first, read straight from the table: the log reader's
    /// commit-safe bound could hide a fresh event behind another test's running transaction.
    /// </summary>
    public Task<IReadOnlyList<EventRecord>> StreamAsync(long companyId, string stream) =>
        ReadEventsAsync("WHERE company_id = @company_id AND stream = @stream", ("company_id", companyId), ("stream", stream));

    public Task<IReadOnlyList<EventRecord>> EventsOfTypeAsync(long companyId, string type) =>
        ReadEventsAsync("WHERE company_id = @company_id AND type = @type", ("company_id", companyId), ("type", type));

    /// <summary>Waits for an event written by a background pump, signalled by the process's event listener.</summary>
    public Task<EventRecord> WaitForEventAsync(string stream, string type) =>
        Cluster.Events.WaitAsync(e => e.Stream == stream && e.Type == type, TimeSpan.FromSeconds(15));

    private async Task<IReadOnlyList<EventRecord>> ReadEventsAsync(string where, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT position, company_id, stream, type, payload::text, actor, at FROM runtime.events {where} ORDER BY position", connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var events = new List<EventRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add(new EventRecord(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                JsonDocument.Parse(reader.GetString(4)).RootElement.Clone(),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return events;
    }

    /// <summary>Reads one property of an event's JSON payload.</summary>
    public static JsonElement Payload(EventRecord record, params string[] path)
    {
        var element = record.Payload;
        foreach (var name in path)
        {
            element = element.GetProperty(name);
        }

        return element;
    }
}

/// <summary>Helpers to run calls as somebody.</summary>
public static class As
{
    public static IDisposable Ceo() => CallerContext.As("human:1");

    public static IDisposable Agent(long agentId) => CallerContext.As("agent:" + agentId.ToString(CultureInfo.InvariantCulture));
}

/// <summary>Keeps every event the listener pushes and wakes whoever waits for one.</summary>
public sealed class RecordingSink : IEventSink
{
    private readonly List<EventRecord> _events = [];
    private readonly List<(Func<EventRecord, bool> Match, TaskCompletionSource<EventRecord> Done)> _waiters = [];

    public Task OnEventsAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        lock (_events)
        {
            _events.AddRange(events);
            foreach (var waiter in _waiters.ToList())
            {
                if (events.FirstOrDefault(waiter.Match) is { } hit)
                {
                    waiter.Done.TrySetResult(hit);
                    _waiters.Remove(waiter);
                }
            }
        }

        return System.Threading.Tasks.Task.CompletedTask;
    }

    public Task<EventRecord> WaitAsync(Func<EventRecord, bool> match, TimeSpan timeout)
    {
        lock (_events)
        {
            if (_events.FirstOrDefault(match) is { } seen)
            {
                return System.Threading.Tasks.Task.FromResult(seen);
            }

            var done = new TaskCompletionSource<EventRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(timeout);
        }
    }
}
