using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Work;
using FluidManager.Runtime.Grains;
using Npgsql;

namespace FluidManager.Grains.Meetings;

/// <summary>A meeting row as its grain holds it during a turn: read whole, changed, saved whole.</summary>
internal sealed class MeetingState
{
    public required long Id { get; init; }

    public required long CompanyId { get; init; }

    public required string Title { get; init; }

    public required string Goal { get; init; }

    public required IReadOnlyList<string> Agenda { get; init; }

    public MeetingStatus Status { get; set; }

    public int? MaxRounds { get; init; }

    public long? MaxTokens { get; init; }

    public decimal? Budget { get; set; }

    public bool AutoDispatch { get; set; }

    public string? Model { get; init; }

    public int Round { get; set; }

    public Guid? ActivityId { get; set; }

    public long? TurnAgentId { get; set; }

    public int SynthesisAttempts { get; set; }

    public string? SynthesisFeedback { get; set; }

    public string? EndReason { get; set; }

    public string? Error { get; set; }

    public required string CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public long Version { get; init; }

    public long InputTokens { get; init; }

    public long OutputTokens { get; init; }

    public decimal Cost { get; init; }

    /// <summary>The round limit in force: the one set, else the default when no token limit is set either.</summary>
    public int? RoundLimit => MaxRounds ?? (MaxTokens is null ? CreateMeetingCommand.DefaultRounds : null);

    public static MeetingState Map(NpgsqlDataReader r) => new()
    {
        Id = r.Get<long>("id"),
        CompanyId = r.Get<long>("company_id"),
        Title = r.Get<string>("title"),
        Goal = r.Get<string>("goal"),
        Agenda = r.Get<string[]>("agenda"),
        Status = r.GetEnum<MeetingStatus>("status"),
        MaxRounds = r.GetOrNull<int>("max_rounds"),
        MaxTokens = r.GetOrNull<long>("max_tokens"),
        Budget = r.GetOrNull<decimal>("budget"),
        AutoDispatch = r.Get<bool>("auto_dispatch"),
        Model = r.GetStringOrNull("model"),
        Round = r.Get<int>("round"),
        ActivityId = r.GetOrNull<Guid>("activity_id"),
        TurnAgentId = r.GetOrNull<long>("turn_agent_id"),
        SynthesisAttempts = r.Get<int>("synthesis_attempts"),
        SynthesisFeedback = r.GetStringOrNull("synthesis_feedback"),
        EndReason = r.GetStringOrNull("end_reason"),
        Error = r.GetStringOrNull("error"),
        CreatedBy = r.Get<string>("created_by"),
        CreatedAt = r.Get<DateTimeOffset>("created_at"),
        StartedAt = r.GetOrNull<DateTimeOffset>("started_at"),
        EndedAt = r.GetOrNull<DateTimeOffset>("ended_at"),
        Version = r.Get<long>("version"),
        InputTokens = r.Get<long>("input_tokens"),
        OutputTokens = r.Get<long>("output_tokens"),
        Cost = r.Get<decimal>("cost"),
    };

    public static async Task<MeetingState> LoadAsync(ITurnContext context, long companyId, long id) =>
        await context.Sql(MeetingSql.ById).With("id", id).With("company_id", companyId).FirstOrDefaultAsync(Map)
        ?? throw new NotFoundException("Meeting", id);

    public Task SaveAsync(ITurnContext context) => context.Sql(MeetingSql.Save)
        .With("id", Id)
        .With<MeetingStatus>("status", Status)
        .With("round", Round)
        .WithGuid("activity_id", ActivityId)
        .With("turn_agent_id", TurnAgentId)
        .With("synthesis_attempts", SynthesisAttempts)
        .With("synthesis_feedback", SynthesisFeedback)
        .With("end_reason", EndReason)
        .With("error", Error)
        .With("budget", Budget)
        .With("auto_dispatch", AutoDispatch)
        .With("started_at", StartedAt)
        .With("ended_at", EndedAt)
        .With("now", context.Now)
        .ExecuteAsync();

    public MeetingDto ToDto(IReadOnlyList<Participant> participants) => new(
        Id, CompanyId, Title, Goal, Agenda, Status,
        [.. participants.Select(p => p.ToDto())],
        MaxRounds, MaxTokens, Budget, AutoDispatch, Model, Round,
        ActivityId is not null ? TurnAgentId : null,
        SynthesisAttempts, InputTokens, OutputTokens, Cost, EndReason, Error, CreatedBy, CreatedAt, StartedAt, EndedAt, Version);
}

