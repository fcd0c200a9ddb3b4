using System.Text.Json.Nodes;

namespace FluidManager.Grains.Transfer;

/// <summary>
/// One kind of thing in a company document (agents, policies, schedules…). A library adds its own kind by
/// registering a section (<c>services.AddSingleton&lt;ICompanySection, MySection&gt;()</c>): the exporter writes
/// every registered section under its <see cref="Name"/>, and the importer runs them by <see cref="Order"/>.
/// Sections work through the grains, inside the transfer grain's turn, so an import is one transaction.
/// </summary>
public interface ICompanySection
{
    /// <summary>Property of the section in the document's <c>sections</c> object.</summary>
    string Name { get; }

    /// <summary>Import order: agents (10) before what refers to them.</summary>
    int Order { get; }

    /// <summary>The company's items: an array of objects, or one object.</summary>
    Task<JsonNode> ExportAsync(TransferScope scope);

    /// <summary>Items of this kind the company holds (an import needs an empty company; 0 for settings).</summary>
    Task<int> CountAsync(TransferScope scope);

    /// <summary>Creates the section's items in the (empty) company.</summary>
    Task ImportAsync(TransferScope scope, JsonNode section);

    /// <summary>The name a dry run shows for an item of the section.</summary>
    string KeyOf(JsonNode item);
}
