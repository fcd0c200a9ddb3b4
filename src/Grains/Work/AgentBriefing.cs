using System.Globalization;
using System.Text;
using System.Text.Json;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Memory;
using FluidManager.Grains.Organization;
using FluidManager.Models;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.AI;

namespace FluidManager.Grains.Work;

/// <summary>The agent as the loop needs it: identity, prompt, model and status.</summary>
internal sealed record WorkingAgent(
    long Id,
    string FirstName,
    string LastName,
    string Role,
    string Department,
    string Seniority,
    string Bio,
    string SystemPrompt,
    string StyleGuidelines,
    string Model,
    AgentStatus Status,
    IReadOnlyList<string> AllowedTools)
{
    public string Name => $"{FirstName} {LastName}";

    public static async Task<WorkingAgent?> FindAsync(ITurnContext context, long companyId, long agentId) =>
        await context.Sql(WorkSql.AgentForWork).With("agent_id", agentId).With("company_id", companyId).FirstOrDefaultAsync(r => new WorkingAgent(
            r.Get<long>("id"), r.Get<string>("first_name"), r.Get<string>("last_name"), r.Get<string>("role"), r.Get<string>("department"),
            r.Get<string>("seniority"), r.Get<string>("bio"), r.Get<string>("system_prompt"), r.Get<string>("style_guidelines"),
            r.Get<string>("model"), r.GetEnum<AgentStatus>("status"), r.Get<string[]>("allowed_tools")));
}

/// <summary>
/// Writes the start of an attempt's conversation: a system message with the agent's profile, prompt and
/// style, its manager and the subordinates it may delegate to, the task's parent chain, the recent
/// worklog and the <see cref="AgentContext"/> block (with the steps earlier attempts took); then the task
/// as the user message. Also decides which tools are offered.
/// </summary>
internal static class AgentBriefing
{
    public sealed record Briefing(IReadOnlyList<ChatMessage> Messages, IReadOnlyList<ToolDefinition> Tools, IReadOnlyList<AgentRef> Subordinates);

    public static async Task<Briefing> WriteAsync(ITurnContext context, WorkingAgent agent, TaskDto task, int attempt, int recentWorklog, BriefedMemory? memory = null)
    {
        memory ??= BriefedMemory.None;
        var org = await OrgSnapshot.LoadAsync(context, task.CompanyId);
        var subordinates = await SubordinatesAsync(context, org, task.CompanyId, agent.Id);
        var manager = org.ManagerOf(agent.Id) is { } managerId && org.Agent(managerId) is { } m ? $"{m.FirstName} {m.LastName} ({m.Role})" : "the CEO";
        var chain = await context.Sql(WorkSql.ParentChain).With("task_id", task.Id).With("company_id", task.CompanyId)
            .ListAsync(r => $"#{r.Get<long>("id")} \"{r.Get<string>("title")}\"" + (r.GetStringOrNull("assignee") is { } who ? $" ({who}, {r.GetStringOrNull("role")})" : ""));
        var worklog = await context.Sql(WorkSql.RecentWorklog).With("task_id", task.Id).With("limit", recentWorklog)
            .ListAsync(r => $"- {r.Get<DateTimeOffset>("created_at").ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}: {Clip(r.Get<string>("body"), 400)}");
        var doneSteps = await DoneStepsAsync(context, task.Id, attempt);

        var block = new AgentContext
        {
            Agent = new AgentRef(agent.Id, agent.Name, agent.Role, agent.Department),
            Task = new TaskRef(task.Id, task.Title, task.Description),
            Subordinates = subordinates,
            DoneSteps = doneSteps,
            Lessons = memory.Lessons is { Count: > 0 } lessons ? lessons : null,
        };

        var system = new StringBuilder();
        system.Append(CultureInfo.InvariantCulture, $"You are {agent.Name}, {Article(agent.Role)} {agent.Role} in the {agent.Department} department ({agent.Seniority}). You work for a company run by a human CEO and staffed by AI agents.\n");
        if (agent.Bio.Length > 0)
        {
            system.Append(agent.Bio.Trim()).Append('\n');
        }

        if (agent.SystemPrompt.Length > 0)
        {
            system.Append('\n').Append(agent.SystemPrompt.Trim()).Append('\n');
        }

        if (agent.StyleGuidelines.Length > 0)
        {
            system.Append("\nStyle: ").Append(agent.StyleGuidelines.Trim()).Append('\n');
        }

        if (memory.Playbook.Length > 0)
        {
            system.Append('\n').Append(memory.Playbook);
        }

        system.Append(CultureInfo.InvariantCulture, $"\nYou report to {manager}.");
        system.Append(subordinates.Count == 0
            ? " You have nobody to delegate to: do the work yourself.\n"
            : $" You may delegate parts of your task to your direct subordinates only: {string.Join(", ", subordinates.Select(s => $"{s.Name} ({s.Role}, id {s.Id})"))}.\n");
        system.Append("""

            How you work: use the tools, one step at a time. Note your approach and progress with write_worklog. Put deliverables in create_artifact.
            Ask the CEO with request_approval before publishing anything, spending money or acting outside the company, and wait for the decision.
            If you need an answer from whoever gave you the task, use request_clarification. If you are stuck or something is outside your remit, escalate to your manager.
            Finish with complete_task and a summary of the result, or fail_task with the reason when the task cannot be done.

            """);
        if (chain.Count > 0)
        {
            system.Append("This task is part of: ").Append(string.Join(" < ", chain)).Append(".\n");
        }

        if (worklog.Count > 0)
        {
            system.Append("Recent worklog of this task:\n").Append(string.Join("\n", worklog)).Append('\n');
        }

        if (memory.Section.Length > 0)
        {
            system.Append('\n').Append(memory.Section);
        }

        if (doneSteps.Count > 0)
        {
            system.Append(CultureInfo.InvariantCulture, $"This is attempt {attempt}; earlier attempts already took these steps (do not repeat them): {string.Join(", ", doneSteps)}.\n");
        }

        system.Append('\n').Append(block.ToPromptBlock());

        var user = new StringBuilder();
        user.Append(CultureInfo.InvariantCulture, $"Task #{task.Id}: {task.Title}\n");
        if (task.Description.Length > 0)
        {
            user.Append('\n').Append(task.Description.Trim()).Append('\n');
        }

        user.Append(CultureInfo.InvariantCulture, $"\nPriority: {task.Priority.ToDb()}.");
        if (task.Project is { Length: > 0 } project)
        {
            user.Append(CultureInfo.InvariantCulture, $" Project: {project}.");
        }

        if (task.DeadlineAt is { } deadline)
        {
            user.Append(CultureInfo.InvariantCulture, $" Deadline: {deadline.ToUniversalTime():yyyy-MM-dd HH:mm} UTC.");
        }

        var messages = new List<ChatMessage> { ChatMessage.System(system.ToString()), ChatMessage.User(user.ToString()) };
        return new Briefing(messages, WorkTools.For(canDelegate: subordinates.Count > 0), subordinates);
    }

