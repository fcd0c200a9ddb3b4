namespace FluidManager.Grains.Interfaces.Work;

/// <summary>One group of a spend report: <see cref="Key"/> is the id, name or day; <see cref="Label"/> reads well.</summary>
public sealed record CostRowDto(string Key, string Label, long Calls, long InputTokens, long OutputTokens, decimal Cost, long DurationMs)
{
    public long TotalTokens => InputTokens + OutputTokens;

    public static CostRowDto Empty(string key, string label) => new(key, label, 0, 0, 0, 0m, 0);
}