/// <summary>A participant with its profile (for its prompt) and its spend in the meeting.</summary>
internal sealed record Participant(
    long AgentId, int Position, string FirstName, string LastName, string Role, string Department, string? Model,
    string SystemPrompt, string StyleGuidelines, string Bio, int Messages, long InputTokens, long OutputTokens, decimal Cost)
{
    public string Name => $"{FirstName} {LastName}";

    public MeetingParticipantDto ToDto() => new(AgentId, Name, Role, Department, Position, Messages, InputTokens, OutputTokens, Cost);

    public static Participant Map(NpgsqlDataReader r) => new(
        r.Get<long>("agent_id"), r.Get<int>("position"), r.Get<string>("first_name"), r.Get<string>("last_name"), r.Get<string>("role"),
        r.Get<string>("department"), r.GetStringOrNull("model"), r.GetStringOrNull("system_prompt") ?? "", r.GetStringOrNull("style_guidelines") ?? "",
        r.GetStringOrNull("bio") ?? "", r.Get<int>("messages"), r.Get<long>("input_tokens"), r.Get<long>("output_tokens"), r.Get<decimal>("cost"));

    public static Task<List<Participant>> ListAsync(ITurnContext context, long meetingId) =>
        context.Sql(MeetingSql.Participants).With("meeting_id", meetingId).ListAsync(Map);
}

/// <summary>Row mapping of the transcript, minutes and calls to action.</summary>
internal static class MeetingRows
{
    public static NpgsqlCommand WithIds(this NpgsqlCommand command, string name, IReadOnlyList<long> ids)
    {
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint) { Value = ids.ToArray() });
        return command;
    }

    public static MeetingMessageDto MapMessage(NpgsqlDataReader r) => new(
        r.Get<long>("id"), r.Get<long>("meeting_id"), r.Get<int>("seq"), r.Get<int>("round"), r.GetEnum<SpeakerKind>("speaker_kind"),
        r.Get<string>("speaker"), r.GetOrNull<long>("speaker_agent_id"), r.GetOrNull<long>("to_agent_id"), r.Get<string>("body"),
        r.GetOrNull<int>("answered_by_seq"), r.Get<int>("input_tokens"), r.Get<int>("output_tokens"), r.Get<decimal>("cost"), r.Get<DateTimeOffset>("at"));

    public static CtaDto MapCta(NpgsqlDataReader r) => new(
        r.Get<long>("id"), r.Get<long>("meeting_id"), r.Get<int>("position"), r.Get<string>("title"), r.Get<string>("description"),
        r.GetOrNull<long>("owner_agent_id"), r.GetStringOrNull("owner_name"), r.GetOrNull<DateOnly>("due_date"), r.GetEnum<TaskPriority>("priority"),
        r.Get<string>("rationale"), r.GetOrNull<long>("decision_id"), r.GetEnum<CtaStatus>("status"), r.GetOrNull<long>("task_id"),
        r.GetStringOrNull("task_status") is { } status ? DbEnum.Parse<TaskState>(status) : null,
        r.GetOrNull<long>("assignee_agent_id"), r.Get<long[]>("route"), r.GetStringOrNull("refusal_rule"), r.GetStringOrNull("refusal_reason"),
        r.Get<long>("version"));

    public static Task<List<MeetingMessageDto>> MessagesAsync(ITurnContext context, long meetingId, int after = 0) =>
        context.Sql(MeetingSql.Messages).With("meeting_id", meetingId).With("after", after).ListAsync(MapMessage);

    public static Task<List<CtaDto>> CtasAsync(ITurnContext context, long meetingId) =>
        context.Sql(MeetingSql.Ctas).With("meeting_id", meetingId).ListAsync(MapCta);

    public static async Task<MinutesDto?> MinutesAsync(ITurnContext context, long meetingId)
    {
        var decisions = await context.Sql(MeetingSql.Decisions).With("meeting_id", meetingId)
            .ListAsync(r => new DecisionDto(r.Get<long>("id"), r.Get<int>("position"), r.Get<string>("body")));
        var ctas = await CtasAsync(context, meetingId);
        return await context.Sql(MeetingSql.Minutes).With("meeting_id", meetingId).FirstOrDefaultAsync(r => new MinutesDto(
            meetingId, r.Get<string>("summary"), decisions, r.Get<string[]>("risks"), r.Get<string[]>("open_questions"), ctas,
            r.Get<string>("model"), r.Get<int>("attempts"), r.Get<DateTimeOffset>("created_at")));
    }
}
