namespace FluidManager.Models;

/// <summary>What a model costs, in US dollars per million tokens.</summary>
public sealed record ModelPrice
{
    public static ModelPrice Free { get; } = new();

    /// <summary>USD per million input (prompt) tokens.</summary>
    public decimal InputPerMillion { get; init; }

    /// <summary>USD per million output (completion) tokens.</summary>
    public decimal OutputPerMillion { get; init; }

    /// <summary>The cost of <paramref name="usage"/> in USD.</summary>
    public decimal Cost(Usage usage) =>
        (usage.InputTokens * InputPerMillion + usage.OutputTokens * OutputPerMillion) / 1_000_000m;
}
