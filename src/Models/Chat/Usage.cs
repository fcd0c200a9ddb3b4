namespace FluidManager.Models;

/// <summary>Tokens read and written by one call.</summary>
public readonly record struct Usage(int InputTokens, int OutputTokens)
{
    public int TotalTokens => InputTokens + OutputTokens;

    public static Usage operator +(Usage left, Usage right) =>
        new(left.InputTokens + right.InputTokens, left.OutputTokens + right.OutputTokens);

    public static Usage Add(Usage left, Usage right) => left + right;
}
