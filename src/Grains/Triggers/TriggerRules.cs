using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluidManager.Grains.Workflows;

namespace FluidManager.Grains.Triggers;

/// <summary>
/// The checks of an event trigger's fields and the filling in of its templates from an event. References are
/// <c>${payload.path.to.field}</c> (the event's payload) and <c>${event.type}</c>, <c>${event.position}</c>,
/// <c>${event.stream}</c>. Pure.
/// </summary>
public static partial class TriggerRules
{
    public const int MaxEventTypeLength = 100;
    public const int MaxConditionLength = 2000;

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
    private static partial Regex EventTypePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")]
    private static partial Regex CustomNamePattern();

    [GeneratedRegex(@"^\s*\$\{[^}]*\}\s*$")]
    private static partial Regex SinglePlaceholder();

    /// <summary>An event type such as <c>task.completed</c> or <c>custom.lead_qualified</c>: lowercase dotted words.</summary>
    public static string? EventTypeError(string? type) =>
        string.IsNullOrWhiteSpace(type) ? "is required for an event trigger (such as task.completed or custom.lead_qualified)"
        : type.Length > MaxEventTypeLength || !EventTypePattern().IsMatch(type)
            ? $"'{type}' is not an event type: lowercase words joined by dots, such as task.completed or custom.lead_qualified (at most {MaxEventTypeLength} characters)"
            : null;

    /// <summary>The name of a custom event (after <c>custom.</c>): lowercase words of letters, digits and _, joined by dots.</summary>
    public static string? CustomNameError(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "is required"
        : name.Length > MaxEventTypeLength - 7 || !CustomNamePattern().IsMatch(name)
            ? $"'{name}' is not an event name: lowercase letters, digits and _, words joined by dots, such as lead_qualified (at most {MaxEventTypeLength - 7} characters)"
            : null;

    /// <summary>A condition's syntax and references, or the error.</summary>
    public static string? ConditionError(string? condition)
    {
        if (condition is null)
        {
            return null;
        }

        if (condition.Length > MaxConditionLength || string.IsNullOrWhiteSpace(condition))
        {
            return $"must be an expression of 1 to {MaxConditionLength} characters, such as ${{payload.task.priority}} == 'high'";
        }

        if (ReferenceError(condition) is { } bad)
        {
            return bad;
        }

        var errors = new WorkflowErrors();
        WorkflowCondition.Check(Scoped(condition), "condition", errors);
        return errors.Count == 0 ? null : string.Join("; ", errors.ToDictionary().SelectMany(e => e.Value));
    }

    /// <summary>The first wrong reference of a text (only payload and event may be referenced), or null.</summary>
    public static string? ReferenceError(string text)
    {
        foreach (var reference in WorkflowTemplate.References(Scoped(text)))
        {
            if (reference.Error is not null || reference.Kind != WorkflowReferenceKind.Input || reference.Name is not ("payload" or "event"))
            {
                var shown = reference.Text.Replace("inputs.", "", StringComparison.Ordinal);
                return $"'${{{shown}}}' is not a reference: write ${{payload.field}} (a path into the event's payload) or ${{event.type}}";
            }
        }

        return null;
    }

    /// <summary>The first wrong reference in the string values of a JSON template, with its path, or null.</summary>
    public static (string Path, string Error)? TemplateError(JsonNode? template, string path = "")
    {
        switch (template)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (TemplateError(value, path.Length == 0 ? key : $"{path}.{key}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (TemplateError(a[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]")) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && ReferenceError(v.GetValue<string>()) is { } error:
                return (path, error);
            default:
                return null;
        }
    }

    /// <summary>Whether the condition holds for the event (no condition: always).</summary>
    internal static bool Holds(string? condition, TriggerEvent trigger) =>
        condition is null || WorkflowCondition.Evaluate(Scoped(condition), trigger.Scope);

    /// <summary>A text with its references filled in.</summary>
    internal static string Render(string text, TriggerEvent trigger) => WorkflowTemplate.Render(Scoped(text), trigger.Scope);

    /// <summary>
    /// A JSON template with its references filled in: a string that is one reference alone takes the referenced value
    /// as it is (a number stays a number, an object an object); any other string is rendered as text.
    /// </summary>
    internal static JsonNode? Render(JsonNode? template, TriggerEvent trigger) => template switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Render(p.Value, trigger)))),
        JsonArray a => new JsonArray([.. a.Select(item => Render(item, trigger))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is var text =>
            SinglePlaceholder().IsMatch(text)
                ? WorkflowTemplate.Resolve(WorkflowTemplate.References(Scoped(text)).Single(), trigger.Scope)?.DeepClone()
                : JsonValue.Create(Render(text, trigger)),
        null => null,
        _ => template.DeepClone(),
    };

    /// <summary>${payload.x} and ${event.x} as the input references the workflow templating reads.</summary>
    private static string Scoped(string text) =>
        text.Replace("${payload", "${inputs.payload", StringComparison.Ordinal).Replace("${event", "${inputs.event", StringComparison.Ordinal);
}

/// <summary>An event as a trigger's templates see it.</summary>
internal sealed class TriggerEvent(long position, string stream, string type, JsonElement payload)
{
    public WorkflowScope Scope { get; } = new(
        new JsonObject
        {
            ["payload"] = JsonNode.Parse(payload.GetRawText()),
            ["event"] = new JsonObject { ["type"] = type, ["position"] = position, ["stream"] = stream },
        },
        new Dictionary<string, StepOutcome>());
}
