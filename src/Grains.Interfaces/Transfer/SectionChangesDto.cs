namespace FluidManager.Grains.Interfaces.Transfer;

/// <summary>
/// One section of a company document compared with the company: the keys (agent names, rule, schedule,
/// workflow and space names) of the items the document adds, those only the company has, and those that differ.
/// </summary>
[GenerateSerializer]
[Alias("fm.transfer.SectionChangesDto")]
public sealed record SectionChangesDto(
    [property: Id(0)] string Section,
    [property: Id(1)] IReadOnlyList<string> Added,
    [property: Id(2)] IReadOnlyList<string> Removed,
    [property: Id(3)] IReadOnlyList<string> Changed,
    [property: Id(4)] int Unchanged);
