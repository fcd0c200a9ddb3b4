using System.Globalization;
using FluidManager.Grains.Artifacts;
using FluidManager.Grains.Data;
using FluidManager.Grains.Governance;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Grains.Organization;
using FluidManager.Grains.Tasks;
using FluidManager.Grains.Tools;
using FluidManager.Grains.Work;
using FluidManager.Runtime.Grains;
using FluidManager.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluidManager.Grains.Agents;

/// <summary>
/// One agent (key = agent id): its profile and status, its delegations and escalations. Its read-only
/// calls take the agent (<see cref="AgentDto"/>: the agents row and its current reporting line) from
/// memory once warm. Besides this grain's own write turns, the only writers of those rows are the
/// hierarchy policy's edge changes, which touch the agent (<see cref="WarmTurnExtensions.TouchWarm{TGrain}(ITurnContext, long)"/>).
/// </summary>
[GrainType("agent")]
[WarmReads]
public sealed class AgentGrain(ITurnContext context, ILogger<AgentGrain> logger, IOptions<ModelsOptions> models, IServiceProvider services) : DurableGrain, IAgentGrain, IHandle<EscalationReceived>
{
    private WarmState<AgentDto>? _agent;

    protected override ITurnContext Turn => context;

    /// <summary>Largest avatar image accepted.</summary>
    public const long MaxAvatarBytes = 5 * 1024 * 1024;

    private long Id => context.KeyAsId("Agent");

    private WarmState<AgentDto> Remembered => _agent ??= Warm(LoadAgentAsync);

    public async Task<AgentDto> GetAsync(long companyId)
    {
        var agent = await Remembered.GetAsync();
        return agent.CompanyId == companyId ? agent : throw new NotFoundException("Agent", Id);
    }

    public async Task<AgentDto> UpdateAsync(UpdateAgentCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var agent = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        var profile = AgentRows.Normalise(command.Profile);
        if (!Same(profile.Model, agent.Profile.Model))
        {
            // An agent whose model a list dropped keeps it (flagged) until the CEO picks another: only a change is checked.
            await CompanyPolicyStore.CheckModelAsync(context, command.CompanyId, profile.Model, models.Value.EffectiveAllowed);
        }

        if (!Same(profile.Role, agent.Profile.Role) || !Same(profile.Department, agent.Profile.Department))
        {
            // Under the org lock, so that no org change slips in between the check and this write.
            await Policy(command.CompanyId).CallAsync(g => g.CheckRoleChangeAsync(command.CompanyId, Id, profile.Role, profile.Department));
        }

        await NoteChangeToPolicyAsync(command.CompanyId);
        await context.Sql(AgentSql.UpdateProfile).WithProfile(profile).With("id", Id).With("now", context.Now).ExecuteAsync();
        if (profile.Limits.MaxConcurrentTasks > agent.Profile.Limits.MaxConcurrentTasks)
        {
            await AgentSlots.WakeAsync(context, command.CompanyId, Id, $"{agent.DisplayName} may run {profile.Limits.MaxConcurrentTasks} tasks at once");
        }

        return await PublishAsync(command.CompanyId, EventTypes.AgentUpdated);
    }

    public async Task<AgentDto> SetStatusAsync(SetAgentStatusCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Check(Enum.IsDefined(command.Status), "status", "is not a known agent status").ThrowIfAny();
        var agent = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        if (agent.Status == command.Status)
        {
            return agent;
        }

        if (agent.Status == AgentStatus.Archived && command.Status == AgentStatus.Paused)
        {
            throw new ConflictException($"{agent.DisplayName} is archived: restore it (active) before pausing it.", "agent.illegal_status");
        }

        await NoteChangeToPolicyAsync(command.CompanyId);
        await context.Sql(AgentSql.SetStatus).With("id", Id).With<AgentStatus>("status", command.Status).With("now", context.Now).ExecuteAsync();
        if (command.Status == AgentStatus.Active)
        {
            // Tasks queued while the agent was away start now rather than at their runner's next check.
            foreach (var taskId in await context.Sql(AgentSql.QueuedTasks).With("id", Id).With("company_id", command.CompanyId).ListAsync(r => r.GetInt64(0)))
            {
                await context.PostAsync<ITaskRunnerGrain>(taskId.ToString(CultureInfo.InvariantCulture),
                    new TaskRunSignal(command.CompanyId, taskId, TaskState.Queued, TaskState.Queued, TaskAction.Start, $"{agent.DisplayName} is active again"));
            }
        }

        return await PublishAsync(command.CompanyId, command.Status switch
        {
            AgentStatus.Paused => EventTypes.AgentPaused,
            AgentStatus.Archived => EventTypes.AgentArchived,
            _ => EventTypes.AgentActivated,
        });
    }

