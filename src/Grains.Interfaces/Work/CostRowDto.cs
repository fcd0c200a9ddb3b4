namespace FluidManager.Grains.Interfaces.Work;

/// <summary>One group of a spend report: <see cref="Key"/> is the id, name or day; <see cref="Label"/> reads well.</summary>
[GenerateSerializer]
[Alias("fm.work.CostRowDto")]
public sealed record CostRowDto(
    [property: Id(0)] string Key,
    [property: Id(1)] string Label,
    [property: Id(2)] long Calls,
    [property: Id(3)] long InputTokens,
    [property: Id(4)] long OutputTokens,
    [property: Id(5)] decimal Cost,
    [property: Id(6)] long DurationMs)
{
    public long TotalTokens => InputTokens + OutputTokens;

    public static CostRowDto Empty(string key, string label) => new(key, label, 0, 0, 0, 0m, 0);
}
