using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NCalc;
using NCalc.Exceptions;

namespace FluidManager.Grains.Workflows;

/// <summary>
/// A step's <c>if</c> (and a trigger's condition): an NCalc expression whose <c>${...}</c> references are bound as
/// parameters, never pasted into the text. <c>${inputs.budget} &gt; 500 &amp;&amp; ${steps.analyse.result.demand} == 'high'</c>.
/// </summary>
internal static class WorkflowCondition
{
    /// <summary>Parses the expression (references bound to placeholders) and records a syntax error under <paramref name="field"/>.</summary>
    public static void Check(string condition, string field, WorkflowErrors errors)
    {
        if (string.IsNullOrWhiteSpace(condition))
        {
            errors.Add(field, "must not be empty");
            return;
        }

        var expression = new Expression(Parameterised(condition, out _), ExpressionOptions.NoCache);
        if (expression.HasErrors())
        {
            errors.Add(field, $"is not a valid condition: {expression.Error?.Message}");
        }
    }

    /// <summary>Whether the condition holds in <paramref name="scope"/>; a condition that does not give true or false is an error.</summary>
    public static bool Evaluate(string condition, WorkflowScope scope)
    {
        var expression = new Expression(Parameterised(condition, out var references), ExpressionOptions.NoCache);
        foreach (var (name, reference) in references)
        {
            expression.Parameters[name] = Value(WorkflowTemplate.Resolve(reference, scope));
        }

        try
        {
            return expression.Evaluate() switch
            {
                bool b => b,
                var other => throw new WorkflowConditionException($"the condition '{condition}' gives {other ?? "nothing"}, not true or false"),
            };
        }
        catch (NCalcException ex)
        {
            throw new WorkflowConditionException($"the condition '{condition}' cannot be evaluated: {ex.Message}", ex);
        }
    }

    /// <summary>Evaluates a condition over an event payload: its references are <c>${payload.x.y}</c>.</summary>
    public static bool EvaluateOn(string condition, JsonNode? payload) =>
        Evaluate(condition.Replace("${payload", "${inputs.payload", StringComparison.Ordinal), new WorkflowScope(new JsonObject { ["payload"] = payload?.DeepClone() }, new Dictionary<string, StepOutcome>()));

    private static string Parameterised(string condition, out Dictionary<string, WorkflowReference> references)
    {
        var found = new Dictionary<string, WorkflowReference>(StringComparer.Ordinal);
        var text = WorkflowTemplate.Parameterise(condition, reference =>
        {
            var name = "p" + found.Count.ToString(CultureInfo.InvariantCulture);
            found[name] = reference;
            return name;
        });
        references = found;
        return text;
    }

    private static object? Value(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => JsonElement.Parse(v.ToJsonString()) is var n && n.TryGetInt64(out var l) ? l : n.GetDouble(),
            _ => null,
        },
        _ => node.ToJsonString(),
    };
}

/// <summary>A condition that cannot be evaluated to true or false.</summary>
internal sealed class WorkflowConditionException(string message, Exception? inner = null) : Exception(message, inner);
