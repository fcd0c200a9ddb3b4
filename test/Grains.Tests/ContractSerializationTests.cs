using System.CodeDom.Compiler;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FluentAssertions.Equivalency;
using FluentAssertions.Execution;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Knowledge.Spaces;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;

namespace FluidManager.Grains.Tests;

/// <summary>
/// The grain contract crosses silos through the Orleans serializer: every contract type carries
/// [GenerateSerializer] and a unique [Alias], every stored member an [Id], and real values survive a
/// serialize/deserialize round trip (and a deep copy, which a call inside one silo makes). No database.
/// </summary>
public sealed class ContractSerializationTests
{
    private static readonly Assembly ContractAssembly = typeof(TaskDto).Assembly;
    private static readonly Assembly KnowledgeAssembly = typeof(IKnowledgeGrain).Assembly;
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.FromHours(1));

    private static readonly Lazy<IServiceProvider> Services = new(() => new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(ContractAssembly).AddAssembly(KnowledgeAssembly))
        .BuildServiceProvider());

    /// <summary>
    /// Every public record, class, struct and enum of the contract assembly, and everything reachable from
    /// the parameters and results of the grain interfaces (I*Grain) of both assemblies: nested members,
    /// collection elements, nullable and enum types.
    /// </summary>
    private static IReadOnlyList<Type> ContractTypes()
    {
        var found = new HashSet<Type>();
        foreach (var type in ContractAssembly.GetExportedTypes().Where(IsContractCandidate))
        {
            found.Add(type);
        }

        var grainInterfaces = ContractAssembly.GetExportedTypes().Concat(KnowledgeAssembly.GetExportedTypes())
            .Where(t => t.IsInterface && t.Name.StartsWith('I') && t.Name.EndsWith("Grain", StringComparison.Ordinal))
            .ToList();
        grainInterfaces.Should().Contain(new[] { typeof(ITaskGrain), typeof(IKnowledgeGrain), typeof(IKnowledgeSpaceGrain) });
        foreach (var method in grainInterfaces.SelectMany(i => i.GetMethods()))
        {
            Walk(method.ReturnType, found);
            foreach (var parameter in method.GetParameters())
            {
                Walk(parameter.ParameterType, found);
            }
        }

        return [.. found.OrderBy(t => t.FullName, StringComparer.Ordinal)];
    }

    private static bool IsContractCandidate(Type type) =>
        !type.IsInterface
        && !(type.IsAbstract && type.IsSealed) // static
        && !typeof(Attribute).IsAssignableFrom(type)
        && type.GetCustomAttribute<CompilerGeneratedAttribute>() is null
        && type.GetCustomAttribute<GeneratedCodeAttribute>() is null // the codecs and copiers Orleans generates
        && type.Namespace?.StartsWith("FluidManager.", StringComparison.Ordinal) == true
        && !type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConverter<,>)); // codec plumbing, not contract

    private static void Walk(Type type, HashSet<Type> found)
    {
        if (type.IsByRef || type.IsArray)
        {
            Walk(type.GetElementType()!, found);
            return;
        }

        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                Walk(argument, found);
            }

            if (Nullable.GetUnderlyingType(type) is not null || type.Namespace?.StartsWith("FluidManager", StringComparison.Ordinal) != true)
            {
                return;
            }
        }

        if (type.Namespace?.StartsWith("FluidManager", StringComparison.Ordinal) != true || !IsContractCandidate(type) || !found.Add(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Walk(property.PropertyType, found);
        }
    }

    [Fact]
    public void Every_contract_type_has_a_serializer_and_a_unique_alias()
    {
        using var scope = new AssertionScope();
        var types = ContractTypes();
        types.Should().Contain(new[]
        {
            typeof(TaskDto), typeof(CreateTaskCommand), typeof(AgentProfile), typeof(ToolCallDto), typeof(TaskState), typeof(NotFoundException),
            typeof(AclRule), typeof(AclPrincipalKind), typeof(AddDocumentCommand), typeof(CreateSpaceCommand), typeof(DocumentDto), typeof(DocumentStatus),
            typeof(DocumentUpload), typeof(KnowledgeSpaceDto), typeof(SetAclCommand), typeof(SpaceScope), typeof(UpdateSpaceCommand),
        });

        var missing = types
            .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>(inherit: false) is null || t.GetCustomAttribute<AliasAttribute>(inherit: false) is null)
            .Select(t => t.FullName)
            .ToList();
        missing.Should().BeEmpty("every contract type needs [GenerateSerializer] and [Alias]");

        var aliased = ContractAssembly.GetTypes().Concat(KnowledgeAssembly.GetTypes())
            .Select(t => (Type: t, Alias: t.GetCustomAttribute<AliasAttribute>(inherit: false)?.Alias))
            .Where(a => a.Alias is not null)
            .ToList();
        aliased.GroupBy(a => a.Alias).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(a => a.Type.FullName))}")
            .Should().BeEmpty("aliases must be unique");
        aliased.Where(a => !a.Alias!.StartsWith("fm.", StringComparison.Ordinal)).Select(a => a.Type.FullName)
            .Should().BeEmpty("contract aliases follow fm.<area>.<TypeName>");
    }

    [Fact]
    public void Every_stored_member_of_a_contract_type_has_an_id_numbered_from_zero()
    {
        var problems = new List<string>();
        foreach (var type in ContractTypes().Where(t => !t.IsEnum))
        {
            // Stored members: auto-properties (their compiler-generated backing field), as declared by the type itself.
            var stored = type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => type.GetField($"<{p.Name}>k__BackingField", BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly) is not null)
                .ToList();
            var ids = new List<uint>();
            foreach (var property in stored)
            {
                if (property.GetCustomAttribute<IdAttribute>() is { } id)
                {
                    ids.Add(id.Id);
                }
                else
                {
                    problems.Add($"{type.FullName}.{property.Name} has no [Id]");
                }
            }

            if (ids.Order().Select(i => (int)i).SequenceEqual(Enumerable.Range(0, ids.Count)) == false)
            {
                problems.Add($"{type.FullName}: ids {string.Join(", ", ids.Order())} are not 0..{ids.Count - 1}");
            }
        }

        problems.Should().BeEmpty();
    }

    [Fact]
    public void Every_concrete_contract_type_gets_a_codec_and_a_copier()
    {
        var codecs = Services.Value.GetRequiredService<ICodecProvider>();
        var copiers = Services.Value.GetRequiredService<IDeepCopierProvider>();
        var types = ContractTypes().Where(t => !t.IsAbstract).ToList();

        types.Where(t => codecs.TryGetCodec(t) is null).Select(t => t.FullName).Should().BeEmpty("every contract type needs a codec");
        types.Where(t => copiers.TryGetDeepCopier(t) is null).Select(t => t.FullName).Should().BeEmpty("every contract type needs a copier");
    }

    [Fact]
    public void A_command_with_init_properties_round_trips()
    {
        var command = new CreateTaskCommand
        {
            CompanyId = 7,
            Title = "Write the launch post",
            Description = "Two paragraphs.",
            Project = "launch",
            ParentTaskId = 41,
            AssigneeAgentId = 12,
            Priority = TaskPriority.Urgent,
            ScheduledAt = Now,
            DeadlineAt = Now.AddDays(2),
            MaxAttempts = 5,
            FailurePolicy = SubtaskFailurePolicy.Ignore,
            CostEstimate = 12.345m,
        };

        RoundTrip(command).Should().BeEquivalentTo(command).And.Be(command);
        RoundTrip(new CreateTaskCommand { CompanyId = 1, Title = "Defaults" }).Should().Be(new CreateTaskCommand { CompanyId = 1, Title = "Defaults" });
        RoundTrip(new ListTasksQuery { CompanyId = 3, Status = TaskState.Blocked, Text = "launch", AfterId = 99, Limit = 10 })
            .Should().Be(new ListTasksQuery { CompanyId = 3, Status = TaskState.Blocked, Text = "launch", AfterId = 99, Limit = 10 });
    }

    [Fact]
    public void A_task_with_nested_progress_lists_and_nulls_round_trips()
    {
        var task = new TaskDto
        {
            Id = 101,
            CompanyId = 7,
            Title = "Ship it",
            Description = "",
            Project = null,
            Status = TaskState.AwaitingApproval,
            AssigneeAgentId = 12,
            CreatedBy = "human:3",
            ParentTaskId = null,
            FailurePolicy = SubtaskFailurePolicy.Block,
            Priority = TaskPriority.High,
            DeadlineAt = Now,
            AttemptCount = 1,
            MaxAttempts = 3,
            TokensUsed = 12_345,
            CostEstimate = 0.42m,
            DurationMs = 9_000,
            StartedAt = Now.AddMinutes(-5),
            StatusReason = "needs the CEO",
            Subtasks = new SubtaskProgress(4, 1, 1, 0, 0, 0, 1, 1, 0),
            AllowedActions = [TaskAction.Approve, TaskAction.Reject, TaskAction.Comment], // a compiler-synthesised read-only list
            Version = 6,
            CreatedAt = Now.AddHours(-1),
            UpdatedAt = Now,
        };

        var copy = RoundTrip(task);

        copy.Should().BeEquivalentTo(task);
        copy.Project.Should().BeNull();
        copy.FinishedAt.Should().BeNull();
        RoundTrip(new TaskChangedEvent(task, TaskState.Running, "asked", 11)).Should().BeEquivalentTo(new TaskChangedEvent(task, TaskState.Running, "asked", 11));
        IReadOnlyList<TaskDto> tasks = [task, task with { Id = 102, AllowedActions = [] }];
        RoundTrip(tasks).Should().BeEquivalentTo(tasks);
    }

    [Fact]
    public void An_agent_with_its_profile_and_limits_round_trips()
    {
        var agent = new AgentDto(
            12,
            7,
            new AgentProfile
            {
                FirstName = "Ada",
                LastName = "Lovelace",
                Role = "Developer",
                Department = "Engineering",
                Seniority = AgentSeniority.Principal,
                Affinities = ["compilers", "math"],
                Model = "offline",
                AllowedTools = [AgentTools.Rag, AgentTools.Web],
                Limits = new AgentLimits { TokensPerDay = 100_000, MaxCost = 25m, WebDomains = ["example.com"], SqlSources = [] },
            },
            AgentStatus.Paused,
            AvatarArtifactId: null,
            ManagerAgentId: 3,
            ReportsToCeo: false,
            Version: 4,
            CreatedAt: Now,
            UpdatedAt: Now.AddSeconds(1));

        var copy = RoundTrip(agent);

        copy.Should().BeEquivalentTo(agent);
        copy.DisplayName.Should().Be("Ada Lovelace");
        copy.Profile.Limits.TokensPerMonth.Should().BeNull();
    }

    [Fact]
    public void Minutes_with_nested_collections_and_org_rules_round_trip()
    {
        var cta = new CtaDto(5, 9, 1, "Draft the post", "", 12, "Ada Lovelace", new DateOnly(2025, 4, 1), TaskPriority.High, "decided", 2,
            CtaStatus.Dispatched, 101, TaskState.Running, 12, [3, 12], null, null, 2);
        var minutes = new MinutesDto(9, "We ship.", [new DecisionDto(2, 1, "Ship in April")], ["slip"], [], [cta], "offline", 1, Now);
        var rule = new PolicyRuleDto
        {
            Id = 1,
            CompanyId = 7,
            Name = "sales-never-above-engineering",
            Kind = PolicyRuleKind.RoleSeparation,
            Description = "",
            Enabled = true,
            RoleSeparation = new RoleSeparationRule(new AgentSelector { Departments = ["Sales"] }, new AgentSelector { Roles = ["Developer"] }, "no"),
            Version = 1,
            UpdatedAt = Now,
        };
        var spend = new AgentSpendDto(12, true, new DateOnly(2025, 3, 1), null, CostRowDto.Empty("12", "Ada"), new CostRowDto("12", "Ada", 3, 10, 20, 0.5m, 900), []);

        RoundTrip(minutes).Should().BeEquivalentTo(minutes);
        RoundTrip(rule).Should().BeEquivalentTo(rule);
        RoundTrip(spend).Should().BeEquivalentTo(spend);
    }

    [Fact]
    public void A_tool_call_with_json_arguments_round_trips_and_copies()
    {
        using var arguments = JsonDocument.Parse("""{"query":"launch","limit":5,"filters":{"spaces":[1,2]},"exact":null}""");
        using var refs = JsonDocument.Parse("""[101, "artifact:7"]""");
        var call = new ToolCallDto(1, 7, 101, 12, 1, 2, "call_1", "1:2:call_1", "rag", arguments.RootElement, true, ToolOutcome.Ok, null, "3 hits", refs.RootElement, 120, Now);
        var withoutRefs = call with { Refs = null, Arguments = default, Outcome = ToolOutcome.Denied, Reason = "not offered" };

        var copy = RoundTrip(call);
        var copied = Services.Value.GetRequiredService<DeepCopier>().Copy(call);

        copy.Should().BeEquivalentTo(call, SameJson);
        copy.Arguments.GetRawText().Should().Be(call.Arguments.GetRawText());
        copy.Refs!.Value.GetRawText().Should().Be(call.Refs!.Value.GetRawText());
        copied.Should().BeEquivalentTo(call, SameJson);
        RoundTrip(withoutRefs).Should().BeEquivalentTo(withoutRefs, SameJson);
        RoundTrip(withoutRefs).Arguments.ValueKind.Should().Be(JsonValueKind.Undefined);
    }

    [Fact]
    public void Knowledge_types_round_trip()
    {
        using var progress = JsonDocument.Parse("""{"stage":"embedding","done":3,"total":10}""");
        var document = new DocumentDto(4, 7, 2, "handbook.md", "text/markdown", 2048, "abc", DocumentStatus.Ingesting, null, "markdown", 2, 1, 10, 9000, 1,
            progress.RootElement, "human:3", Now, Now, null, ["handbook", "onboarding"], new Dictionary<string, string> { ["owner"] = "Ada" }, 5);
        var space = new KnowledgeSpaceDto(2, 7, "Handbook", "", SpaceScope.Department, "Engineering", null,
            [new AclRule(AclPrincipalKind.Department, "Engineering"), new AclRule(AclPrincipalKind.Agent, AgentId: 12, CanWrite: true)], 1, 0, 10, 3, "human:3", Now, Now);
        var create = new CreateSpaceCommand(7, "Handbook", Scope: SpaceScope.Project, ScopeRef: "launch", Acl: [new AclRule(AclPrincipalKind.Everyone)]);
        var add = new AddDocumentCommand(7, "handbook.md", new StoredObject("k/1", 2048, "abc", "text/markdown"));

        RoundTrip(new DocumentUpload(document, "k/0", true)).Should().BeEquivalentTo(new DocumentUpload(document, "k/0", true), SameJson);
        RoundTrip(document).Progress!.Value.GetRawText().Should().Be(progress.RootElement.GetRawText());
        RoundTrip(space).Should().BeEquivalentTo(space);
        RoundTrip(create).Should().BeEquivalentTo(create);
        RoundTrip(add).Should().Be(add);
        RoundTrip(new SetAclCommand(7, [new AclRule(AclPrincipalKind.Role, "CTO", CanRead: false)], 3)).Should().BeEquivalentTo(new SetAclCommand(7, [new AclRule(AclPrincipalKind.Role, "CTO", CanRead: false)], 3));
        RoundTrip(new UpdateSpaceCommand(7, "Renamed")).Should().Be(new UpdateSpaceCommand(7, "Renamed"));
        var labels = new UpdateDocumentCommand(7, 4, ["policy"], new Dictionary<string, string?> { ["owner"] = "Ada" });
        RoundTrip(labels).Should().BeEquivalentTo(labels);
        RoundTrip(document).Tags.Should().Equal("handbook", "onboarding");
        RoundTrip(document).Metadata.Should().Equal(new Dictionary<string, string> { ["owner"] = "Ada" });
    }

    [Fact]
    public void Enums_round_trip()
    {
        RoundTrip(TaskState.AwaitingApproval).Should().Be(TaskState.AwaitingApproval);
        RoundTrip<TaskPriority?>(TaskPriority.Urgent).Should().Be(TaskPriority.Urgent);
        RoundTrip<AgentStatus?>(null).Should().BeNull();
        RoundTrip<object>(DocumentStatus.Failed).Should().Be(DocumentStatus.Failed);
        RoundTrip(BudgetLimit.CompanyMonthlyBudget).Should().Be(BudgetLimit.CompanyMonthlyBudget);
    }

    public static TheoryData<DomainException> Exceptions() => new()
    {
        new NotFoundException("Task", 42),
        new ConflictException("Task 42 is done: it cannot start.", "task.illegal_transition"),
        new ConflictException("Plain conflict."),
        new PolicyDeniedException("Sales may not assign to engineering.", "role:sales-never-above-engineering"),
        new ValidationException(new Dictionary<string, string[]> { ["title"] = ["is required"], ["limits.tokensPerDay"] = ["must be positive", "too small"] }),
        new ValidationException("title", "is required"),
        new VersionMismatchException("Task 42", 3, 5),
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Domain_exceptions_keep_their_data_across_silos(DomainException exception)
    {
        var thrown = Throw(exception);

        // A grain call's response carries the exception as Exception.
        var copy = RoundTrip<Exception>(thrown);
        var copied = Services.Value.GetRequiredService<DeepCopier>().Copy<Exception>(thrown);

        foreach (var result in new[] { copy, copied })
        {
            result.Should().BeOfType(exception.GetType());
            result.Should().BeEquivalentTo(Data(exception));
        }

        copy.StackTrace.Should().Contain(nameof(Throw));
    }

    /// <summary>What a caller reads from a domain exception: its message, code and the data of its type.</summary>
    private static object Data(DomainException exception) => exception switch
    {
        NotFoundException e => new { e.Message, e.Code, e.What },
        PolicyDeniedException e => new { e.Message, e.Code, e.Rule },
        ValidationException e => new { e.Message, e.Code, e.Errors },
        VersionMismatchException e => new { e.Message, e.Code, e.Expected, e.Actual },
        _ => new { exception.Message, exception.Code },
    };

    [Fact]
    public void An_exception_round_trips_as_its_own_type()
    {
        var copy = RoundTrip(new VersionMismatchException("Agent 12", 1, 2));

        copy.Should().BeEquivalentTo(new { Code = "version_mismatch", Expected = 1L, Actual = 2L, Message = "Agent 12 is at version 2, not 1: reload it and try again." });
    }

    private static Exception Throw(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    private static EquivalencyAssertionOptions<T> SameJson<T>(EquivalencyAssertionOptions<T> options) => options
        .Using<JsonElement>(ctx => Raw(ctx.Subject).Should().Be(Raw(ctx.Expectation)))
        .WhenTypeIs<JsonElement>();

    private static string Raw(JsonElement element) => element.ValueKind == JsonValueKind.Undefined ? "(undefined)" : element.GetRawText();

    private static T RoundTrip<T>(T value)
    {
        var serializer = Services.Value.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
    }
}