    /// <summary>Active direct reports the hierarchy policy lets the agent assign work to.</summary>
    public static async Task<IReadOnlyList<AgentRef>> SubordinatesAsync(ITurnContext context, OrgSnapshot org, long companyId, long agentId)
    {
        var policy = context.Join<IHierarchyPolicyGrain>(companyId);
        var allowed = new List<AgentRef>();
        foreach (var id in org.DirectReports(agentId).Order())
        {
            if (org.Agent(id) is not { Status: AgentStatus.Active } report)
            {
                continue;
            }

            var decision = await policy.ReadAsync(g => g.CanAssignAsync(new CanAssignQuestion(companyId, agentId, id)));
            if (decision.Allowed)
            {
                allowed.Add(new AgentRef(id, $"{report.FirstName} {report.LastName}", report.Role, report.Department));
            }
        }

        return allowed;
    }

    /// <summary>Steps earlier attempts took, as <see cref="AgentContext.DoneSteps"/> names them; finishing steps are left out.</summary>
    private static async Task<IReadOnlyList<string>> DoneStepsAsync(ITurnContext context, long taskId, int attempt)
    {
        if (attempt <= 1)
        {
            return [];
        }

        var rows = await context.Sql(WorkSql.DoneSteps).With("task_id", taskId).With("attempt", attempt)
            .ListAsync(r => (Tool: r.Get<string>("tool"), Arguments: r.Get<string>("arguments")));
        string? approval = null;
        var steps = new List<string>();
        foreach (var (tool, arguments) in rows)
        {
            switch (tool)
            {
                case WorkTools.CompleteTask or WorkTools.FailTask:
                    continue;
                case WorkTools.DelegateTask:
                    steps.Add($"{tool}:{Argument(arguments, "title") ?? Argument(arguments, "to_agent_id")}");
                    break;
                case WorkTools.CreateArtifact:
                    steps.Add($"{tool}:{Argument(arguments, "name")}");
                    break;
                case WorkTools.RequestApproval:
                    approval ??= await context.Sql(WorkSql.LatestDecidedApprovalOfTask).With("task_id", taskId)
                        .FirstOrDefaultAsync(r => r.Get<string>("status")) ?? "pending";
                    steps.Add($"{tool}:{approval}");
                    break;
                default:
                    steps.Add(tool);
                    break;
            }
        }

        return steps.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string? Argument(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value)
                ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Article(string role) => role.Length > 0 && "AEIOUaeiou".Contains(role[0], StringComparison.Ordinal) ? "an" : "a";

    /// <summary>Cuts <paramref name="text"/> to <paramref name="max"/> characters, keeping its line breaks (for text that is read as written: tool answers, task briefs).</summary>
    public static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    public static string Clip(string text, int max)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }
}
