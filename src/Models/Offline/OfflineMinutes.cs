using System.Globalization;
using System.Text.Json;

namespace FluidManager.Models.Offline;

/// <summary>
/// The offline model's minutes for a meeting synthesis: valid JSON in the shape of
/// <see cref="MeetingContext.MinutesSchema"/>, the same for the same meeting. One decision per agenda item
/// (two without an agenda); one call to action per participant, in its area of work; and one for an agent
/// below the participants (a developer if there is one), raised by the Sales participant when there is
/// one: the kind of request that must travel down its own branch of the org chart.
/// </summary>
internal static class OfflineMinutes
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static string Write(MeetingContext context)
    {
        var meeting = context.Meeting;
        var today = DateOnly.TryParseExact(context.Today, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : new DateOnly(2026, 1, 1);
        var items = meeting.Agenda.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToList();
        if (items.Count == 0)
        {
            items = [$"scope of {meeting.Title}", $"timeline of {meeting.Title}"];
        }

        var roles = string.Join(", ", context.Participants.Select(p => p.Role));
        var decisions = items.Select(item => $"Go ahead with {item} for {meeting.Title}, as discussed.").ToList();
        var calls = new List<Call>();
        for (var i = 0; i < context.Participants.Count; i++)
        {
            var participant = context.Participants[i];
            var area = WorkArea.ForAgent(participant.Role, participant.Department);
            var item = items[i % items.Count];
            calls.Add(new Call(
                Capitalise($"{area.Deliverable} for {meeting.Title}: {item}"),
                $"Prepare the {area.Deliverable} covering {item}, with owners and dates, and share it with the other participants.",
                participant.Id,
                today.AddDays(7 * (i + 1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                i == 0 ? "high" : "normal",
                $"{participant.Name} ({participant.Role}) took this on during the discussion of {item}.",
                (i % items.Count) + 1));
        }

        var below = context.Candidates.Where(c => c.Level > 0).ToList();
        var target = below.FirstOrDefault(c => WorkArea.ForAgent(c.Role, c.Department) == WorkArea.Engineering && c.Level == below.Max(b => b.Level))
            ?? below.OrderByDescending(c => c.Level).ThenBy(c => c.Id).FirstOrDefault();
        if (target is not null)
        {
            var raiser = context.Participants.FirstOrDefault(p => WorkArea.ForAgent(p.Role, p.Department) == WorkArea.Sales)
                ?? context.Participants.LastOrDefault();
            calls.Add(new Call(
                Capitalise($"Fix what blocks customer demos before {meeting.Title}"),
                $"Customers asked for a working demo path before {meeting.Title}; {target.Name} ({target.Role}) is best placed to fix it.",
                target.Id,
                today.AddDays(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                "high",
                raiser is null ? "Raised in the meeting." : $"Raised by {raiser.Name} ({raiser.Role}) from customer conversations.",
                1));
        }

        var minutes = new
        {
            Summary = $"The {roles} met on '{meeting.Title}'"
                + (string.IsNullOrWhiteSpace(meeting.Goal) ? "." : $" to {meeting.Goal.Trim().TrimEnd('.')}.")
                + $" They went through {items.Count} agenda item(s) and agreed on owners and dates for the next steps.",
            Decisions = decisions,
            Risks = new[] { $"The timeline of {meeting.Title} is tight if a dependency slips.", "Teams may pull in different directions without one owner per step." },
            OpenQuestions = new[] { $"What budget does {meeting.Title} need beyond the current plan?" },
            CallsToAction = calls,
        };
        return JsonSerializer.Serialize(minutes, Json);
    }

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private sealed record Call(string Title, string Description, long OwnerAgentId, string DueDate, string Priority, string Rationale, int Decision);
}
