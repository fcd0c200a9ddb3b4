using System.Globalization;
using FluidManager.Grains.Interfaces.Memory;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Memory;

/// <summary>
/// Meetings feed memory: when the minutes are stored, every decision becomes a fact of each agent that took part,
/// and every call to action a fact of the agent that owns it, with the meeting as their source. Posted to each
/// agent's memory grain (a <see cref="MemoryNote"/>) in the turn that stores the minutes, so they are sent if and
/// only if the minutes commit; each memory grain writes them in its own turn. Their vectors come from <c>memory.embed</c> activities.
/// </summary>
internal static class MeetingMemory
{
    public sealed record Decision(string Text);

    public sealed record CallToAction(long OwnerAgentId, string Title, string Description, DateOnly? DueDate, string? Decision);

    /// <summary>The facts to write, by agent: pure, so tests can read them without a database.</summary>
    public static IReadOnlyList<(long AgentId, string Text)> Facts(long meetingId, string meetingTitle, IReadOnlyList<long> participants,
        IReadOnlyList<Decision> decisions, IReadOnlyList<CallToAction> calls)
    {
        var meeting = string.Create(CultureInfo.InvariantCulture, $"Meeting #{meetingId} \"{meetingTitle.Trim()}\"");
        var facts = new List<(long, string)>();
        foreach (var decision in decisions)
        {
            facts.AddRange(participants.Distinct().Select(agent => (agent, Clip($"{meeting} decided: {decision.Text.Trim()}"))));
        }

        foreach (var call in calls)
        {
            var due = call.DueDate is { } date ? string.Create(CultureInfo.InvariantCulture, $", due {date:yyyy-MM-dd}") : "";
            var description = call.Description.Trim().Length > 0 ? $": {call.Description.Trim()}" : ".";
            var decision = call.Decision is { Length: > 0 } d ? $" It follows the decision: {d.Trim()}" : "";
            facts.Add((call.OwnerAgentId, Clip($"{meeting}: you own the call to action \"{call.Title.Trim()}\"{due}{description}{decision}")));
        }

        return facts;
    }

    public static async Task WriteAsync(ITurnContext context, long companyId, long meetingId, IReadOnlyList<(long AgentId, string Text)> facts)
    {
        foreach (var (agentId, text) in facts)
        {
            await context.PostAsync<IAgentMemoryGrain>(agentId.ToString(CultureInfo.InvariantCulture), new MemoryNote(new RememberCommand
            {
                CompanyId = companyId,
                Kind = MemoryKind.Fact,
                Content = text,
                SourceKind = MemorySourceKind.Meeting,
                SourceMeetingId = meetingId,
                FromSystem = true,
            }, context.Actor ?? Data.Actor.System));
        }
    }

    private static string Clip(string text) => text.Length <= 4000 ? text : text[..3999] + "…";
}
