using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FluidManager.Grains.Workflows;

internal enum WorkflowReferenceKind
{
    Input,
    Step,
}

/// <summary>
/// One <c>${...}</c> in a title, brief or condition: <c>inputs.x</c>, or <c>steps.a.result</c> (optionally with a
/// path into the structured result, <c>steps.a.result.items.0.name</c>), <c>steps.a.status</c> or <c>steps.a.error</c>.
/// </summary>
internal sealed record WorkflowReference(string Text, WorkflowReferenceKind Kind, string Name, string Part, IReadOnlyList<string> Path, string? Error = null);

/// <summary>What a run knows when it renders a step: its inputs and the outcome of each settled step.</summary>
internal sealed record WorkflowScope(JsonObject Inputs, IReadOnlyDictionary<string, StepOutcome> Steps);

/// <summary>A settled step as later steps see it.</summary>
internal sealed record StepOutcome(string Status, JsonNode? Result, string? Error);

/// <summary>The <c>${...}</c> templating of workflow steps.</summary>
internal static partial class WorkflowTemplate
{
    [GeneratedRegex(@"\$\{([^}]*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex Segment();

    public static IEnumerable<WorkflowReference> References(string text) =>
        Placeholder().Matches(text).Select(m => Read(m.Groups[1].Value.Trim()));

    /// <summary>Replaces each reference by its value: text as is, numbers and booleans as written, objects and arrays as JSON, nothing as "".</summary>
    public static string Render(string text, WorkflowScope scope) =>
        Placeholder().Replace(text, m => AsText(Resolve(Read(m.Groups[1].Value.Trim()), scope)));

    /// <summary>Fills in the inputs only; references to steps stay as written.</summary>
    public static string RenderInputs(string text, JsonObject inputs) =>
        Placeholder().Replace(text, m => Read(m.Groups[1].Value.Trim()) is { Kind: WorkflowReferenceKind.Input, Error: null } reference
            ? AsText(Resolve(reference, new WorkflowScope(inputs, new Dictionary<string, StepOutcome>())))
            : m.Value);

    /// <summary>Replaces each reference by a parameter name, for a condition evaluated with those parameters.</summary>
    public static string Parameterise(string text, Func<WorkflowReference, string> name) =>
        Placeholder().Replace(text, m => "[" + name(Read(m.Groups[1].Value.Trim())) + "]");

    public static JsonNode? Resolve(WorkflowReference reference, WorkflowScope scope)
    {
        if (reference.Error is not null)
        {
            return null;
        }

        if (reference.Kind == WorkflowReferenceKind.Input)
        {
            return Walk(scope.Inputs[reference.Name], reference.Path);
        }

        if (!scope.Steps.TryGetValue(reference.Name, out var outcome))
        {
            return null;
        }

        return reference.Part switch
        {
            "status" => JsonValue.Create(outcome.Status),
            "error" => outcome.Error is null ? null : JsonValue.Create(outcome.Error),
            _ => Walk(outcome.Result, reference.Path),
        };
    }

    public static string AsText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static JsonNode? Walk(JsonNode? node, IReadOnlyList<string> path)
    {
        foreach (var segment in path)
        {
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }

    private static WorkflowReference Read(string text)
    {
        var parts = text.Split('.');
        if (parts.Any(p => !Segment().IsMatch(p)))
        {
            return Bad(text, $"'${{{text}}}' is not a reference: write ${{inputs.name}} or ${{steps.id.result}}");
        }

        switch (parts[0])
        {
            case "inputs" when parts.Length >= 2:
                return new WorkflowReference(text, WorkflowReferenceKind.Input, parts[1], "value", parts[2..]);
            case "steps" when parts.Length >= 3 && parts[2] == "result":
                return new WorkflowReference(text, WorkflowReferenceKind.Step, parts[1], "result", parts[3..]);
            case "steps" when parts.Length == 3 && parts[2] is "status" or "error":
                return new WorkflowReference(text, WorkflowReferenceKind.Step, parts[1], parts[2], []);
            case "steps":
                return Bad(text, $"'${{{text}}}' names no part of a step: write ${{steps.id.result}}, ${{steps.id.result.field}}, ${{steps.id.status}} or ${{steps.id.error}}");
            default:
                return Bad(text, $"'${{{text}}}' is not a reference: write ${{inputs.name}} or ${{steps.id.result}}");
        }
    }

    private static WorkflowReference Bad(string text, string error) => new(text, WorkflowReferenceKind.Input, "", "", [], error);
}
