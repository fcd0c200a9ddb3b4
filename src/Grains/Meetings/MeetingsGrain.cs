using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Meetings;

/// <summary>Creates and lists a company's meetings (key = company id).</summary>
[GrainType("meetings")]
public sealed class MeetingsGrain(ITurnContext context) : DurableGrain, IMeetingsGrain
{
    protected override ITurnContext Turn => context;

    public const int MaxParticipants = 12;
    public const int MaxAgendaItems = 20;

    public async Task<MeetingDto> CreateAsync(CreateMeetingCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var companyId = await context.EnsureCompanyAsync(command.CompanyId);
        var agenda = (command.Agenda ?? []).Select(a => a?.Trim() ?? "").ToList();
        var participants = command.ParticipantAgentIds ?? [];
        var fields = new Fields()
            .Text("title", command.Title, 300)
            .Text("goal", command.Goal, 5000, required: false)
            .Text("model", command.Model, 200, required: false)
            .Check(agenda.Count <= MaxAgendaItems, "agenda", $"must have at most {MaxAgendaItems} items")
            .Check(agenda.All(a => a.Length is >= 1 and <= 500), "agenda", "items must be 1 to 500 characters")
            .Check(participants.Count is >= 1 and <= MaxParticipants, "participantAgentIds", $"must name 1 to {MaxParticipants} agents")
            .Check(participants.Distinct().Count() == participants.Count, "participantAgentIds", "must not name an agent twice")
            .Check(command.MaxRounds is null or (>= 1 and <= 50), "maxRounds", "must be between 1 and 50")
            .Check(command.MaxTokens is null or >= 1, "maxTokens", "must be at least 1")
            .Check(command.Budget is null or >= 0, "budget", "must not be negative");
        if (participants.Count > 0)
        {
            var found = await context.Sql(MeetingSql.AgentsByIds).With("company_id", companyId).WithIds("ids", [.. participants])
                .ListAsync(r => (Id: r.Get<long>("id"), Status: r.GetEnum<AgentStatus>("status")));
            foreach (var id in participants.Where(id => found.All(f => f.Id != id)))
            {
                fields.Add("participantAgentIds", $"agent {id} is not in the company");
            }

            foreach (var archived in found.Where(f => f.Status == AgentStatus.Archived))
            {
                fields.Add("participantAgentIds", $"agent {archived.Id} is archived");
            }
        }

        fields.ThrowIfAny();
        var meetingId = await context.Sql(MeetingSql.Insert)
            .With("company_id", companyId)
            .With("title", command.Title.Trim())
            .With("goal", command.Goal?.Trim() ?? "")
            .With("agenda", agenda)
            .With("max_rounds", command.MaxRounds)
            .With("max_tokens", command.MaxTokens)
            .With("budget", command.Budget)
            .With("auto_dispatch", command.AutoDispatch)
            .With("model", string.IsNullOrWhiteSpace(command.Model) ? null : command.Model.Trim())
            .With("created_by", context.Actor ?? Actor.System)
            .With("now", context.Now)
            .ScalarAsync<long>();
        for (var i = 0; i < participants.Count; i++)
        {
            await context.Sql(MeetingSql.InsertParticipant)
                .With("meeting_id", meetingId).With("company_id", companyId).With("agent_id", participants[i]).With("position", i + 1)
                .ExecuteAsync();
        }

        var meeting = await context.Join<IMeetingGrain>(meetingId).ReadAsync(g => g.GetAsync(companyId));
        await context.PublishAsync(Streams.Meeting(meetingId), MeetingEventTypes.Created, meeting, companyId);
        return meeting;
    }

    public async Task<IReadOnlyList<MeetingDto>> ListAsync(long companyId)
    {
        await context.EnsureCompanyAsync(companyId);
        var meetings = await context.Sql(MeetingSql.ByCompany).With("company_id", companyId).ListAsync(MeetingState.Map);
        var result = new List<MeetingDto>(meetings.Count);
        foreach (var meeting in meetings)
        {
            result.Add(meeting.ToDto(await Participant.ListAsync(context, meeting.Id)));
        }

        return result;
    }
}