    public async Task DeleteAsync(DeleteAgentCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var agent = await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        await context.Sql(AgentSql.LockForDelete).With("id", Id).With("company_id", command.CompanyId).ExecuteAsync();
        var open = await context.Sql(AgentSql.OpenWorkCount).With("id", Id).ScalarAsync<long>();
        if (open > 0)
        {
            throw new ConflictException(
                $"{agent.DisplayName} has {open} open task(s): archive the agent instead, or reassign its work first.",
                "agent.has_open_work");
        }

        await Policy(command.CompanyId).CallAsync(g => g.RemoveAgentAsync(command.CompanyId, Id));
        foreach (var taskId in await context.Sql(AgentSql.AssignedTaskIds).With("id", Id).With("company_id", command.CompanyId).ListAsync(r => r.GetInt64(0)))
        {
            context.TouchWarm<ITaskGrain>(taskId); // the delete clears their assignee
        }

        await context.Sql(AgentSql.DeleteOwnArtifacts).With("id", Id).ExecuteAsync();
        await context.Sql(AgentSql.DeleteOwnWorklog).With("id", Id).ExecuteAsync();
        await context.Sql(AgentSql.Delete).With("id", Id).ExecuteAsync();
        await context.PublishAsync(Streams.Agent(Id), EventTypes.AgentDeleted, new AgentDeletedEvent(Id, command.CompanyId, agent.DisplayName), command.CompanyId);
    }

