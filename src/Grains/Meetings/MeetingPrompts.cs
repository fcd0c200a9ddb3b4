using System.Globalization;
using System.Text;
using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Grains.Work;
using FluidManager.Models;
using Microsoft.Extensions.AI;

namespace FluidManager.Grains.Meetings;

/// <summary>The conversations a meeting sends to models: a participant's turn, and the synthesis of the minutes.</summary>
internal static class MeetingPrompts
{
    public const string SecretaryName = "Meeting secretary";

    /// <summary>The prefix of the task title in a turn's context block (scripted scenarios match on it).</summary>
    public const string TurnTaskPrefix = "Meeting: ";

    /// <summary>The prefix of the task title in the synthesis's context block.</summary>
    public const string MinutesTaskPrefix = "Minutes: ";

    public static IReadOnlyList<ChatMessage> Turn(MeetingState meeting, IReadOnlyList<Participant> participants, Participant speaker,
        IReadOnlyList<MeetingMessageDto> transcript, MeetingMessageDto? question, int round)
    {
        var system = new StringBuilder();
        if (speaker.SystemPrompt.Length > 0)
        {
            system.AppendLine(speaker.SystemPrompt.Trim());
        }
        else
        {
            system.AppendLine(CultureInfo.InvariantCulture, $"You are {speaker.Name}, the {speaker.Role} in the {speaker.Department} department.");
        }

        if (speaker.StyleGuidelines.Length > 0)
        {
            system.AppendLine(CultureInfo.InvariantCulture, $"Style: {speaker.StyleGuidelines.Trim()}");
        }

        system.AppendLine(CultureInfo.InvariantCulture, $"You are {speaker.Name}, {speaker.Role}, in a meeting chaired by the CEO with {string.Join(", ", participants.Where(p => p.AgentId != speaker.AgentId).Select(p => $"{p.Name} ({p.Role})"))}.");
        system.AppendLine("Speak in role, for your area only, in a few sentences: what you will do, what you need, what worries you. Do not repeat what others said.");
        system.AppendLine(new AgentContext
        {
            Agent = new AgentRef(speaker.AgentId, speaker.Name, speaker.Role, speaker.Department),
            Task = new TaskRef(0, TurnTaskPrefix + meeting.Title, Brief(meeting)),
        }.ToPromptBlock());
        system.Append(Context(meeting, participants, [], MeetingContext.TurnMode, DateOnly.MinValue).ToPromptBlock());

        var ask = question is not null
            ? $"The CEO asks you: {question.Text}\nAnswer the CEO's question in role."
            : $"It is your turn, {speaker.Name} (round {round.ToString(CultureInfo.InvariantCulture)}). Speak in role.";
        return
        [
            ChatMessage.System(system.ToString()),
            ChatMessage.User($"{Brief(meeting)}\n\nTranscript so far:\n{Transcript(transcript)}\n\n{ask}"),
        ];
    }

    public static IReadOnlyList<ChatMessage> Synthesis(MeetingState meeting, IReadOnlyList<Participant> participants, IReadOnlyList<MeetingAgentRef> candidates,
        IReadOnlyList<MeetingMessageDto> transcript, DateOnly today, string? feedback)
    {
        var system = new StringBuilder();
        system.AppendLine("You are the secretary of the meeting. Write its minutes from the transcript: a summary, the decisions taken, the risks raised, the open questions and the calls to action.");
        system.AppendLine("Each call to action has one owner: owner_agent_id is the id of one of the candidates below (a participant or someone in their teams); pick who should do the work, not who asked for it.");
        system.AppendLine(CultureInfo.InvariantCulture, $"Due dates are on or after {today:yyyy-MM-dd}. \"decision\" is the number (from 1) of the decision the call comes from, if any.");
        system.AppendLine("Answer with one JSON object only, no text around it, in this shape:");
        system.AppendLine(MeetingContext.MinutesSchema);
        system.AppendLine("Candidates (id, name, role, department, level below a participant):");
        foreach (var candidate in candidates)
        {
            system.AppendLine(CultureInfo.InvariantCulture, $"- {candidate.Id}: {candidate.Name}, {candidate.Role}, {candidate.Department}, level {candidate.Level}");
        }

        system.AppendLine(new AgentContext
        {
            Agent = new AgentRef(0, SecretaryName, "Secretary"),
            Task = new TaskRef(0, MinutesTaskPrefix + meeting.Title, Brief(meeting)),
        }.ToPromptBlock());
        system.Append(Context(meeting, participants, candidates, MeetingContext.MinutesMode, today).ToPromptBlock());

        List<ChatMessage> messages =
        [
            ChatMessage.System(system.ToString()),
            ChatMessage.User($"{Brief(meeting)}\n\nTranscript:\n{Transcript(transcript)}\n\nWrite the minutes now."),
        ];
        if (feedback is { Length: > 0 })
        {
            messages.Add(ChatMessage.User($"Your previous answer was not valid minutes: {feedback}\nAnswer again with the JSON object only."));
        }

        return messages;
    }

    public static string Brief(MeetingState meeting)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Meeting '{meeting.Title}'.");
        if (meeting.Goal.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" Goal: {meeting.Goal}");
        }

        if (meeting.Agenda.Count > 0)
        {
            text.Append("\nAgenda:");
            foreach (var item in meeting.Agenda)
            {
                text.Append("\n- ").Append(item);
            }
        }

        return text.ToString();
    }

    public static string Transcript(IReadOnlyList<MeetingMessageDto> transcript) => transcript.Count == 0
        ? "(nothing yet)"
        : string.Join("\n", transcript.Select(m => $"[{m.Seq.ToString(CultureInfo.InvariantCulture)}] {m.Speaker}: {AgentBriefing.Clip(m.Text, 4000)}"));

    private static MeetingContext Context(MeetingState meeting, IReadOnlyList<Participant> participants, IReadOnlyList<MeetingAgentRef> candidates, string mode, DateOnly today) => new()
    {
        Mode = mode,
        Meeting = new MeetingRef(meeting.Id, meeting.Title, meeting.Goal, meeting.Agenda),
        Participants = [.. participants.Select(p => new MeetingAgentRef(p.AgentId, p.Name, p.Role, p.Department))],
        Candidates = candidates,
        Today = today == DateOnly.MinValue ? "" : today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}
