using System.Globalization;
using FluidManager.Grains.Agents;
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
using FluidManager.Grains.Organization;
using FluidManager.Grains.Tasks;
using FluidManager.Models;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.Options;

namespace FluidManager.Grains.Companies;

/// <summary>
/// A company (key = company id): hands out agent and task ids (identity columns) by creating their
/// rows, then lets the new grains and the hierarchy policy take over within the same turn.
/// </summary>
[GrainType("company")]
public sealed class CompanyGrain(ITurnContext context, IOptions<ModelsOptions> models) : DurableGrain, ICompanyGrain
{
    protected override ITurnContext Turn => context;

    public async Task<AgentDto> CreateAgentAsync(CreateAgentCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        var profile = AgentRows.Normalise(command.Profile);
        await CompanyPolicyStore.CheckModelAsync(context, companyId, profile.Model, models.Value.EffectiveAllowed);
        profile = await CompanyPolicyStore.WithDefaultLimitsAsync(context, companyId, profile);
        new Fields()
            .Check(Enum.IsDefined(command.Status), "status", "is not a known agent status")
            .Check(command.PlaceInOrgChart || command.ManagerAgentId is null, "managerAgentId", "needs placeInOrgChart")
            .ThrowIfAny();
        var id = await context.Sql(AgentSql.Insert)
            .With("company_id", companyId)
            .WithProfile(profile)
            .With<AgentStatus>("status", command.Status)
            .With("now", context.Now)
            .ScalarAsync<long>();
        var agent = await AgentRows.LoadAsync(context, companyId, id);
        await context.PublishAsync(Streams.Agent(id), EventTypes.AgentCreated, agent, companyId);
        if (!command.PlaceInOrgChart)
        {
            await context.PostAsync<IHierarchyPolicyGrain>(companyId.ToString(CultureInfo.InvariantCulture), new AgentChanged(companyId, id));
            return agent;
        }

        await context.Join<IHierarchyPolicyGrain>(companyId).CallAsync(g => g.AddEdgeAsync(new AddOrgEdgeCommand(companyId, command.ManagerAgentId, id)));
        return await AgentRows.LoadAsync(context, companyId, id);
    }

    public async Task<TaskDto> CreateTaskAsync(CreateTaskCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await context.EnsureCompanyAsync(command.CompanyId);
        return await TaskCreation.CreateAsync(context, command, context.Actor ?? Actor.System);
    }

    public async Task<IReadOnlyList<AgentDto>> ListAgentsAsync(ListAgentsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var companyId = await context.EnsureCompanyAsync(query.CompanyId);
        return await context.Sql(AgentSql.List).With("company_id", companyId).With<AgentStatus>("status", query.Status).ListAsync(AgentRows.Map);
    }

    public async Task<IReadOnlyList<TaskDto>> ListTasksAsync(ListTasksQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        new Fields()
            .Text("project", query.Project, 200, required: false)
            .Text("text", query.Text, 200, required: false)
            .Check(query.Priority is null || Enum.IsDefined(query.Priority.Value), "priority", "is not a known priority")
            .Check(query.DeadlineFrom is null || query.DeadlineTo is null || query.DeadlineFrom <= query.DeadlineTo, "deadlineTo", "must not be before deadlineFrom")
            .ThrowIfAny();
        var companyId = await context.EnsureCompanyAsync(query.CompanyId);
        return await context.Sql(TaskSql.List)
            .With("company_id", companyId)
            .With<TaskState>("status", query.Status)
            .With("assignee", query.AssigneeAgentId)
            .With("parent", query.ParentTaskId)
            .With("project", string.IsNullOrWhiteSpace(query.Project) ? null : query.Project.Trim())
            .With<TaskPriority>("priority", query.Priority)
            .With("deadline_from", query.DeadlineFrom)
            .With("deadline_to", query.DeadlineTo)
            .With("text", string.IsNullOrWhiteSpace(query.Text) ? null : LikePattern(query.Text.Trim()))
            .With("after", query.AfterId)
            .With("limit", Math.Clamp(query.Limit, 1, 500))
            .ListAsync(TaskRows.Map);
    }

    public async Task<ArtifactDto> GetArtifactAsync(long companyId, long artifactId)
    {
        await context.EnsureCompanyAsync(companyId);
        return await ArtifactRows.LoadAsync(context, companyId, artifactId);
    }

    public async Task<IReadOnlyList<EscalationDto>> ListCeoInboxAsync(long companyId)
    {
        await context.EnsureCompanyAsync(companyId);
        return await context.Sql(AgentSql.CeoInbox).With("company_id", companyId).ListAsync(AgentRows.MapEscalation);
    }

    public async Task<EscalationDto> ResolveEscalationAsync(ResolveEscalationCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        new Fields().Text("resolution", command.Resolution, 20_000, required: false).ThrowIfAny();
        var resolved = await context.Sql(AgentSql.ResolveEscalation)
            .With("id", command.EscalationId)
            .With("company_id", companyId)
            .With("resolved_by", context.Actor ?? Actor.System)
            .With("resolution", command.Resolution)
            .With("now", context.Now)
            .FirstOrDefaultAsync(AgentRows.MapEscalation);
        if (resolved is null)
        {
            var exists = await context.Sql(AgentSql.EscalationById).With("id", command.EscalationId).With("company_id", companyId).FirstOrDefaultAsync(AgentRows.MapEscalation);
            throw exists is null
                ? new NotFoundException("Escalation", command.EscalationId)
                : new ConflictException($"Escalation {command.EscalationId} is already resolved.", "escalation.resolved");
        }

        await context.PublishAsync(Streams.Company(companyId), EventTypes.InboxEscalationResolved, resolved, companyId);
        return resolved;
    }

    /// <summary>"%text%" with the LIKE wildcards of <paramref name="text"/> escaped, so they match themselves.</summary>
    private static string LikePattern(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
