using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluidManager.Grains.Workflows;

/// <summary>The inputs a run (or a preview) is given, checked against the template's declared inputs, with defaults filled in.</summary>
internal static class WorkflowInputs
{
    /// <summary>Binds <paramref name="given"/> (an object, or nothing) to the declared inputs; each problem is named <c>inputs.name</c>.</summary>
    public static JsonObject Bind(WorkflowDefinition definition, JsonElement? given, WorkflowErrors errors)
    {
        var bound = new JsonObject();
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (given is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } element)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add("inputs", "must be an object of input name → value");
                return bound;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (definition.Inputs.All(i => i.Name != property.Name))
                {
                    errors.Add($"inputs.{property.Name}", "is not an input of this workflow");
                }
                else
                {
                    values[property.Name] = property.Value;
                }
            }
        }

        foreach (var input in definition.Inputs)
        {
            if (values.TryGetValue(input.Name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                if (!WorkflowDefinition.Matches(input.Type, value))
                {
                    errors.Add($"inputs.{input.Name}", $"must be of type {WorkflowDefinition.Name(input.Type)}");
                }

                bound[input.Name] = JsonNode.Parse(value.GetRawText());
            }
            else if (input.Default is not null)
            {
                bound[input.Name] = input.Default.DeepClone();
            }
            else if (input.Required)
            {
                errors.Add($"inputs.{input.Name}", "is required");
            }
            else
            {
                bound[input.Name] = null;
            }
        }

        return bound;
    }
}
