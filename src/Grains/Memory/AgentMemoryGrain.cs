using System.Globalization;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Organization;
using FluidManager.Grains.Tasks;
using FluidManager.Grains.Work;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Models;
using FluidManager.Runtime;
using System.Text.Json;
using FluidManager.Runtime.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluidManager.Grains.Memory;

/// <summary>
/// One agent's memory (key = agent id): episodes, facts and lessons with their provenance. Reads and writes
/// are checked against the current org chart (<see cref="MemoryAccess"/>): an agent acting on another's
/// memory without the right is refused with a recorded policy denial. People reach this grain through the
/// Api, whose policy admits any member to reads and only the CEO to changes. Every change is an event on
/// the agent's stream. An item written without its vector is stored at once and gets it from a <c>memory.embed</c>
/// activity (no embedding inside a turn); its outcome comes back here and fills the vector in.
/// </summary>
[GrainType("agent-memory")]
public sealed class AgentMemoryGrain(ITurnContext context, IServiceProvider services, ILogger<AgentMemoryGrain> logger)
    : DurableGrain, IAgentMemoryGrain, IActivityOwner, IHandle<MemoryNote>, IHandle<LessonRequest>
{
    protected override ITurnContext Turn => context;

    private long Id => context.KeyAsId("Agent");

    /// <summary>The step of a lesson request's model call in the task's trace: 0, outside the loop's own steps (numbered from 1).</summary>
    private const int LessonStep = 0;

    private MemoryOptions Options => services.GetService<IOptions<MemoryOptions>>()?.Value ?? new MemoryOptions();

    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(MemoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        new Fields().Check(query.Limit is >= 1 and <= 200, "limit", "must be between 1 and 200").Text("text", query.Text, 2000, required: false).ThrowIfAny();
        await EnsureAgentAsync(query.CompanyId);
        var reader = ActingAgent(query.ReaderAgentId);
        if (reader is { } readerId)
        {
            await CheckReadAsync(query.CompanyId, readerId, query.TaskId);
        }

        return await MemoryStore.SearchAsync(context, Options, query.CompanyId, [Id], query.Text, query.Embedding, query.Kinds, query.Limit, query.IncludeInactive);
    }

    public async Task<MemoryItemDto> GetAsync(long companyId, long itemId, long? readerAgentId = null)
    {
        await EnsureAgentAsync(companyId);
        if (ActingAgent(readerAgentId) is { } readerId)
        {
            await CheckReadAsync(companyId, readerId, taskId: null);
        }

        return await LoadAsync(companyId, itemId);
    }

    public async Task<IReadOnlyList<MemoryRecallDto>> ListRecallsAsync(long companyId, long? taskId, int limit)
    {
        new Fields().Check(limit is >= 1 and <= 500, "limit", "must be between 1 and 500").ThrowIfAny();
        await EnsureAgentAsync(companyId);
        return await context.Sql(MemorySql.Recalls).With("company_id", companyId).With("agent_id", Id).With("task_id", taskId).With("limit", limit)
            .ListAsync(r => new MemoryRecallDto(r.Get<long>("id"), r.Get<long>("agent_id"), r.GetOrNull<long>("task_id"), r.GetOrNull<int>("attempt"), r.Get<string>("via"),
                r.Get<string>("query"), r.Get<long[]>("item_ids"), r.Get<int>("tokens"), r.Get<double>("duration_ms"), r.Get<DateTimeOffset>("at")));
    }

    public async Task<AgentProgressDto> GetProgressAsync(long companyId, int days)
    {
        new Fields().Check(days is >= 1 and <= 366, "days", "must be between 1 and 366").ThrowIfAny();
        await EnsureAgentAsync(companyId);
        var since = new DateTimeOffset(context.Now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-(days - 1));
        var daily = await context.Sql(ProgressSql.Daily).With("company_id", companyId).With("agent_id", Id).With("since", since).With("now", context.Now)
            .ListAsync(r => new AgentProgressDay(r.Get<DateOnly>("day"), r.Get<int>("done"), r.Get<int>("failed"), r.Get<decimal>("cost")));
        var open = await context.Sql(ProgressSql.OpenTasks).With("company_id", companyId).With("agent_id", Id).ScalarAsync<int>();
        var worklog = await context.Sql(ProgressSql.Worklog).With("company_id", companyId).With("agent_id", Id).With("limit", 100)
            .ListAsync(r => new AgentWorklogEntry(r.Get<long>("id"), r.GetOrNull<long>("task_id"), r.GetStringOrNull("title"), r.Get<string>("body"), r.Get<DateTimeOffset>("created_at")));
        var memory = (await context.Sql(ProgressSql.MemoryCounts).With("company_id", companyId).With("agent_id", Id).With("now", context.Now)
            .ListAsync(r => (Kind: r.Get<string>("kind"), Count: r.Get<int>("n")))).ToDictionary(k => k.Kind, k => k.Count, StringComparer.Ordinal);
        var pending = await context.Sql(ProgressSql.PendingChanges).With("company_id", companyId).With("agent_id", Id).ScalarAsync<int>();
        return Progress.Summarise(Id, days, daily, open, worklog, memory, pending);
    }

    public Task<MemoryItemDto> RememberAsync(RememberCommand command) => RememberAsync(command, context.Actor ?? Actor.System);

    /// <summary>An item posted by a turn that feeds this memory (an episode, a meeting's fact), written as that turn's actor.</summary>
    public async Task HandleAsync(MemoryNote message)
    {
        ArgumentNullException.ThrowIfNull(message);
        await RememberAsync(message.Item, message.Actor);
    }

    private async Task<MemoryItemDto> RememberAsync(RememberCommand command, string actor)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Text("content", command.Content, 4000)
            .Check(command.SourceKind != MemorySourceKind.Task || command.SourceTaskId is not null, "sourceTaskId", "is required when the source is a task")
            .Check(command.SourceKind != MemorySourceKind.Meeting || command.SourceMeetingId is not null, "sourceMeetingId", "is required when the source is a meeting")
            .Check(Enum.IsDefined(command.Kind), "kind", "must be episode, fact or lesson")
            .ThrowIfAny();
        await EnsureAgentAsync(command.CompanyId);
        if (!command.FromSystem && ActingAgent(command.ActingAgentId) is { } acting)
        {
            var org = await OrgSnapshot.LoadAsync(context, command.CompanyId);
            if (!MemoryAccess.CanWrite(org, acting, Id))
            {
                throw await DenyAsync(command.CompanyId, acting, "memory.write", MemoryAccess.EditRule,
                    $"Agent {acting} may not write to the memory of agent {Id}: only the agent itself and its manager may.", taskId: command.SourceTaskId);
            }
        }

        return await WriteAsync(command, actor);
    }

    public Task ProposeLessonAsync(ProposeLessonCommand command) => ProposeLessonAsync(command, context.Actor ?? Actor.System);

    /// <summary>A person's feedback, posted by the turn that received it, asked about as that person.</summary>
    public async Task HandleAsync(LessonRequest message)
    {
        ArgumentNullException.ThrowIfNull(message);
        await ProposeLessonAsync(message.Command, message.Actor);
    }

    private async Task ProposeLessonAsync(ProposeLessonCommand command, string actor)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Text("feedback", command.Feedback, 20_000).Text("fallbackLesson", command.FallbackLesson, 4000).Text("action", command.Action, 2000, required: false)
            .Check(command.Kind is FeedbackLessons.Rejection or FeedbackLessons.Retry or FeedbackLessons.Comment, "kind", "must be rejection, retry or comment")
            .ThrowIfAny();
        await EnsureAgentAsync(command.CompanyId);
        var task = await TaskRows.LoadAsync(context, command.CompanyId, command.TaskId);
        var agent = await context.Sql(MemorySql.AgentForLesson).With("agent_id", Id).With("company_id", command.CompanyId)
            .FirstOrDefaultAsync(r => new { Name = r.Get<string>("name"), Role = r.Get<string>("role"), Department = r.Get<string>("department"), Model = r.Get<string>("model") })
            ?? throw new NotFoundException("Agent", Id);
        var work = services.GetService<AgentWork>();
        var model = string.IsNullOrWhiteSpace(agent.Model) ? work?.Models.DefaultModel : agent.Model;
        var problem = work is null || model is null ? "this process has no model to ask"
            : !work.Models.IsAllowed(model) ? $"model '{model}' is not allowed"
            : !work.Pricing.TryGet(model, out _) ? $"model '{model}' has no price, so the budget cannot be checked"
            : null;
        if (problem is not null)
        {
            await FallBackAsync(command.CompanyId, command.TaskId, command.FallbackLesson, command.Feedback, actor, problem);
            return;
        }

        var request = LessonPrompt.Build(new LessonContext
        {
            Agent = new LessonAgentRef(Id, agent.Name, agent.Role, agent.Department),
            Task = new LessonTaskRef(task.Id, task.Title, AgentBriefing.Clip(task.Description, 4000)),
            Output = task.Result is { Length: > 0 } result ? AgentBriefing.Clip(result, 4000) : task.StatusReason is { Length: > 0 } reason ? AgentBriefing.Clip(reason, 2000) : null,
            Feedback = new LessonFeedback(command.Kind, command.Feedback.Trim(), actor, command.Action),
        });
        var estimate = TokenEstimator.EstimateReservation(request);
        var reserved = new Usage((int)Math.Ceiling(estimate.InputTokens * Math.Max(1.0, work!.Options.InputReserveFactor)), estimate.OutputTokens);
        var activityId = Guid.CreateVersion7(context.Now);
        var verdict = await Budget.ReserveAsync(context, command.CompanyId, Id, agent.Name, new Budget.ReservationOwner(task.Id, null), activityId,
            reserved.TotalTokens, work.Pricing.Get(model!).Cost(reserved));
        if (!verdict.Allowed)
        {
            await FallBackAsync(command.CompanyId, command.TaskId, command.FallbackLesson, command.Feedback, actor, $"the budget refused the call: {verdict.Reason}");
            return;
        }

        await context.ScheduleActivityAsync(MemoryLessonActivity.ActivityKind,
            new MemoryLessonInput(command.CompanyId, Id, task.Id, Math.Max(1, task.AttemptCount), model!, request, command.FallbackLesson, command.Feedback.Trim(), actor),
            new ActivityOptions { MaxAttempts = Math.Max(1, work.Options.CallAttempts), Timeout = work.Options.CallTimeout, Backoff = TimeSpan.FromSeconds(1) },
            activityId);
    }

    /// <summary>Writes an item as <paramref name="actor"/> (its source), superseding the older one it names, and starts its embedding when it has no vector.</summary>
    private async Task<MemoryItemDto> WriteAsync(RememberCommand command, string actor)
    {
        MemoryItemDto? older = null;
        if (command.Supersedes is { } supersedes)
        {
            older = await LoadAsync(command.CompanyId, supersedes);
            if (!older.Live(context.Now))
            {
                throw new ConflictException($"Memory item {supersedes} is no longer valid (forgotten, superseded or expired): it cannot be superseded.", "memory.not_live");
            }
        }

        var id = await context.Sql(MemorySql.Insert)
            .With("company_id", command.CompanyId).With("agent_id", Id)
            .With("kind", command.Kind.ToDb()).With("content", command.Content.Trim())
            .With("source_kind", command.SourceKind.ToDb()).With("source_task_id", command.SourceTaskId).With("source_meeting_id", command.SourceMeetingId)
            .With("source_actor", actor).With("now", context.Now).With("supersedes_id", command.Supersedes).With("pinned", command.Pinned)
            .WithVector("embedding", command.Embedding).With("embedding_model", command.Embedding is null ? null : command.EmbeddingModel)
            .ScalarAsync<long>();
        if (older is not null)
        {
            await context.Sql(MemorySql.Supersede).With("id", older.Id).With("by_id", id).With("company_id", command.CompanyId).With("agent_id", Id).With("now", context.Now).ExecuteAsync();
            await context.PublishAsync(Streams.Agent(Id), MemoryEventTypes.Superseded, await LoadAsync(command.CompanyId, older.Id), command.CompanyId);
        }

        var item = await LoadAsync(command.CompanyId, id);
        if (command.Embedding is null)
        {
            await ScheduleEmbedAsync(item, command.FeedbackReason);
        }

        await context.PublishAsync(Streams.Agent(Id), MemoryEventTypes.Added, item, command.CompanyId);
        return item;
    }

    public async Task<MemoryItemDto> EditAsync(EditMemoryCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Text("content", command.Content, 4000, required: false)
            .Check(command.Content is not null || command.Pinned is not null, "content", "give the new content or pinned")
            .ThrowIfAny();
        await EnsureAgentAsync(command.CompanyId);
        await CheckEditAsync(command.CompanyId, command.ActingAgentId, "memory.edit");
        var item = await LoadAsync(command.CompanyId, command.ItemId);
        Guard.Version($"Memory item {item.Id}", command.ExpectedVersion, item.Version);
        if (item.ForgottenAt is not null)
        {
            throw new ConflictException($"Memory item {item.Id} was forgotten: it cannot be changed.", "memory.forgotten");
        }

        await context.Sql(MemorySql.Edit).With("id", item.Id).With("company_id", command.CompanyId).With("agent_id", Id)
            .With("content", string.IsNullOrWhiteSpace(command.Content) ? null : command.Content.Trim()).With("pinned", command.Pinned)
            .WithVector("embedding", command.Embedding).With("embedding_model", command.Embedding is null ? null : command.EmbeddingModel)
            .With("now", context.Now).ExecuteAsync();
        var contentChanged = item.Content != (await LoadAsync(command.CompanyId, item.Id)).Content;
        item = await LoadAsync(command.CompanyId, item.Id);
        if (contentChanged && command.Embedding is null)
        {
            await ScheduleEmbedAsync(item, feedbackReason: null);
        }

        await context.PublishAsync(Streams.Agent(Id), MemoryEventTypes.Edited, item, command.CompanyId);
        return item;
    }

    public async Task<MemoryItemDto> ForgetAsync(ForgetMemoryCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Text("reason", command.Reason, 1000, required: false).ThrowIfAny();
        await EnsureAgentAsync(command.CompanyId);
        await CheckEditAsync(command.CompanyId, command.ActingAgentId, "memory.forget");
        var item = await LoadAsync(command.CompanyId, command.ItemId);
        if (item.ForgottenAt is not null)
        {
            return item;
        }

        await context.Sql(MemorySql.Forget).With("id", item.Id).With("company_id", command.CompanyId).With("agent_id", Id)
            .With("actor", context.Actor ?? Actor.System).With("reason", command.Reason?.Trim()).With("now", context.Now).ExecuteAsync();
        item = await LoadAsync(command.CompanyId, item.Id);
        await context.PublishAsync(Streams.Agent(Id), MemoryEventTypes.Forgotten, item, command.CompanyId);
        return item;
    }

    public async Task<IReadOnlyList<PlaybookChangeDto>> ListPlaybookChangesAsync(long companyId, PlaybookChangeStatus? status = null)
    {
        await EnsureAgentAsync(companyId);
        return await context.Sql(PlaybookSql.ByAgent).With("company_id", companyId).With("agent_id", Id).With("status", status?.ToDb()).ListAsync(Playbook.Map);
    }

    public async Task<PlaybookChangeDto> DecidePlaybookChangeAsync(DecidePlaybookChangeCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Text("comment", command.Comment, 2000, required: false).ThrowIfAny();
        await EnsureAgentAsync(command.CompanyId);
        if (Actor.Parse(context.Actor) is { IsAgent: true })
        {
            throw new ConflictException("A playbook change is decided by a person, never by an agent.", "playbook.person_only");
        }

        var change = await LoadChangeAsync(command.CompanyId, command.ChangeId);
        if (change.Status != PlaybookChangeStatus.Proposed)
        {
            throw new ConflictException($"Playbook change {change.Id} is already {change.Status.ToDb()}.", "playbook.decided");
        }

        var status = command.Approve ? PlaybookChangeStatus.Approved : PlaybookChangeStatus.Rejected;
        await context.Sql(PlaybookSql.Decide).With("id", change.Id).With("company_id", command.CompanyId).With("agent_id", Id).With("status", status.ToDb())
            .With("now", context.Now).With("actor", context.Actor ?? Actor.System).With("comment", string.IsNullOrWhiteSpace(command.Comment) ? null : command.Comment.Trim())
            .ExecuteAsync();
        change = await LoadChangeAsync(command.CompanyId, change.Id);
        var type = command.Approve ? MemoryEventTypes.PlaybookApproved : MemoryEventTypes.PlaybookRejected;
        await context.PublishAsync(Streams.Company(command.CompanyId), type, change, command.CompanyId);
        await context.PublishAsync(Streams.Agent(Id), type, change, command.CompanyId);
        return change;
    }

    public async Task<long> RecordRecallAsync(long companyId, long? taskId, string query, IReadOnlyList<long> itemIds, int tokens, double durationMs)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        await EnsureAgentAsync(companyId);
        return await RecallRecord.WriteAsync(context, companyId, Id, taskId, attempt: null, "recall", query, itemIds, tokens, durationMs);
    }

    public async Task<int> EmbedMissingAsync(long companyId)
    {
        await EnsureAgentAsync(companyId);
        var missing = await context.Sql(MemorySql.UnembeddedOfAgent).With("company_id", companyId).With("agent_id", Id)
            .With("grain_key", context.Key).With("kind", MemoryEmbedActivity.ActivityKind).With("limit", 10_000).ListAsync(MemoryRows.Map);
        foreach (var item in missing)
        {
            await ScheduleEmbedAsync(item, feedbackReason: null);
        }

        return missing.Count;
    }

    /// <summary>
    /// A <c>memory.embed</c> activity ended: the vector is written when the item still holds the content embedded (an
    /// edit meanwhile started another embedding); a lesson from feedback then looks for an earlier lesson close in
    /// meaning to propose a playbook change. A failed embedding leaves the item to its words until the next sweep.
    /// </summary>
    public async Task OnActivityCompletedAsync(ActivityOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Kind == MemoryLessonActivity.ActivityKind)
        {
            await ReceiveLessonAsync(outcome);
            return;
        }

        if (outcome.Kind != MemoryEmbedActivity.ActivityKind)
        {
            return;
        }

        if (!outcome.Succeeded || outcome.ResultAs<MemoryEmbedResult>() is not { Vector: { } vector } result)
        {
            Log.MemoryNotEmbedded(logger, Id, outcome.Attempts, outcome.Error ?? "no embedding model in the process that ran it");
            return;
        }

        var written = await context.Sql(MemorySql.SetEmbedding).With("id", result.ItemId).With("company_id", result.CompanyId).With("agent_id", Id)
            .With("content", result.Content).WithVector("embedding", vector).With("embedding_model", result.Model).ExecuteAsync();
        if (written == 0 || result.FeedbackReason is not { Length: > 0 } reason)
        {
            return;
        }

        var lesson = await LoadAsync(result.CompanyId, result.ItemId);
        if (lesson.Live(context.Now) && !await context.Sql(MemorySql.LessonProposed).With("company_id", result.CompanyId).With("agent_id", Id).With("id", lesson.Id).ScalarAsync<bool>())
        {
            await Playbook.ProposeIfRepeatedAsync(context, lesson, vector, FeedbackLessons.Reason(reason), FeedbackLessons.Instruction(reason));
        }
    }

    /// <summary>
    /// A <c>memory.lesson</c> activity ended: the call goes into the task's trace (tokens, cost, duration), then the model's
    /// lesson is written with the task as its source. A failed call or an answer that is not a lesson writes the feedback's
    /// own lesson instead and says so (<c>memory.lesson_fallback</c>); a model that finds nothing to learn writes nothing
    /// (<c>memory.lesson_declined</c>).
    /// </summary>
    private async Task ReceiveLessonAsync(ActivityOutcome outcome)
    {
        var reservation = await Budget.ReleaseAsync(context, outcome.Id);
        var json = await context.Sql(MemorySql.ActivityInput).WithGuid("id", outcome.Id).With("grain_key", context.Key).With("kind", outcome.Kind)
            .FirstOrDefaultAsync(r => r.Get<string>("input"));
        if (json is null || JsonSerializer.Deserialize<MemoryLessonInput>(json, RuntimeJson.Options) is not { } input
            || !await context.Sql(MemorySql.AgentExists).With("agent_id", Id).With("company_id", input.CompanyId).ScalarAsync<bool>()
            || await TaskRows.FindAsync(context, input.CompanyId, input.TaskId) is null)
        {
            return; // the agent or the task is gone: nothing to learn for
        }

        var result = outcome.Succeeded ? outcome.ResultAs<MemoryLessonResult>() : null;
        await RecordLessonCallAsync(outcome, input, result, reservation);
        if (result is null)
        {
            await FallBackAsync(input.CompanyId, input.TaskId, input.FallbackLesson, input.Feedback, input.SourceActor,
                $"the model call failed after {outcome.Attempts} attempt(s): {AgentBriefing.Clip(outcome.Error ?? "unknown error", 500)}");
        }
        else if (!LessonContext.TryParseAnswer(result.Response.Text, out var lesson))
        {
            await FallBackAsync(input.CompanyId, input.TaskId, input.FallbackLesson, input.Feedback, input.SourceActor,
                $"the model's answer was not a lesson in the format asked ({LessonContext.AnswerSchema})");
        }
        else if (lesson is null)
        {
            var declined = new MemoryLessonEvent(Id, input.TaskId, null, "The model found nothing to learn in the feedback.");
            await context.PublishAsync(Streams.Agent(Id), MemoryEventTypes.LessonDeclined, declined, input.CompanyId);
            await context.PublishAsync(Streams.Task(input.TaskId), MemoryEventTypes.LessonDeclined, declined, input.CompanyId);
        }
        else
        {
            await LearnAsync(input.CompanyId, input.TaskId, lesson, input.Feedback, input.SourceActor);
        }
    }

    /// <summary>Records a lesson request's model call in the task's trace and adds its tokens and cost to the task, as the agent loop does for its own calls.</summary>
    private async Task RecordLessonCallAsync(ActivityOutcome outcome, MemoryLessonInput input, MemoryLessonResult? result, Budget.ReservationRow? reservation)
    {
        var work = services.GetService<AgentWork>();
        var usage = result?.Response.TokenUsage ?? default;
        var cost = result is not null && work is not null && work.Pricing.TryGet(input.Model, out var price) ? price.Cost(usage) : 0m;
        var call = await context.Sql(WorkSql.InsertLlmCall)
            .With("company_id", input.CompanyId).With("task_id", input.TaskId).With("agent_id", Id)
            .With("attempt", input.Attempt).With("step", LessonStep).WithGuid("activity_id", outcome.Id)
            .With("model", AgentBriefing.Clip(input.Model, 200))
            .With("input_tokens", usage.InputTokens).With("output_tokens", usage.OutputTokens).With("cost", cost)
            .With("duration_ms", (long)(result?.Duration.TotalMilliseconds ?? 0))
            .With("finish_reason", result?.Response.FinishReasonText).With("tool_calls", 0)
            .With("succeeded", result is not null)
            .With("error", result is null ? AgentBriefing.Clip(outcome.Error ?? "failed", 2000) : null)
            .With("reserved_tokens", reservation?.Tokens ?? 0).With("reserved_cost", reservation?.Cost ?? 0m)
            .With("now", context.Now)
            .FirstOrDefaultAsync(WorkRows.MapLlmCall);
        if (call is null)
        {
            return; // recorded already
        }

        if (call.TotalTokens > 0 || call.Cost > 0)
        {
            await context.PostAsync<ITaskGrain>(input.TaskId.ToString(CultureInfo.InvariantCulture), new RecordUsageCommand(input.CompanyId, call.TotalTokens, call.Cost));
        }

        await context.PublishAsync(Streams.Task(input.TaskId), WorkEventTypes.LlmCall, call, input.CompanyId);
    }

    /// <summary>Writes the feedback's own lesson because the model's could not be had, and says why in an event on the agent's and the task's streams.</summary>
    private async Task FallBackAsync(long companyId, long taskId, string lesson, string feedback, string actor, string why)
    {
        Log.LessonFallback(logger, Id, taskId, why);
        var item = await LearnAsync(companyId, taskId, lesson, feedback, actor);
        var fallback = new MemoryLessonEvent(Id, taskId, item.Id, $"The lesson was written from the feedback alone: {why}.");
        await context.PublishAsync(Streams.Agent(Id), MemoryEventTypes.LessonFallback, fallback, companyId);
        await context.PublishAsync(Streams.Task(taskId), MemoryEventTypes.LessonFallback, fallback, companyId);
    }

    /// <summary>
    /// Writes a lesson from a person's feedback (its vector later, by its memory.embed activity), and proposes the reason as a
    /// playbook instruction when an earlier lesson of the agent carries the same reason word for word (a lesson the same in
    /// meaning does so once the new one has its vector).
    /// </summary>
    private async Task<MemoryItemDto> LearnAsync(long companyId, long taskId, string lesson, string feedback, string actor)
    {
        var item = await WriteAsync(new RememberCommand
        {
            CompanyId = companyId,
            Kind = MemoryKind.Lesson,
            Content = lesson,
            SourceKind = MemorySourceKind.Task,
            SourceTaskId = taskId,
            FromSystem = true,
            FeedbackReason = feedback,
        }, actor);
        await Playbook.ProposeIfRepeatedAsync(context, item, embedding: null, FeedbackLessons.Reason(feedback), FeedbackLessons.Instruction(feedback));
        return item;
    }

    /// <summary>Starts the embedding of an item's content outside the turn (retried; its outcome comes back to this grain).</summary>
    private async Task ScheduleEmbedAsync(MemoryItemDto item, string? feedbackReason) =>
        await context.ScheduleActivityAsync(MemoryEmbedActivity.ActivityKind, new MemoryEmbedInput(item.CompanyId, Id, item.Id, item.Content, feedbackReason),
            new ActivityOptions { MaxAttempts = Options.EmbedAttempts, Timeout = TimeSpan.FromMinutes(2), Backoff = TimeSpan.FromSeconds(2) });

    /// <summary>The agent named by the command, or the caller when it is an agent (an agent never acts as a person).</summary>
    private long? ActingAgent(long? named) => named ?? (Actor.Parse(context.Actor) is { IsAgent: true } actor ? actor.Id : null);

    private async Task CheckReadAsync(long companyId, long readerId, long? taskId)
    {
        var org = await OrgSnapshot.LoadAsync(context, companyId);
        if (!MemoryAccess.CanRead(org, readerId, Id))
        {
            throw await DenyAsync(companyId, readerId, "memory.read", MemoryAccess.ReadRule,
                $"Agent {readerId} may not read the memory of agent {Id}: only the agent itself and the managers above it may.", taskId);
        }
    }

    private async Task CheckEditAsync(long companyId, long? named, string action)
    {
        if (ActingAgent(named) is not { } acting)
        {
            return;
        }

        var org = await OrgSnapshot.LoadAsync(context, companyId);
        if (!MemoryAccess.CanEdit(org, acting, Id))
        {
            throw await DenyAsync(companyId, acting, action, MemoryAccess.EditRule,
                $"Agent {acting} may not change the memory of agent {Id}: only its manager and the CEO may.", taskId: null);
        }
    }

    private async Task<PolicyDeniedException> DenyAsync(long companyId, long acting, string action, string rule, string reason, long? taskId) =>
        await PolicyDenials.RecordAsync(context, logger, new PolicyDenial
        {
            CompanyId = companyId,
            Action = action,
            Rule = rule,
            Reason = reason,
            Actor = Actor.AgentName(acting),
            FromAgentId = acting,
            ToAgentId = Id,
            TaskId = taskId,
        });

    private async Task EnsureAgentAsync(long companyId)
    {
        if (!await context.Sql(MemorySql.AgentExists).With("agent_id", Id).With("company_id", companyId).ScalarAsync<bool>())
        {
            throw new NotFoundException("Agent", Id);
        }
    }

    private async Task<PlaybookChangeDto> LoadChangeAsync(long companyId, long changeId) =>
        await context.Sql(PlaybookSql.ById).With("id", changeId).With("company_id", companyId).With("agent_id", Id).FirstOrDefaultAsync(Playbook.Map)
        ?? throw new NotFoundException("Playbook change", changeId);

    private async Task<MemoryItemDto> LoadAsync(long companyId, long itemId) =>
        await context.Sql(MemorySql.ById).With("id", itemId).With("company_id", companyId).With("agent_id", Id).FirstOrDefaultAsync(MemoryRows.Map)
        ?? throw new NotFoundException("Memory item", itemId);
}
