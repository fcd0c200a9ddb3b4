using System.Globalization;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Tasks;

/// <summary>
/// Creates a task row inside the caller's turn (company grain or delegating agent), then hands over
/// to the task's own grain for anything that follows: the assignment, with its policy check.
/// </summary>
internal static class TaskCreation
{
    public static async Task<TaskDto> CreateAsync(ITurnContext context, CreateTaskCommand command, string createdBy)
    {
        new Fields()
            .Text("title", command.Title, 300)
            .Text("description", command.Description, 50_000, required: false)
            .Text("project", command.Project, 200, required: false)
            .Check(command.MaxAttempts is >= 1 and <= 100, "maxAttempts", "must be between 1 and 100")
            .Check(command.CostEstimate >= 0, "costEstimate", "must not be negative")
            .Check(Enum.IsDefined(command.Priority), "priority", "is not a known priority")
            .Check(Enum.IsDefined(command.FailurePolicy), "failurePolicy", "is not a known failure policy")
            .ThrowIfAny();

        var project = command.Project?.Trim();
        if (command.ParentTaskId is { } parentId)
        {
            var parent = await TaskRows.LoadAsync(context, command.CompanyId, parentId);
            if (TaskStateMachine.IsFinal(parent.Status))
            {
                throw new ConflictException($"Task {parentId} is {parent.Status.ToDb()}: it cannot take new subtasks.", "task.parent_closed");
            }

            project ??= parent.Project;
        }

        var id = await context.Sql(TaskSql.Insert)
            .With("company_id", command.CompanyId)
            .With("title", command.Title.Trim())
            .With("description", command.Description ?? "")
            .With("project", project)
            .With("created_by", createdBy)
            .With("parent_task_id", command.ParentTaskId)
            .With<SubtaskFailurePolicy>("failure_policy", command.FailurePolicy)
            .With<TaskPriority>("priority", command.Priority)
            .With("scheduled_at", command.ScheduledAt)
            .With("deadline_at", command.DeadlineAt)
            .With("max_attempts", command.MaxAttempts)
            .With("cost_estimate", command.CostEstimate)
            .With("now", context.Now)
            .ScalarAsync<long>();
        var task = await TaskRows.LoadAsync(context, command.CompanyId, id);
        await context.PublishAsync(Streams.Task(id), EventTypes.TaskCreated, new TaskChangedEvent(task), command.CompanyId);

        if (command.ParentTaskId is { } parentTaskId)
        {
            context.TouchWarm<ITaskGrain>(parentTaskId); // its subtasks' progress counts the new row
            // The parent learns of its new subtask in a turn of its own.
            await context.PostAsync<ITaskGrain>(parentTaskId.ToString(CultureInfo.InvariantCulture), new SubtaskChanged(command.CompanyId, id, null, TaskState.Queued));
        }

        if (command.AssigneeAgentId is { } agentId)
        {
            task = await context.Join<ITaskGrain>(id).CallAsync(g => g.AssignAsync(new AssignTaskCommand(command.CompanyId, agentId)));
        }

        return task;
    }
}
