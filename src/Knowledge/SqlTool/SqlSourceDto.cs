namespace FluidManager.Knowledge.SqlTool;

/// <summary>A data source the CEO may grant: a view, or a schema (all its views), with its columns.</summary>
public sealed record SqlSourceDto(string Name, string Kind, string Description, IReadOnlyList<string> Columns);
