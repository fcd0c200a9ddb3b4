using System.Text.Json;
using FluidManager.Api.Features;
using FluidManager.Api.Hosting;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Interfaces.Schedules;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Transfer;
using FluidManager.Runtime.Grains;
using FluidManager.Scenarios;

namespace FluidManager.Api.Demo;

/// <summary>
/// A scenario played straight through the grains, with the same requests and grain calls as the
/// HTTP endpoints (minus HTTP). Refusals come back as the status, code and rule the Api would answer.
/// A meeting is created and started, not waited for: the loader runs before the Api takes requests
/// and the conversation goes on in the silos after it.
/// </summary>
public sealed class GrainScenarioActions(IGrainFactory grains, long companyId, JsonSerializerOptions json) : IScenarioActions
{
    public Task<long> CreateAgentAsync(IReadOnlyDictionary<string, JsonElement> profile, string? status, bool placed, long? managerAgentId, CancellationToken cancellationToken) =>
        RefusalsAsync(async () =>
        {
            var request = JsonSerializer.SerializeToElement(profile, json).Deserialize<AgentProfileRequest>(json);
            var command = AgentsApi.ToCommand(companyId, new CreateAgentRequest(request, Parse<AgentStatus>(status, "status"), managerAgentId, placed));
            return (await grains.GetGrain<ICompanyGrain>(companyId).CreateAgentAsync(command)).Id;
        });

    public Task<IReadOnlyDictionary<string, long>> ImportCompanyAsync(string document, CancellationToken cancellationToken) =>
        RefusalsAsync(async () => (await grains.GetGrain<ICompanyTransferGrain>(companyId).ImportAsync(new ImportCompanyCommand(companyId, document))).Agents);

