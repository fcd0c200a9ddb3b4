using System.Globalization;
using FluidManager.Grains.Agents;
using FluidManager.Grains.Artifacts;
using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Grains.Memory;
using FluidManager.Grains.Organization;
using FluidManager.Grains.Tasks;
using FluidManager.Grains.Work;
using FluidManager.Models;
using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluidManager.Grains.Meetings;

/// <summary>
/// One meeting (key = meeting id). The conversation runs as model-call activities, one at a time: the
/// turn that receives a participant's answer writes the message (with its tokens and cost) and schedules
/// the next speaker chosen by the <see cref="Facilitator"/>, so the transcript only ever holds complete
/// messages and, after a crash, the meeting resumes at the call in flight. Limits (rounds, tokens) end
/// the conversation; the meeting's budget, checked before each call against what it spent plus what the
/// next call may cost, ends it too. The synthesis is one more call whose answer must be valid minutes
/// (<see cref="MinutesParser"/>): an invalid answer is retried with the errors, and after
/// <see cref="MaxSynthesisAttempts"/> the meeting fails with them; minutes are stored whole or not at all.
/// </summary>
[GrainType("meeting")]
[TraceGroup("meeting")]
public sealed class MeetingGrain(ITurnContext context, IServiceProvider services, ILogger<MeetingGrain> logger)
    : DurableGrain, IMeetingGrain, IHandle<MeetingSignal>, IActivityOwner
{
    protected override ITurnContext Turn => context;

    public const int MaxSynthesisAttempts = 3;

    /// <summary>Upper bound of a participant's answer (the synthesis uses the agent loop's bound).</summary>
    public const int MaxTurnOutputTokens = 1024;

    private const string DispatchSavepoint = "cta_dispatch";

    private long Id => context.KeyAsId("Meeting");

    /// <summary>Null in a process that does not run agent work (the Api).</summary>
    private AgentWork? Work => services.GetService<AgentWork>();

    public async Task<MeetingDto> GetAsync(long companyId)
    {
        var state = await MeetingState.LoadAsync(context, companyId, Id);
        return state.ToDto(await Participant.ListAsync(context, Id));
    }

    public async Task<IReadOnlyList<MeetingMessageDto>> ListMessagesAsync(long companyId, int afterSeq = 0)
    {
        await MeetingState.LoadAsync(context, companyId, Id);
        return await MeetingRows.MessagesAsync(context, Id, afterSeq);
    }

    public async Task<MinutesDto?> GetMinutesAsync(long companyId)
    {
        await MeetingState.LoadAsync(context, companyId, Id);
        return await MeetingRows.MinutesAsync(context, Id);
    }

    public async Task<string> ExportMarkdownAsync(long companyId)
    {
        var meeting = await GetAsync(companyId);
        return MeetingMarkdown.Write(meeting, await MeetingRows.MessagesAsync(context, Id), await MeetingRows.MinutesAsync(context, Id));
    }

    public async Task<MeetingDto> StartAsync(long companyId)
    {
        var state = await MeetingState.LoadAsync(context, companyId, Id);
        if (state.Status != MeetingStatus.Draft)
        {
            throw new ConflictException($"Meeting {Id} is {state.Status.ToDb()}: only a draft meeting can be started.", "meeting.not_draft");
        }

        state.Status = MeetingStatus.Running;
        state.StartedAt = context.Now;
        await state.SaveAsync(context);
        await AddMessageAsync(state, SpeakerKind.System, "Meeting", null, null, $"The CEO opened the meeting. {MeetingPrompts.Brief(state)}");
        var meeting = await GetAsync(companyId);
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.Started, meeting, companyId);
        await SignalAsync(companyId);
        return meeting;
    }

    public async Task<MeetingMessageDto> SpeakAsync(SpeakCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Text("text", command.Text, 20_000).ThrowIfAny();
        var state = await MeetingState.LoadAsync(context, command.CompanyId, Id);
        if (state.Status != MeetingStatus.Running)
        {
            throw new ConflictException($"Meeting {Id} is {state.Status.ToDb()}: the CEO speaks only while it runs.", "meeting.not_running");
        }

        if (command.ToAgentId is { } to && (await Participant.ListAsync(context, Id)).All(p => p.AgentId != to))
        {
            throw new ValidationException("toAgentId", $"Agent {to} is not a participant of meeting {Id}.");
        }

        var message = await AddMessageAsync(state, SpeakerKind.Human, "CEO", null, command.ToAgentId, command.Text.Trim())
            ?? throw new InvalidOperationException("A message without an activity is always written.");
        if (state.ActivityId is null)
        {
            await SignalAsync(command.CompanyId);
        }

        return message;
    }

    public async Task<MeetingDto> EndAsync(long companyId)
    {
        var state = await MeetingState.LoadAsync(context, companyId, Id);
        switch (state.Status)
        {
            case MeetingStatus.Running:
                await LetGoOfCallAsync(state);
                await EndConversationAsync(state, "Ended by the CEO.");
                break;
            case MeetingStatus.Failed:
                state.Status = MeetingStatus.Synthesizing;
                state.SynthesisAttempts = 0;
                state.SynthesisFeedback = null;
                state.Error = null;
                await state.SaveAsync(context);
                break;
            default:
                throw new ConflictException($"Meeting {Id} is {state.Status.ToDb()}: only a running meeting (or one whose minutes failed) can be ended.", "meeting.not_running");
        }

        await SignalAsync(companyId);
        return await GetAsync(companyId);
    }

    public async Task DeleteAsync(long companyId)
    {
        var meeting = await GetAsync(companyId);
        if (meeting.Status is not (MeetingStatus.Draft or MeetingStatus.Completed or MeetingStatus.Failed))
        {
            throw new ConflictException(
                $"Meeting {Id} is {meeting.Status.ToDb()}: only a draft or ended (completed or failed) meeting can be deleted; end it first.", "meeting.in_progress");
        }

        await context.Sql(MeetingSql.Delete).With("id", Id).With("company_id", companyId).With("now", context.Now).With("actor", context.Actor).ExecuteAsync();
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.Deleted, meeting, companyId);
    }

    public async Task<MeetingDto> UpdateSettingsAsync(UpdateMeetingSettingsCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Check(command.Budget is null or >= 0, "budget", "must not be negative").ThrowIfAny();
        var state = await MeetingState.LoadAsync(context, command.CompanyId, Id);
        if (command.SetBudget)
        {
            state.Budget = command.Budget;
        }

        state.AutoDispatch = command.AutoDispatch ?? state.AutoDispatch;
        await state.SaveAsync(context);
        var meeting = await GetAsync(command.CompanyId);
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.SettingsChanged, meeting, command.CompanyId);
        return meeting;
    }

    public async Task<CtaDto> UpdateCtaAsync(UpdateCtaCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var state = await MeetingState.LoadAsync(context, command.CompanyId, Id);
        var cta = await FindCtaAsync(command.CtaId);
        if (cta.Status == CtaStatus.Dispatched)
        {
            throw new ConflictException($"Call to action {cta.Id} is dispatched already (task {cta.TaskId}): change the task instead.", "cta.dispatched");
        }

        var today = Today();
        var fields = new Fields()
            .Text("title", command.Title ?? cta.Title, 300)
            .Text("description", command.Description, 5000, required: false)
            .Check(command.DueDate is null || command.DueDate >= today, "dueDate", $"must not be before today ({today:yyyy-MM-dd})")
            .Check(command.Priority is null || Enum.IsDefined(command.Priority.Value), "priority", "is not a known priority");
        if (command.OwnerAgentId is { } ownerId)
        {
            var owner = await AgentRows.FindAsync(context, state.CompanyId, ownerId);
            fields.Check(owner is not null, "ownerAgentId", $"agent {ownerId} is not in the company");
            fields.Check(owner is null || owner.Status != AgentStatus.Archived, "ownerAgentId", $"agent {ownerId} is archived");
        }

        fields.ThrowIfAny();
        var status = command.Dropped switch
        {
            true => CtaStatus.Dropped,
            false => CtaStatus.Proposed,
            null when cta.Status == CtaStatus.Refused && command.OwnerAgentId is not null => CtaStatus.Proposed,
            null => cta.Status,
        };
        var updated = cta with
        {
            Title = command.Title?.Trim() ?? cta.Title,
            Description = command.Description ?? cta.Description,
            OwnerAgentId = command.OwnerAgentId ?? cta.OwnerAgentId,
            DueDate = command.DueDate ?? cta.DueDate,
            Priority = command.Priority ?? cta.Priority,
            Status = status,
            RefusalRule = status == CtaStatus.Refused ? cta.RefusalRule : null,
            RefusalReason = status == CtaStatus.Refused ? cta.RefusalReason : null,
        };
        var saved = await SaveCtaAsync(updated);
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.CtaUpdated, saved, state.CompanyId);
        return saved;
    }

    public async Task<IReadOnlyList<CtaDto>> DispatchAsync(DispatchCtasCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var state = await MeetingState.LoadAsync(context, command.CompanyId, Id);
        if (state.Status != MeetingStatus.Completed)
        {
            throw new ConflictException($"Meeting {Id} is {state.Status.ToDb()}: its calls to action are dispatched once the minutes are written.", "meeting.no_minutes");
        }

        var ctas = await MeetingRows.CtasAsync(context, Id);
        List<CtaDto> chosen;
        if (command.CtaIds is { Count: > 0 } ids)
        {
            chosen = [];
            foreach (var id in ids.Distinct())
            {
                var cta = ctas.FirstOrDefault(c => c.Id == id) ?? throw new NotFoundException("Call to action", id);
                if (cta.Status is CtaStatus.Dropped or CtaStatus.Dispatched)
                {
                    throw new ConflictException($"Call to action {id} is {cta.Status.ToDb()}: only a proposed or refused one can be dispatched.", "cta.not_dispatchable");
                }

                chosen.Add(cta);
            }
        }
        else
        {
            chosen = [.. ctas.Where(c => c.Status is CtaStatus.Proposed or CtaStatus.Refused)];
        }

        await DispatchCoreAsync(state, chosen);
        return await MeetingRows.CtasAsync(context, Id);
    }

    public async Task<ArtifactDto> RecordExportAsync(long companyId, StoredObject stored, string name)
    {
        ArgumentNullException.ThrowIfNull(stored);
        new Fields().Text("name", name, 300).ThrowIfAny();
        await MeetingState.LoadAsync(context, companyId, Id);
        var id = await context.Sql(MeetingSql.InsertArtifact)
            .With("company_id", companyId)
            .With("meeting_id", Id)
            .With("name", name.Trim())
            .With("content_type", stored.ContentType)
            .With("size_bytes", stored.Size)
            .With("storage_key", stored.Key)
            .With("sha256", stored.Sha256)
            .With("created_by", context.Actor ?? Actor.System)
            .With("now", context.Now)
            .ScalarAsync<long>();
        var artifact = await ArtifactRows.LoadAsync(context, companyId, id);
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.Exported, artifact, companyId);
        return artifact;
    }

    public async Task HandleAsync(MeetingSignal message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Work is not { } work)
        {
            Log.MeetingWorkNotEnabled(logger, Id);
            return;
        }

        var state = await MeetingState.LoadAsync(context, message.CompanyId, Id);
        await AdvanceAsync(work, state);
    }

    public async Task OnActivityCompletedAsync(ActivityOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var work = Work ?? throw new InvalidOperationException(
            $"Meeting {Id}: a model call ended in a process without agent work; call AddAgentWork() in every silo. The outcome stays queued and can be replayed.");
        var result = outcome.Succeeded ? outcome.ResultAs<MeetingCallResult>() : null;
        var reservation = await Budget.ReleaseAsync(context, outcome.Id);
        var companyId = result?.CompanyId ?? await context.Sql("SELECT company_id FROM meetings WHERE id = @id").With("id", Id).ScalarAsync<long>();
        var state = await MeetingState.LoadAsync(context, companyId, Id);
        var current = state.ActivityId == outcome.Id;
        var usage = result?.Response.TokenUsage ?? default;
        var cost = result is not null && work.Pricing.TryGet(result.Model, out var price) ? price.Cost(usage) : 0m;
        if (result is not null || current)
        {
            await context.Sql(MeetingSql.InsertLlmCall)
                .With("company_id", companyId)
                .With("meeting_id", Id)
                .With("agent_id", result is not null ? result.AgentId : state.TurnAgentId)
                .With("step", result?.Step ?? 0)
                .WithGuid("activity_id", outcome.Id)
                .With("model", AgentBriefing.Clip(result?.Model ?? "unknown", 200))
                .With("input_tokens", usage.InputTokens)
                .With("output_tokens", usage.OutputTokens)
                .With("cost", cost)
                .With("duration_ms", (long)(result?.Duration.TotalMilliseconds ?? 0))
                .With("finish_reason", result?.Response.FinishReasonText)
                .With("succeeded", result is not null)
                .With("error", result is null ? AgentBriefing.Clip(outcome.Error ?? "failed", 2000) : null)
                .With("reserved_tokens", reservation?.Tokens ?? 0)
                .With("reserved_cost", reservation?.Cost ?? 0m)
                .With("now", context.Now)
                .ScalarAsync<long?>();
        }

        if (!current)
        {
            return; // a call the meeting let go of (ended meanwhile): its spend is recorded, nothing more
        }

        var speakerId = state.TurnAgentId;
        state.ActivityId = null;
        state.TurnAgentId = null;
        if (state.Status == MeetingStatus.Running && speakerId is { } agentId)
        {
            // The participant may have left the company meanwhile: its answer is kept under its id.
            var speaker = (await Participant.ListAsync(context, Id)).FirstOrDefault(p => p.AgentId == agentId);
            var label = speaker is null ? $"agent {agentId.ToString(CultureInfo.InvariantCulture)}" : $"{speaker.Name} ({speaker.Role})";
            if (result is null)
            {
                await EndConversationAsync(state, $"{label} could not speak: the model call failed after {outcome.Attempts} attempt(s): {AgentBriefing.Clip(outcome.Error ?? "unknown error", 500)}");
            }
            else
            {
                var text = string.IsNullOrWhiteSpace(result.Response.Text) ? "(no comment)" : AgentBriefing.Clip(result.Response.Text.Trim(), 20_000);
                var message = await AddMessageAsync(state, SpeakerKind.Agent, label, agentId, null, text, outcome.Id, usage, cost);
                if (result.AnswersSeq is { } questionSeq && message is not null)
                {
                    await context.Sql(MeetingSql.MarkAnswered).With("meeting_id", Id).With("seq", questionSeq).With("answer_seq", message.Seq).ExecuteAsync();
                }

                await state.SaveAsync(context);
            }
        }
        else if (state.Status == MeetingStatus.Synthesizing && speakerId is null)
        {
            await ReceiveMinutesAsync(state, result, outcome);
            if (state.Status != MeetingStatus.Synthesizing)
            {
                return;
            }
        }
        else
        {
            await state.SaveAsync(context);
            return;
        }

        await AdvanceAsync(work, await MeetingState.LoadAsync(context, companyId, Id));
    }

    /// <summary>Takes the meeting's next step: the next speaker's call, the end of the conversation, or the synthesis call.</summary>
    private async Task AdvanceAsync(AgentWork work, MeetingState state)
    {
        if (state.ActivityId is not null)
        {
            return;
        }

        var participants = await Participant.ListAsync(context, Id);
        var transcript = await MeetingRows.MessagesAsync(context, Id);
        if (state.Status == MeetingStatus.Running)
        {
            var used = state.InputTokens + state.OutputTokens;
            if (state.MaxTokens is { } maxTokens && used >= maxTokens)
            {
                await EndConversationAsync(state, $"Token limit reached: {used:#,0} tokens used of {maxTokens:#,0}.");
            }
            else
            {
                var seats = participants.Select(p => new Facilitator.Seat(p.AgentId, p.FirstName, p.Role, p.Department)).ToList();
                var next = Facilitator.Next(seats, transcript, state.Round, state.RoundLimit);
                if (next is null)
                {
                    await EndConversationAsync(state, $"Round limit reached: {state.RoundLimit} round(s).");
                }
                else if (await ScheduleTurnAsync(work, state, participants, transcript, next))
                {
                    return;
                }
            }
        }

        if (state.Status == MeetingStatus.Synthesizing)
        {
            await ScheduleSynthesisAsync(work, state, participants, transcript);
        }
    }

    private async Task<bool> ScheduleTurnAsync(AgentWork work, MeetingState state, IReadOnlyList<Participant> participants, IReadOnlyList<MeetingMessageDto> transcript, Facilitator.Speaker next)
    {
        var speaker = participants.First(p => p.AgentId == next.AgentId);
        var model = string.IsNullOrWhiteSpace(speaker.Model) ? work.Models.DefaultModel : speaker.Model;
        if (ModelProblem(work, model) is { } problem)
        {
            await EndConversationAsync(state, $"{speaker.Name} cannot speak: {problem}");
            return false;
        }

        var question = next.AnswersSeq is { } seq ? transcript.First(m => m.Seq == seq) : null;
        var request = new ChatRequest
        {
            Messages = MeetingPrompts.Turn(state, participants, speaker, transcript, question, next.Round),
            MaxOutputTokens = Math.Min(work.Options.MaxOutputTokens, MaxTurnOutputTokens),
            Seed = (Id * 1000) + transcript.Count,
        };
        var step = transcript.Count(m => m.SpeakerKind == SpeakerKind.Agent) + 1;
        var refusal = await ReserveAsync(work, state, model, request, speaker.AgentId, speaker.Name);
        if (refusal.Reason is { } reason)
        {
            await EndConversationAsync(state, reason);
            return false;
        }

        await context.ScheduleActivityAsync(
            MeetingCallActivity.ActivityKind,
            new MeetingCallInput(state.CompanyId, Id, speaker.AgentId, step, model, request) { AnswersSeq = question?.Seq },
            new ActivityOptions { MaxAttempts = Math.Max(1, work.Options.CallAttempts), Timeout = work.Options.CallTimeout, Backoff = TimeSpan.FromSeconds(1) },
            refusal.ActivityId);
        state.ActivityId = refusal.ActivityId;
        state.TurnAgentId = speaker.AgentId;
        state.Round = next.Round;
        await state.SaveAsync(context);
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.TurnStarted,
            new MeetingTurnEvent(Id, speaker.AgentId, next.Round, refusal.ActivityId, model, refusal.Tokens, refusal.Cost), state.CompanyId);
        return true;
    }

    private async Task ScheduleSynthesisAsync(AgentWork work, MeetingState state, IReadOnlyList<Participant> participants, IReadOnlyList<MeetingMessageDto> transcript)
    {
        var model = state.Model is { Length: > 0 } chosen ? chosen
            : participants.FirstOrDefault()?.Model is { Length: > 0 } first ? first
            : work.Models.DefaultModel;
        if (ModelProblem(work, model) is { } problem)
        {
            await FailAsync(state, $"The minutes cannot be written: {problem}");
            return;
        }

        var candidates = await CandidatesAsync(state);
        var request = new ChatRequest
        {
            Messages = MeetingPrompts.Synthesis(state, participants, candidates, transcript, Today(), state.SynthesisFeedback),
            MaxOutputTokens = work.Options.MaxOutputTokens,
            Seed = (Id * 1000) + 900 + state.SynthesisAttempts,
        };
        var reserved = await ReserveAsync(work, state, model, request, agentId: null, MeetingPrompts.SecretaryName);
        if (reserved.Reason is { } reason)
        {
            await FailAsync(state, $"The minutes cannot be written: {reason} Raise the budget, then end the meeting again to write them.");
            return;
        }

        await context.ScheduleActivityAsync(
            MeetingCallActivity.ActivityKind,
            new MeetingCallInput(state.CompanyId, Id, null, 1000 + state.SynthesisAttempts + 1, model, request),
            new ActivityOptions { MaxAttempts = Math.Max(1, work.Options.CallAttempts), Timeout = work.Options.CallTimeout, Backoff = TimeSpan.FromSeconds(1) },
            reserved.ActivityId);
        state.ActivityId = reserved.ActivityId;
        state.TurnAgentId = null;
        await state.SaveAsync(context);
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.TurnStarted,
            new MeetingTurnEvent(Id, null, state.Round, reserved.ActivityId, model, reserved.Tokens, reserved.Cost), state.CompanyId);
    }

    private sealed record Reservation(Guid ActivityId, long Tokens, decimal Cost, string? Reason);

    /// <summary>
    /// Reserves the call's largest possible size: against the meeting's budget (what it spent plus what its
    /// calls in flight hold), then the agent's limits and the company's budget. A reason means no call.
    /// </summary>
    private async Task<Reservation> ReserveAsync(AgentWork work, MeetingState state, string model, ChatRequest request, long? agentId, string name)
    {
        var price = work.Pricing.Get(model);
        var estimate = TokenEstimator.EstimateReservation(request);
        var reserved = new Usage((int)Math.Ceiling(estimate.InputTokens * Math.Max(1.0, work.Options.InputReserveFactor)), estimate.OutputTokens);
        var cost = price.Cost(reserved);
        var activityId = Guid.CreateVersion7(context.Now);
        if (state.Budget is { } budget)
        {
            var use = await context.Sql(MeetingSql.Use).With("meeting_id", Id)
                .FirstOrDefaultAsync(r => new { Spent = r.Get<decimal>("spent"), Reserved = r.Get<decimal>("reserved") });
            if (use!.Spent + use.Reserved + cost > budget)
            {
                return new Reservation(activityId, reserved.TotalTokens, cost, string.Create(CultureInfo.InvariantCulture,
                    $"Budget reached: {use.Spent:0.######} USD spent + {use.Reserved:0.######} held + {cost:0.######} for the next call > {budget:0.######} USD, the meeting's budget."));
            }
        }

        var verdict = await Budget.ReserveAsync(context, state.CompanyId, agentId, name, new Budget.ReservationOwner(null, Id), activityId, reserved.TotalTokens, cost);
        return new Reservation(activityId, reserved.TotalTokens, cost, verdict.Allowed ? null : verdict.Reason);
    }

    private async Task ReceiveMinutesAsync(MeetingState state, MeetingCallResult? result, ActivityOutcome outcome)
    {
        state.SynthesisAttempts++;
        IReadOnlyList<string> errors;
        ParsedMinutes? minutes = null;
        if (result is null)
        {
            errors = [$"the model call failed after {outcome.Attempts} attempt(s): {AgentBriefing.Clip(outcome.Error ?? "unknown error", 500)}"];
        }
        else
        {
            var candidates = await CandidatesAsync(state);
            (minutes, errors) = MinutesParser.Parse(result.Response.Text, candidates.Select(c => c.Id).ToHashSet(), Today());
        }

        if (minutes is null)
        {
            var feedback = AgentBriefing.Clip(string.Join("; ", errors), 4000);
            Log.MinutesRejected(logger, Id, state.SynthesisAttempts, feedback);
            state.SynthesisFeedback = feedback;
            if (state.SynthesisAttempts >= MaxSynthesisAttempts)
            {
                await FailAsync(state, $"The minutes were not valid after {state.SynthesisAttempts} attempt(s): {feedback}");
                return;
            }

            state.Error = feedback;
            await state.SaveAsync(context);
            await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.SynthesisRejected, await GetAsync(state.CompanyId), state.CompanyId);
            return;
        }

        await StoreMinutesAsync(state, minutes, result!.Model);
        state.Status = MeetingStatus.Completed;
        state.Error = null;
        state.SynthesisFeedback = null;
        await state.SaveAsync(context);
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.Minutes, (await MeetingRows.MinutesAsync(context, Id))!, state.CompanyId);
        if (state.AutoDispatch)
        {
            await DispatchCoreAsync(state, await MeetingRows.CtasAsync(context, Id));
        }
    }

    private async Task StoreMinutesAsync(MeetingState state, ParsedMinutes minutes, string model)
    {
        await context.Sql(MeetingSql.InsertMinutes)
            .With("meeting_id", Id)
            .With("company_id", state.CompanyId)
            .With("summary", minutes.Summary)
            .With("risks", minutes.Risks)
            .With("open_questions", minutes.OpenQuestions)
            .With("model", AgentBriefing.Clip(model, 200))
            .With("attempts", state.SynthesisAttempts)
            .With("now", context.Now)
            .ExecuteAsync();
        var decisionIds = new List<long>();
        for (var i = 0; i < minutes.Decisions.Count; i++)
        {
            decisionIds.Add(await context.Sql(MeetingSql.InsertDecision)
                .With("company_id", state.CompanyId).With("meeting_id", Id).With("position", i + 1).With("body", AgentBriefing.Clip(minutes.Decisions[i], 5000))
                .ScalarAsync<long>());
        }

        for (var i = 0; i < minutes.CallsToAction.Count; i++)
        {
            var cta = minutes.CallsToAction[i];
            await context.Sql(MeetingSql.InsertCta)
                .With("company_id", state.CompanyId)
                .With("meeting_id", Id)
                .With("position", i + 1)
                .With("title", cta.Title)
                .With("description", cta.Description)
                .With("owner_agent_id", cta.OwnerAgentId)
                .WithDate("due_date", cta.DueDate)
                .With<Interfaces.Tasks.TaskPriority>("priority", cta.Priority)
                .With("rationale", cta.Rationale)
                .With("decision_id", cta.Decision is { } d ? decisionIds[d - 1] : null)
                .With("now", context.Now)
                .ExecuteAsync();
        }

        var participants = await Participant.ListAsync(context, Id);
        var facts = MeetingMemory.Facts(Id, state.Title, participants.Select(p => p.AgentId).ToList(),
            minutes.Decisions.Select(d => new MeetingMemory.Decision(d)).ToList(),
            minutes.CallsToAction.Select(c => new MeetingMemory.CallToAction(c.OwnerAgentId, c.Title, c.Description, c.DueDate, c.Decision is { } d ? minutes.Decisions[d - 1] : null)).ToList());
        await MeetingMemory.WriteAsync(context, state.CompanyId, Id, facts);
    }

    /// <summary>Each call to action becomes a task at the right level, or is refused with the policy's reason.</summary>
    private async Task DispatchCoreAsync(MeetingState state, IReadOnlyList<CtaDto> ctas)
    {
        var org = await OrgSnapshot.LoadAsync(context, state.CompanyId);
        var rules = await PolicyRuleStore.LoadAsync(context, state.CompanyId);
        var decisions = await context.Sql(MeetingSql.Decisions).With("meeting_id", Id).ListAsync(r => (Id: r.Get<long>("id"), Position: r.Get<int>("position"), Text: r.Get<string>("body")));
        foreach (var cta in ctas.Where(c => c.Status is CtaStatus.Proposed or CtaStatus.Refused))
        {
            if (cta.OwnerAgentId is not { } ownerId)
            {
                await RefuseAsync(state, cta, "cta:no_owner", "The call to action has no owner: reassign it, then dispatch it again.", policy: false);
                continue;
            }

            var (route, refusal) = CtaRouting.Decide(org, rules, ownerId);
            if (refusal is not null)
            {
                await RefuseAsync(state, cta, refusal.Rule, refusal.Reason, policy: true);
                continue;
            }

            var decision = cta.DecisionId is { } decisionId ? decisions.FirstOrDefault(d => d.Id == decisionId) : default;
            var description = string.Join("\n\n", new[]
            {
                cta.Description,
                $"From meeting #{Id} '{state.Title}'" + (decision.Text is { } text ? $", decision {decision.Position}: {text}" : "."),
                $"Why: {cta.Rationale}",
                route!.Description,
            }.Where(p => !string.IsNullOrWhiteSpace(p)));
            await context.SavepointAsync(DispatchSavepoint);
            try
            {
                var task = await TaskCreation.CreateAsync(context, new CreateTaskCommand
                {
                    CompanyId = state.CompanyId,
                    Title = cta.Title,
                    Description = AgentBriefing.Cut(description, 50_000),
                    AssigneeAgentId = route.AssigneeId,
                    Priority = cta.Priority,
                    DeadlineAt = cta.DueDate is { } due ? new DateTimeOffset(due.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero) : null,
                }, state.CreatedBy);
                await context.ReleaseSavepointAsync(DispatchSavepoint);
                var dispatched = await SaveCtaAsync(cta with
                {
                    Status = CtaStatus.Dispatched,
                    TaskId = task.Id,
                    AssigneeAgentId = route.AssigneeId,
                    Route = route.Path,
                    RefusalRule = null,
                    RefusalReason = null,
                });
                await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.CtaDispatched, dispatched, state.CompanyId);
            }
            catch (DomainException ex)
            {
                await context.RollbackToSavepointAsync(DispatchSavepoint);
                await RefuseAsync(state, cta, ex is PolicyDeniedException denied ? denied.Rule : "task:refused", ex.Message, policy: ex is PolicyDeniedException);
            }
        }
    }

    private async Task RefuseAsync(MeetingState state, CtaDto cta, string rule, string reason, bool policy)
    {
        var refused = await SaveCtaAsync(cta with { Status = CtaStatus.Refused, RefusalRule = rule, RefusalReason = AgentBriefing.Clip(reason, 2000) });
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.CtaRefused, refused, state.CompanyId);
        if (policy)
        {
            await context.PublishAsync(Streams.Company(state.CompanyId), EventTypes.PolicyDenied, new PolicyDenial
            {
                CompanyId = state.CompanyId,
                Action = "meeting.dispatch",
                Rule = rule,
                Reason = reason,
                Actor = context.Actor ?? state.CreatedBy,
                ToAgentId = cta.OwnerAgentId,
            }, state.CompanyId);
        }
    }

    private async Task<CtaDto> SaveCtaAsync(CtaDto cta)
    {
        await context.Sql(MeetingSql.UpdateCta)
            .With("id", cta.Id)
            .With("meeting_id", Id)
            .With("title", cta.Title)
            .With("description", cta.Description)
            .With("owner_agent_id", cta.OwnerAgentId)
            .WithDate("due_date", cta.DueDate)
            .With<Interfaces.Tasks.TaskPriority>("priority", cta.Priority)
            .With<CtaStatus>("status", cta.Status)
            .With("task_id", cta.TaskId)
            .With("assignee_agent_id", cta.AssigneeAgentId)
            .WithIds("route", cta.Route)
            .With("refusal_rule", cta.RefusalRule)
            .With("refusal_reason", cta.RefusalReason)
            .With("now", context.Now)
            .ExecuteAsync();
        return await FindCtaAsync(cta.Id);
    }

    private async Task<CtaDto> FindCtaAsync(long ctaId) =>
        await context.Sql(MeetingSql.CtaById).With("meeting_id", Id).With("id", ctaId).FirstOrDefaultAsync(MeetingRows.MapCta)
        ?? throw new NotFoundException("Call to action", ctaId);

    private async Task<IReadOnlyList<MeetingAgentRef>> CandidatesAsync(MeetingState state) =>
        await context.Sql(MeetingSql.Candidates).With("meeting_id", Id).With("company_id", state.CompanyId).ListAsync(r => new MeetingAgentRef(
            r.Get<long>("id"), r.Get<string>("name"), r.Get<string>("role"), r.Get<string>("department"), r.Get<int>("level"), r.GetOrNull<long>("manager_id")));

    private async Task EndConversationAsync(MeetingState state, string reason)
    {
        state.Status = MeetingStatus.Synthesizing;
        state.EndReason = AgentBriefing.Clip(reason, 2000);
        state.EndedAt = context.Now;
        state.SynthesisAttempts = 0;
        state.SynthesisFeedback = null;
        await state.SaveAsync(context);
        Log.MeetingEnded(logger, Id, state.EndReason);
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.Ended, await GetAsync(state.CompanyId), state.CompanyId);
    }

    private async Task FailAsync(MeetingState state, string reason)
    {
        state.Status = MeetingStatus.Failed;
        state.Error = AgentBriefing.Clip(reason, 4000);
        await state.SaveAsync(context);
        Log.MeetingFailed(logger, Id, state.Error);
        await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.Failed, await GetAsync(state.CompanyId), state.CompanyId);
    }

    /// <summary>Cancels the call in flight: its reservation is released now (a call that already ended settles when its outcome arrives).</summary>
    private async Task LetGoOfCallAsync(MeetingState state)
    {
        if (state.ActivityId is { } inFlight && await context.CancelActivityAsync(inFlight))
        {
            await Budget.ReleaseAsync(context, inFlight);
        }

        state.ActivityId = null;
        state.TurnAgentId = null;
    }

    private async Task<MeetingMessageDto?> AddMessageAsync(MeetingState state, SpeakerKind kind, string speaker, long? agentId, long? toAgentId, string text,
        Guid? activityId = null, Usage usage = default, decimal cost = 0)
    {
        var message = await context.Sql(MeetingSql.InsertMessage)
            .With("company_id", state.CompanyId)
            .With("meeting_id", Id)
            .With("round", state.Round)
            .With<SpeakerKind>("speaker_kind", kind)
            .With("speaker", speaker)
            .With("speaker_agent_id", agentId)
            .With("to_agent_id", toAgentId)
            .With("body", text)
            .WithGuid("activity_id", activityId)
            .With("input_tokens", usage.InputTokens)
            .With("output_tokens", usage.OutputTokens)
            .With("cost", cost)
            .With("now", context.Now)
            .FirstOrDefaultAsync(MeetingRows.MapMessage);
        if (message is not null)
        {
            await context.PublishAsync(Streams.Meeting(Id), MeetingEventTypes.Message, message, state.CompanyId);
        }

        return message;
    }

    private Task SignalAsync(long companyId) =>
        context.PostAsync<IMeetingGrain>(Id.ToString(CultureInfo.InvariantCulture), new MeetingSignal(companyId));

    private static string? ModelProblem(AgentWork work, string model)
    {
        if (!work.Models.IsAllowed(model))
        {
            return $"model '{model}' is not allowed (allowed: {string.Join(", ", work.Models.Allowed)}).";
        }

        return work.Pricing.TryGet(model, out _) ? null : $"model '{model}' has no price, so the budget cannot be checked: set '{ModelPricing.PriceKey(model)}'.";
    }

    private DateOnly Today() => DateOnly.FromDateTime(context.Now.UtcDateTime);
}
