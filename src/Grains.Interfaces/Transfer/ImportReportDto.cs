namespace FluidManager.Grains.Interfaces.Transfer;

/// <summary>
/// What an import changed (or, in a dry run, would change), section by section; after an import,
/// <see cref="Agents"/> maps each agent reference of the document to the new agent's id.
/// </summary>
[GenerateSerializer]
[Alias("fm.transfer.ImportReportDto")]
public sealed record ImportReportDto(
    [property: Id(0)] bool DryRun,
    [property: Id(1)] int FormatVersion,
    [property: Id(2)] IReadOnlyList<SectionChangesDto> Sections,
    [property: Id(3)] IReadOnlyDictionary<string, long> Agents);
