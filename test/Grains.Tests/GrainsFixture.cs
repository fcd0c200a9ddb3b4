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
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FluidManager.Grains.Tests;

/// <summary>
/// A database with the runtime's and the grains' schema, and one host (AddFluidRuntime + AddGrains,
/// with silo pumps for posted messages) on it. Tests make a company each, so they never share rows.
/// </summary>
public sealed class GrainsFixture : DatabaseFixture
{
    private IHost? _host;
    private string? _storage;

    protected override Assembly[] MigrationAssemblies => [typeof(FluidRuntimeHostingExtensions).Assembly, typeof(GrainsHostingExtensions).Assembly];

    public IHost Host => _host ?? throw new InvalidOperationException("The fixture is not initialised.");

    public ITurnGrainFactory Grains => Host.Services.GetRequiredService<ITurnGrainFactory>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _storage = Directory.CreateTempSubdirectory("fluid-objects-").FullName;
        _host = await StartHostAsync(ConnectionString, new Dictionary<string, string?> { ["Fluid:Storage:Path"] = _storage });
    }

    public override async Task DisposeAsync()
    {
        if (_host is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(stop.Token);
            _host.Dispose();
        }

        if (_storage is not null)
        {
            Directory.Delete(_storage, recursive: true);
        }

        await base.DisposeAsync();
    }

    /// <summary>A host like the Api's and the Silo's: the runtime, the grains, and the silo pumps.</summary>
    public static async Task<IHost> StartHostAsync(string connectionString, IDictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Fluid"] = connectionString,
            ["Fluid:Runtime:MigrateOnStart"] = "false",
            ["Fluid:Silo:Name"] = "grains-tests",
            ["Fluid:Silo:PollInterval"] = "00:00:00.050",
            ["Fluid:Runtime:ChannelPrefix"] = "grains_" + Guid.NewGuid().ToString("N")[..12],
        };
        foreach (var (key, value) in settings)
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.AddFilter(_ => false);
        builder.AddFluidRuntime();
        builder.AddGrains();
        builder.AddSiloPumps();
        builder.AddEventListener();
        builder.Services.AddSingleton<RecordingSink>();
        builder.Services.AddSingleton<IEventSink>(sp => sp.GetRequiredService<RecordingSink>());
        var host = builder.Build();
        await host.StartAsync();
        return host;
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
        Host.Services.GetRequiredService<RecordingSink>().WaitAsync(e => e.Stream == stream && e.Type == type, TimeSpan.FromSeconds(15));

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
