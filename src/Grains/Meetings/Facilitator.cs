using FluidManager.Grains.Interfaces.Meetings;

namespace FluidManager.Grains.Meetings;

/// <summary>
/// Decides who speaks next. Pure, so tests call it without a database:
/// <list type="number">
/// <item>a question the CEO addressed to a participant and nobody answered yet: that participant answers
/// (oldest question first; an answer does not use the participant's turn in the round);</item>
/// <item>otherwise the round goes on: among the participants who have not spoken in it, the one the CEO's
/// latest remark names (first name, role or department: role relevance) until someone has spoken after
/// it, else the next in speaking order;</item>
/// <item>when everyone has spoken, a new round starts, unless the round limit is reached: then nobody speaks.</item>
/// </list>
/// </summary>
internal static class Facilitator
{
    public sealed record Speaker(long AgentId, int Round, int? AnswersSeq);

    public sealed record Seat(long AgentId, string FirstName, string Role, string Department);

    public static Speaker? Next(IReadOnlyList<Seat> participants, IReadOnlyList<MeetingMessageDto> transcript, int round, int? roundLimit)
    {
        if (participants.Count == 0)
        {
            return null;
        }

        var seated = participants.Select(p => p.AgentId).ToHashSet();
        var question = transcript.FirstOrDefault(m => m.SpeakerKind == SpeakerKind.Human && m.ToAgentId is { } to && seated.Contains(to) && m.AnsweredBySeq is null);
        if (question is not null)
        {
            return new Speaker(question.ToAgentId!.Value, Math.Max(round, 1), question.Seq);
        }

        var answers = transcript.Where(m => m.AnsweredBySeq is not null).Select(m => m.AnsweredBySeq!.Value).ToHashSet();
        var spoken = round == 0
            ? []
            : transcript.Where(m => m.SpeakerKind == SpeakerKind.Agent && m.Round == round && !answers.Contains(m.Seq)).Select(m => m.SpeakerAgentId!.Value).ToHashSet();
        var waiting = participants.Where(p => !spoken.Contains(p.AgentId)).ToList();
        if (round == 0 || waiting.Count == 0)
        {
            if (roundLimit is { } limit && round >= limit)
            {
                return null;
            }

            round++;
            waiting = [.. participants];
            spoken = [];
        }

        // The CEO's latest remark, until a participant has spoken after it.
        var remark = transcript.LastOrDefault(m => m.SpeakerKind == SpeakerKind.Human && m.ToAgentId is null);
        var open = remark is not null && !transcript.Any(m => m.Seq > remark.Seq && m.SpeakerKind == SpeakerKind.Agent);
        var named = open ? waiting.FirstOrDefault(p => Names(remark!.Text, p)) : null;
        return new Speaker((named ?? waiting[0]).AgentId, round, null);
    }

    /// <summary>Whether the remark names the participant: its first name, its role or its department, as whole words.</summary>
    public static bool Names(string remark, Seat participant) =>
        new[] { participant.FirstName, participant.Role, participant.Department }
            .Where(w => w.Trim().Length >= 2)
            .Any(w => System.Text.RegularExpressions.Regex.IsMatch(remark, $@"\b{System.Text.RegularExpressions.Regex.Escape(w.Trim())}\b",
                System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant));
}
