using System.ComponentModel;
using FluidManager.Api.Access;
using FluidManager.Api.Features;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Grains;
using ModelContextProtocol.Server;

namespace FluidManager.Api.McpEndpoint;

/// <summary>A mission handed to an agent, and why that agent.</summary>
public sealed record MissionCreated(TaskDto Task, string Assignment);

/// <summary>
/// Tasks and missions: read them (any member); create, pause, resume, cancel, retry and reprioritize
/// them (the ceo). The same grains and commands as /api/tasks, so the task state machine, the
/// hierarchy rules and the company boundary judge an assistant exactly as they judge the dashboard.
/// </summary>
[McpServerToolType]
public sealed class TaskTools(ICompanyContext caller, IGrainFactory grains, McpToolCalls calls)
{
    [McpServerTool(Name = "list_tasks", Title = "List tasks", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The company's tasks by id, with filters. Each task has its status, assignee, priority, deadline, subtasks' progress and allowedActions (the commands its status allows). Page with after = the last id seen.")]
    public Task<string> ListTasksAsync(
        [Description("queued, running, paused, blocked, awaiting_approval, failed, done or cancelled.")] string? status = null,
        [Description("Only tasks assigned to this agent id.")] long? assigneeAgentId = null,
        [Description("Only the subtasks of this task id.")] long? parentTaskId = null,
        [Description("Only tasks of this project.")] string? project = null,
        [Description("low, normal, high or urgent.")] string? priority = null,
        [Description("Words to find in the title or description.")] string? text = null,
        [Description("Tasks with an id above this one (paging; default 0).")] long after = 0,
        [Description("At most this many (1 to 500, default 50).")] int limit = TasksApi.DefaultPage) =>
        calls.RunAsync(async () =>
        {
            var errors = new FieldErrors();
            var state = QueryValues.Enum<TaskState>(status, "status", errors);
            var rank = QueryValues.Enum<TaskPriority>(priority, "priority", errors);
            if (after < 0)
            {
                errors.Add("after", "A task id of 0 or more.");
            }

            if (limit is < 1 or > TasksApi.MaxPage)
            {
                errors.Add("limit", $"Between 1 and {TasksApi.MaxPage}.");
            }

            errors.ThrowIfAny();
            var tasks = await grains.GetGrain<ICompanyGrain>(caller.CompanyId).ListTasksAsync(new ListTasksQuery
            {
                CompanyId = caller.CompanyId,
                Status = state,
                AssigneeAgentId = assigneeAgentId,
                ParentTaskId = parentTaskId,
                Project = project,
                Priority = rank,
                Text = text,
                AfterId = after,
                Limit = limit,
            });
            return new TaskPage(tasks, tasks.Count == limit ? tasks[^1].Id : null);
        });

    [McpServerTool(Name = "get_task", Title = "Get a task", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One task by id: title, description, status, assignee, priority, deadline, attempts, result or error, subtasks' progress and allowedActions.")]
    public Task<string> GetTaskAsync([Description("The task's id.")] long taskId) =>
        calls.RunAsync(() => grains.GetGrain<ITaskGrain>(taskId).GetAsync(caller.CompanyId));

    [McpServerTool(Name = "create_task", Title = "Create a task", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Creates a task. With assigneeAgentId it is assigned at once (the hierarchy rules apply); with parentTaskId it is a subtask. Returns the task with its id.")]
    public Task<string> CreateTaskAsync(
        [Description("What is to be done, in a few words.")] string title,
        [Description("The details: goal, inputs, what done looks like.")] string? description = null,
        [Description("The agent who should do it.")] long? assigneeAgentId = null,
        [Description("Makes it a subtask of this task.")] long? parentTaskId = null,
        [Description("low, normal (default), high or urgent.")] string? priority = null,
        [Description("The deadline, ISO 8601 with offset (2026-12-31T17:00:00Z).")] DateTimeOffset? deadlineAt = null,
        [Description("A project name to group tasks by.")] string? project = null) =>
        calls.RunAsync(() =>
        {
            var errors = new FieldErrors();
            var rank = QueryValues.Enum<TaskPriority>(priority, "priority", errors);
            errors.ThrowIfAny();
            var request = new CreateTaskRequest(title, description, project, parentTaskId, assigneeAgentId, rank, null, deadlineAt, null, null, null);
            return grains.GetGrain<ICompanyGrain>(caller.CompanyId).CreateTaskAsync(request.ToCommand(caller.CompanyId));
        });

    [McpServerTool(Name = "create_mission", Title = "Hand a mission to an agent", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Hands a mission to one of the agents who report to the CEO. Without agentId, the best-fitting active direct report takes it (by department, role, affinities and bio, then fewest open tasks); the answer says who and why.")]
    public Task<string> CreateMissionAsync(
        [Description("The mission, in a few words.")] string title,
        [Description("The details: goal, constraints, what success looks like.")] string? description = null,
        [Description("The direct report to take it; omit to let fluidManager choose.")] long? agentId = null,
        [Description("low, normal (default), high or urgent.")] string? priority = null,
        [Description("The deadline, ISO 8601 with offset.")] DateTimeOffset? deadlineAt = null) =>
        calls.RunAsync(async () =>
        {
            var errors = new FieldErrors();
            var rank = QueryValues.Enum<TaskPriority>(priority, "priority", errors);
            errors.ThrowIfAny();
            string assignment;
            long assignee;
            if (agentId is { } chosen)
            {
                var agent = await grains.GetGrain<IAgentGrain>(chosen).GetAsync(caller.CompanyId);
                if (!agent.ReportsToCeo)
                {
                    throw McpToolCalls.Invalid("agentId", $"agent {chosen} ({agent.DisplayName}) does not report to the CEO: a mission goes to a direct report (use create_task for anyone else).");
                }

                assignee = chosen;
                assignment = $"{agent.DisplayName} ({agent.Profile.Role}), as asked.";
            }
            else
            {
                var suggestion = await MissionsApi.SuggestAssigneeAsync(grains, caller.CompanyId, title, description);
                assignee = suggestion.SuggestedAgentId ?? throw McpToolCalls.Invalid("agentId", suggestion.Reason);
                assignment = suggestion.Reason;
            }

            var request = new CreateTaskRequest(title, description, null, null, assignee, rank, null, deadlineAt, null, null, null);
            var task = await grains.GetGrain<ICompanyGrain>(caller.CompanyId).CreateTaskAsync(request.ToCommand(caller.CompanyId));
            return new MissionCreated(task, assignment);
        });

    [McpServerTool(Name = "pause_task", Title = "Pause a task", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Pauses a queued or running task; resume_task sends it back to the queue.")]
    public Task<string> PauseTaskAsync([Description("The task's id.")] long taskId, [Description("Why, for the timeline.")] string? reason = null) =>
        calls.RunAsync(() => grains.GetGrain<ITaskGrain>(taskId).PauseAsync(new TaskTransitionCommand(caller.CompanyId, null, reason)));

    [McpServerTool(Name = "resume_task", Title = "Resume a task", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Resumes a paused task (back to the queue).")]
    public Task<string> ResumeTaskAsync([Description("The task's id.")] long taskId, [Description("Why, for the timeline.")] string? reason = null) =>
        calls.RunAsync(() => grains.GetGrain<ITaskGrain>(taskId).ResumeAsync(new TaskTransitionCommand(caller.CompanyId, null, reason)));

    [McpServerTool(Name = "retry_task", Title = "Retry a failed task", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Sends a failed task back to the queue while attempts remain.")]
    public Task<string> RetryTaskAsync([Description("The task's id.")] long taskId, [Description("Why, for the timeline.")] string? reason = null) =>
        calls.RunAsync(() => grains.GetGrain<ITaskGrain>(taskId).RetryAsync(new TaskTransitionCommand(caller.CompanyId, null, reason)));

    [McpServerTool(Name = "cancel_task", Title = "Cancel a task", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [Description("Cancels the task; with cascade, its open subtasks (and theirs) too, each by a durable message committed with the cancel and applied right after it.")]
    public Task<string> CancelTaskAsync(
        [Description("The task's id.")] long taskId,
        [Description("Also cancel its open subtasks, recursively (default false).")] bool cascade = false,
        [Description("Why, for the timeline.")] string? reason = null) =>
        calls.RunAsync(() => grains.GetGrain<ITaskGrain>(taskId).CancelAsync(new CancelTaskCommand(caller.CompanyId, cascade, null, reason)));

    [McpServerTool(Name = "reprioritize_task", Title = "Change a task's priority", ReadOnly = false, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Changes the priority of an open or failed task.")]
    public Task<string> ReprioritizeTaskAsync(
        [Description("The task's id.")] long taskId,
        [Description("low, normal, high or urgent.")] string priority) =>
        calls.RunAsync(() =>
        {
            var errors = new FieldErrors();
            var rank = QueryValues.Enum<TaskPriority>(priority, "priority", errors);
            if (rank is null && !errors.Any)
            {
                errors.Add("priority", $"is required: one of {string.Join(", ", QueryValues.Names<TaskPriority>())}");
            }

            errors.ThrowIfAny();
            return grains.GetGrain<ITaskGrain>(taskId).ChangePriorityAsync(new ChangePriorityCommand(caller.CompanyId, rank!.Value, null));
        });
}
