using System.Globalization;

namespace FluidManager.Grains.Data;

/// <summary>Who asked for a turn, parsed from the runtime's actor string ("agent:7", "human:3", "system").</summary>
internal readonly record struct Actor(string Kind, long? Id)
{
    public const string System = "system";

    public bool IsAgent => Kind == "agent" && Id is not null;

    public static Actor Parse(string? actor)
    {
        if (string.IsNullOrEmpty(actor))
        {
            return new Actor(System, null);
        }

        var colon = actor.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(actor.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new Actor(actor[..colon], id)
            : new Actor(actor, null);
    }

    public static string AgentName(long agentId) => "agent:" + agentId.ToString(CultureInfo.InvariantCulture);
}