    public Task<long> CreateTaskAsync(ScenarioTaskSpec task, CancellationToken cancellationToken) =>
        RefusalsAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(task);
            var request = new CreateTaskRequest(task.Title, task.Description, task.Project, task.ParentTaskId, task.AssigneeAgentId,
                Parse<TaskPriority>(task.Priority, "priority"), null, task.DeadlineAt, null, null, null);
            return (await grains.GetGrain<ICompanyGrain>(companyId).CreateTaskAsync(request.ToCommand(companyId))).Id;
        });

    public Task<long> CreateScheduleAsync(ScenarioScheduleSpec schedule, CancellationToken cancellationToken) =>
        RefusalsAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(schedule);
            var template = new TaskTemplate
            {
                Title = schedule.Task.Title,
                Description = schedule.Task.Description ?? "",
                Project = schedule.Task.Project,
                Priority = Parse<TaskPriority>(schedule.Task.Priority, "priority") ?? TaskPriority.Normal,
                DeadlineAfterMinutes = schedule.Task.DeadlineAfterMinutes,
                CheckMailbox = schedule.Task.CheckMailbox ?? false,
            };
            var timing = new ScheduleTiming { IntervalMinutes = schedule.IntervalMinutes, Cron = schedule.Cron, TimeZone = schedule.TimeZone ?? "UTC" };
            return (await grains.GetGrain<ISchedulesGrain>(companyId).CreateAsync(new CreateScheduleCommand
            {
                CompanyId = companyId,
                Name = schedule.Name,
                AgentId = schedule.AgentId,
                Template = template,
                Timing = timing,
                Paused = schedule.Paused,
            })).Id;
        });

    public Task<long> DelegateAsync(long fromAgentId, ScenarioTaskSpec task, CancellationToken cancellationToken) =>
        RefusalsAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(task);
            var request = new DelegateRequest(task.AssigneeAgentId, task.Title, task.Description, task.ParentTaskId, Parse<TaskPriority>(task.Priority, "priority"), task.DeadlineAt, task.Project);
            return (await AgentsApi.DelegateAsAgentAsync(grains, companyId, fromAgentId, request)).Id;
        });

    public Task EscalateAsync(long fromAgentId, string subject, string? body, long? taskId, CancellationToken cancellationToken) =>
        RefusalsAsync(async () => (await AgentsApi.EscalateAsAgentAsync(grains, companyId, fromAgentId, new EscalateRequest(subject, body, taskId))).Id);

    public Task SetAgentStatusAsync(long agentId, string status, CancellationToken cancellationToken) =>
        RefusalsAsync(async () => (await grains.GetGrain<IAgentGrain>(agentId)
            .SetStatusAsync(new SetAgentStatusCommand(companyId, Parse<AgentStatus>(status, "status") ?? AgentStatus.Active))).Id);

    public Task RunTaskCommandAsync(ScenarioTaskCommand command, CancellationToken cancellationToken) =>
        RefusalsAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(command);
            await RunAsync(command);
            return true;
        });

    /// <summary>
    /// Writes the item without its vector (the grain's <c>memory.embed</c> activity fills it in), so the loader does not load
    /// the embedding model during start-up; the endpoint embeds first.
    /// </summary>
    public Task RememberAsync(long agentId, string kind, string content, CancellationToken cancellationToken) =>
        RefusalsAsync(async () => (await grains.GetGrain<IAgentMemoryGrain>(agentId).RememberAsync(new RememberCommand
        {
            CompanyId = companyId,
            Kind = Parse<MemoryKind>(kind, "kind") ?? MemoryKind.Fact,
            Content = content,
            SourceKind = MemorySourceKind.Person,
        })).Id);

    public Task<long> StartMeetingAsync(ScenarioMeetingSpec meeting, CancellationToken cancellationToken) =>
        RefusalsAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(meeting);
            var request = new CreateMeetingRequest(meeting.Title, meeting.Goal, meeting.Agenda, meeting.ParticipantAgentIds,
                meeting.MaxRounds, meeting.MaxTokens, meeting.Budget, meeting.AutoDispatch, meeting.Model);
            var created = await grains.GetGrain<IMeetingsGrain>(companyId).CreateAsync(MeetingsApi.ToCommand(companyId, request));
            return (await grains.GetGrain<IMeetingGrain>(created.Id).StartAsync(companyId)).Id;
        });

    /// <summary>Does not wait: the demo must not hold the Api's start-up for a conversation (see the class summary).</summary>
    public Task<IReadOnlyList<ScenarioCallToAction>?> WaitForMinutesAsync(long meetingId, TimeSpan within, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ScenarioCallToAction>?>(null);

    /// <summary>
    /// Dispatches now when the minutes are written; otherwise turns on the meeting's automatic dispatch,
    /// so its calls go out as soon as they are (the setting is a turn of the meeting, so the minutes
    /// cannot slip in between unseen: the answer tells whether they were already there).
    /// </summary>
    public Task<IReadOnlyList<ScenarioCallToAction>?> DispatchMeetingAsync(long meetingId, CancellationToken cancellationToken) =>
        RefusalsAsync(async () =>
        {
            var meeting = grains.GetGrain<IMeetingGrain>(meetingId);
            var settings = await meeting.UpdateSettingsAsync(new UpdateMeetingSettingsCommand(companyId, SetBudget: false, Budget: null, AutoDispatch: true));
            if (settings.Status != MeetingStatus.Completed)
            {
                return (IReadOnlyList<ScenarioCallToAction>?)null;
            }

            var ctas = await meeting.DispatchAsync(new DispatchCtasCommand(companyId, null));
            return ctas.Select(c => new ScenarioCallToAction(c.Position, JsonSerializer.SerializeToElement(c.Status, json).GetString() ?? "", c.TaskId)).ToList();
        });

    private async Task RunAsync(ScenarioTaskCommand command)
    {
        var task = grains.GetGrain<ITaskGrain>(command.TaskId);
        var transition = new TaskTransitionCommand(companyId, null, command.Reason);
        switch (command.Verb)
        {
            case "assign":
                await task.AssignAsync(new AssignTaskCommand(companyId, command.AgentId ?? throw new ValidationException("to", "is required")));
                break;
            case "start":
                await task.StartAsync(transition);
                break;
            case "pause":
                await task.PauseAsync(transition);
                break;
            case "resume":
                await task.ResumeAsync(transition);
                break;
            case "block":
                await task.BlockAsync(transition);
                break;
            case "unblock":
                await task.UnblockAsync(transition);
                break;
            case "fail":
                await task.FailAsync(transition);
                break;
            case "retry":
                await task.RetryAsync(transition);
                break;
            case "complete":
                await task.CompleteAsync(new CompleteTaskCommand(companyId, command.Result));
                break;
            case "cancel":
                await task.CancelAsync(new CancelTaskCommand(companyId, command.Cascade, null, command.Reason));
                break;
            case "priority":
                await task.ChangePriorityAsync(new ChangePriorityCommand(companyId, Parse<TaskPriority>(command.Priority, "priority") ?? TaskPriority.Normal));
                break;
            case "deadline":
                await task.SetDeadlineAsync(new SetDeadlineCommand(companyId, command.DeadlineAt));
                break;
            case "comment":
                await task.CommentAsync(new AddCommentCommand(companyId, command.Body!));
                break;
            default:
                throw new ValidationException("do", $"'{command.Verb}' is not a task command");
        }
    }

    private static TEnum? Parse<TEnum>(string? text, string field) where TEnum : struct, Enum
    {
        var errors = new Grains.Access.FieldErrors();
        var value = QueryValues.Enum<TEnum>(text, field, errors);
        errors.ThrowIfAny();
        return value;
    }

    /// <summary>Runs a grain call; a refusal becomes the <see cref="ScenarioActionException"/> the HTTP answer would describe.</summary>
    private static async Task<T> RefusalsAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is DomainException or JsonException)
        {
            var problem = ex is DomainException ? ProblemExceptionHandler.ToProblem(ex) : null;
            throw new ScenarioActionException(
                problem?.Status ?? StatusCodes.Status400BadRequest,
                problem?.Extensions.TryGetValue("code", out var code) == true ? code as string : "malformed_json",
                problem?.Extensions.TryGetValue("rule", out var rule) == true ? rule as string : null,
                ex.Message);
        }
    }
}
