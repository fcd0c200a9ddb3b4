using System.Globalization;
using System.Text;
using FluidManager.Grains.Interfaces.Meetings;

namespace FluidManager.Grains.Meetings;

/// <summary>A meeting as a Markdown document: its settings, transcript, minutes and calls to action with their tasks.</summary>
internal static class MeetingMarkdown
{
    public static string Write(MeetingDto meeting, IReadOnlyList<MeetingMessageDto> transcript, MinutesDto? minutes)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# {meeting.Title}").AppendLine();
        md.AppendLine(c, $"- Status: {meeting.Status}{(meeting.EndReason is { } why ? $" ({why})" : "")}");
        if (meeting.Goal.Length > 0)
        {
            md.AppendLine(c, $"- Goal: {meeting.Goal}");
        }

        md.AppendLine(c, $"- Participants: {string.Join(", ", meeting.Participants.Select(p => $"{p.Name} ({p.Role})"))}");
        md.AppendLine(c, $"- Tokens: {meeting.InputTokens + meeting.OutputTokens:#,0}; cost: {meeting.Cost:0.######} USD{(meeting.Budget is { } budget ? $" of a {budget:0.##} USD budget" : "")}");
        if (meeting.Agenda.Count > 0)
        {
            md.AppendLine().AppendLine("## Agenda").AppendLine();
            foreach (var item in meeting.Agenda)
            {
                md.AppendLine(c, $"1. {item}");
            }
        }

        if (minutes is not null)
        {
            md.AppendLine().AppendLine("## Minutes").AppendLine().AppendLine(minutes.Summary);
            List("Decisions", minutes.Decisions.Select(d => d.Text));
            List("Risks", minutes.Risks);
            List("Open questions", minutes.OpenQuestions);
            md.AppendLine().AppendLine("## Calls to action").AppendLine();
            md.AppendLine("| # | Title | Owner | Due | Priority | Status | Task | Rationale |");
            md.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var cta in minutes.CallsToAction)
            {
                md.AppendLine(c, $"| {cta.Position} | {Cell(cta.Title)} | {Cell(cta.OwnerName ?? "-")} | {cta.DueDate?.ToString("yyyy-MM-dd", c) ?? "-"} | {cta.Priority} | {cta.Status}{(cta.RefusalReason is { } r ? ": " + Cell(r) : "")} | {(cta.TaskId is { } t ? $"#{t} ({cta.TaskStatus})" : "-")} | {Cell(cta.Rationale)} |");
            }
        }

        md.AppendLine().AppendLine("## Transcript").AppendLine();
        foreach (var message in transcript)
        {
            md.AppendLine(c, $"**{message.Speaker}**{(message.ToAgentId is not null ? " (question)" : "")}: {message.Text}").AppendLine();
        }

        return md.ToString();

        void List(string title, IEnumerable<string> items)
        {
            md.AppendLine().AppendLine(c, $"### {title}").AppendLine();
            var any = false;
            foreach (var item in items)
            {
                md.AppendLine(c, $"- {item}");
                any = true;
            }

            if (!any)
            {
                md.AppendLine("- (none)");
            }
        }
    }

    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
}