    public async Task<AgentDto> SetAvatarAsync(SetAvatarCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields()
            .Check(command.Image is not null, "image", "is required")
            .Check(command.Image?.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) != false, "image.contentType", "must be an image type such as image/png")
            .Check(command.Image?.Size is null or <= MaxAvatarBytes, "image.size", $"must be at most {MaxAvatarBytes / (1024 * 1024)} MB")
            .ThrowIfAny();
        await LoadForChangeAsync(command.CompanyId, command.ExpectedVersion);
        var (avatar, _) = await ArtifactRows.RecordAsync(context, new AttachArtifactCommand
        {
            CompanyId = command.CompanyId,
            Kind = ArtifactKind.Avatar,
            Name = command.FileName,
            Object = command.Image,
        }, taskId: null, agentId: Id);
        await context.Sql(AgentSql.SetAvatar).With("id", Id).With("artifact_id", avatar.Id).With("now", context.Now).ExecuteAsync();
        await context.Sql(AgentSql.DeleteOldAvatars).With("id", Id).With("keep", avatar.Id).ExecuteAsync();
        return await PublishAsync(command.CompanyId, EventTypes.AgentAvatarChanged);
    }

    public async Task<TaskDto> DelegateAsync(DelegateCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var self = await AgentRows.LoadAsync(context, command.CompanyId, Id);
        if (self.Status != AgentStatus.Active)
        {
            throw new ConflictException($"{self.DisplayName} is {self.Status.ToDb()} and cannot delegate.", "agent.not_active");
        }

        if (command.ParentTaskId is { } parentId)
        {
            var parent = await TaskRows.LoadAsync(context, command.CompanyId, parentId);
            if (parent.AssigneeAgentId != Id)
            {
                throw new ConflictException($"Task {parentId} is not assigned to {self.DisplayName}: an agent delegates only parts of its own work.", "task.not_assignee");
            }
        }

        var decision = await Policy(command.CompanyId).ReadAsync(g => g.CanAssignAsync(new CanAssignQuestion(command.CompanyId, Id, command.ToAgentId)));
        if (!decision.Allowed)
        {
            throw await PolicyDenials.RecordAsync(context, logger, new PolicyDenial
            {
                CompanyId = command.CompanyId,
                Action = "agent.delegate",
                Rule = decision.Rule!,
                Reason = decision.Reason!,
                FromAgentId = Id,
                ToAgentId = command.ToAgentId,
                TaskId = command.ParentTaskId,
            });
        }

        var task = await TaskCreation.CreateAsync(context, new CreateTaskCommand
        {
            CompanyId = command.CompanyId,
            Title = command.Title,
            Description = command.Description,
            Project = command.Project,
            ParentTaskId = command.ParentTaskId,
            AssigneeAgentId = command.ToAgentId,
            Priority = command.Priority,
            DeadlineAt = command.DeadlineAt,
        }, createdBy: Actor.AgentName(Id));
        await context.PublishAsync(Streams.Agent(Id), EventTypes.AgentDelegated, new DelegatedEvent(Id, command.ToAgentId, task.Id, command.ParentTaskId), command.CompanyId);
        return task;
    }

    public async Task<EscalationDto> EscalateAsync(EscalateCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Text("subject", command.Subject, 300).Text("body", command.Body, 20_000, required: false).ThrowIfAny();
        await AgentRows.LoadAsync(context, command.CompanyId, Id);
        if (command.TaskId is { } taskId)
        {
            await TaskRows.LoadAsync(context, command.CompanyId, taskId);
        }

        var target = await Policy(command.CompanyId).ReadAsync(g => g.GetEscalationTargetAsync(command.CompanyId, Id));
        var escalation = (await context.Sql(AgentSql.InsertEscalation)
            .With("company_id", command.CompanyId)
            .With("from_agent_id", Id)
            .With("to_agent_id", target.ManagerAgentId)
            .With("task_id", command.TaskId)
            .With("subject", command.Subject.Trim())
            .With("body", command.Body ?? "")
            .With("now", context.Now)
            .FirstOrDefaultAsync(AgentRows.MapEscalation))!;
        await context.PublishAsync(Streams.Agent(Id), EventTypes.AgentEscalated, escalation, command.CompanyId);
        if (target.ManagerAgentId is { } managerId)
        {
            await context.PostAsync<IAgentGrain>(managerId.ToString(CultureInfo.InvariantCulture), new EscalationReceived(command.CompanyId, escalation.Id));
        }
        else
        {
            await context.PublishAsync(Streams.Company(command.CompanyId), EventTypes.InboxEscalationAdded, escalation, command.CompanyId);
        }

        return escalation;
    }

    public async Task HandleAsync(EscalationReceived message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var escalation = await context.Sql(AgentSql.EscalationById).With("id", message.EscalationId).With("company_id", message.CompanyId)
            .FirstOrDefaultAsync(AgentRows.MapEscalation);
        if (escalation is { Open: true } && escalation.ToAgentId == Id)
        {
            await context.PublishAsync(Streams.Agent(Id), EventTypes.AgentEscalationReceived, escalation, message.CompanyId);
        }
    }

    public async Task<ArtifactDto> AttachArtifactAsync(AttachArtifactCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Check(command.Kind != ArtifactKind.Avatar, "kind", "set an avatar with SetAvatarAsync").ThrowIfAny();
        await AgentRows.LoadAsync(context, command.CompanyId, Id);
        var (artifact, created) = await ArtifactRows.RecordAsync(context, command, taskId: null, agentId: Id);
        if (created)
        {
            await context.PublishAsync(Streams.Agent(Id), EventTypes.AgentArtifactAdded, artifact, command.CompanyId);
        }

        return artifact;
    }

    public async Task<IReadOnlyList<ArtifactDto>> ListArtifactsAsync(long companyId)
    {
        await GetAsync(companyId);
        return await ArtifactRows.ForAgentAsync(context, companyId, Id);
    }

    public async Task<WorklogEntryDto> AddWorklogAsync(AddAgentWorklogCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields()
            .Text("body", command.Body, 20_000)
            .Check(Enum.IsDefined(command.Visibility), "visibility", "is not a known visibility")
            .ThrowIfAny();
        await AgentRows.LoadAsync(context, command.CompanyId, Id);
        var entry = await context.Sql(AgentSql.InsertOwnWorklog)
            .With("company_id", command.CompanyId)
            .With("agent_id", Id)
            .With<WorklogVisibility>("visibility", command.Visibility)
            .With("body", command.Body.Trim())
            .With("created_by", context.Actor)
            .With("now", context.Now)
            .FirstOrDefaultAsync(TaskRows.MapWorklog) ?? throw new InvalidOperationException("The worklog insert returned no row.");
        await context.PublishAsync(Streams.Agent(Id), EventTypes.AgentWorklogAdded, entry, command.CompanyId);
        return entry;
    }

    public async Task<IReadOnlyList<TaskDto>> ListOpenTasksAsync(long companyId)
    {
        await GetAsync(companyId);
        return await context.Sql(TaskSql.OpenForAgent).With("agent_id", Id).With("company_id", companyId).ListAsync(TaskRows.Map);
    }

    public async Task<AgentCapabilitiesDto> GetCapabilitiesAsync(long companyId)
    {
        var agent = await GetAsync(companyId);
        var load = await context.Sql(AgentCapabilities.LoadSql).With("agent_id", Id).With("company_id", companyId).With("now", context.Now)
            .FirstOrDefaultAsync(r => new AgentLoadDto(r.Get<int>("queued"), r.Get<int>("running"), r.Get<int>("waiting"), r.Get<long>("tokens_today"), r.Get<decimal>("cost_today")));
        var reports = await context.Sql(AgentCapabilities.DirectReportsSql).With("agent_id", Id).With("company_id", companyId).ScalarAsync<long>();
        return AgentCapabilities.Of(agent, load!, (int)reports, services.GetService<AgentToolCatalog>());
    }

    public async Task<IReadOnlyList<EscalationDto>> ListInboxAsync(long companyId)
    {
        await GetAsync(companyId);
        return await context.Sql(AgentSql.ManagerInbox).With("agent_id", Id).With("company_id", companyId).ListAsync(AgentRows.MapEscalation);
    }

    /// <summary>What the activation keeps in memory: the agent as its reads return it.</summary>
    private async Task<AgentDto> LoadAgentAsync() =>
        await context.Sql(AgentSql.ByKey).With("id", Id).FirstOrDefaultAsync(AgentRows.Map) ?? throw new NotFoundException("Agent", Id);

    private IJoinedGrain<IHierarchyPolicyGrain> Policy(long companyId) => context.Join<IHierarchyPolicyGrain>(companyId);

    /// <summary>The hierarchy policy keeps the chart in memory: it reads it anew once it applies this message.</summary>
    private Task NoteChangeToPolicyAsync(long companyId) =>
        context.PostAsync<IHierarchyPolicyGrain>(companyId.ToString(CultureInfo.InvariantCulture), new AgentChanged(companyId, Id));

    private async Task<AgentDto> LoadForChangeAsync(long companyId, long? expectedVersion)
    {
        var agent = await AgentRows.LoadAsync(context, companyId, Id);
        Guard.Version($"Agent {Id}", expectedVersion, agent.Version);
        return agent;
    }

    private async Task<AgentDto> PublishAsync(long companyId, string eventType)
    {
        var agent = await AgentRows.LoadAsync(context, companyId, Id);
        await context.PublishAsync(Streams.Agent(Id), eventType, agent, companyId);
        return agent;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
