using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace FluidManager.Grains.Workflows;

/// <summary>The type of a workflow input.</summary>
internal enum WorkflowInputType
{
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
}

/// <summary>What a run does when a step has failed its last attempt.</summary>
internal enum StepFailurePolicy
{
    /// <summary>The run fails; its open steps are cancelled.</summary>
    Fail,

    /// <summary>The step stays failed; the steps that require it still run and the run can finish.</summary>
    Continue,

    /// <summary>The compensation step named by <c>compensateWith</c> runs, then the run fails.</summary>
    Compensate,
}

internal sealed record WorkflowInput(string Name, WorkflowInputType Type, bool Required, JsonNode? Default, string? Description);

/// <summary>Who does a step: one agent by id, or the agent the hierarchy policy picks for a role or a department.</summary>
internal sealed record StepAgent(long? Id, string? Role, string? Department);

internal sealed record StepRetries(int Max, int BackoffSeconds)
{
    public static readonly StepRetries None = new(0, 0);

    /// <summary>The wait before attempt <paramref name="attempt"/> (2 is the first retry): the backoff doubles each time.</summary>
    public TimeSpan DelayBefore(int attempt) =>
        attempt <= 1 || BackoffSeconds == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(BackoffSeconds * Math.Pow(2, Math.Min(attempt - 2, 16)));
}

internal sealed record WorkflowStep(
    string Id,
    StepAgent Agent,
    string Title,
    string Brief,
    IReadOnlyList<string> Requires,
    string? If,
    StepRetries Retries,
    int? TimeoutMinutes,
    StepFailurePolicy OnFailure,
    string? CompensateWith,
    JsonSchema? OutputSchema,
    JsonNode? OutputSchemaJson)
{
    /// <summary>Whether this step only runs to compensate another one's failure.</summary>
    public bool IsCompensation { get; init; }
}

/// <summary>
/// A parsed, validated workflow template: inputs with types and defaults, and steps forming an acyclic
/// graph through <c>requires</c>. <see cref="Parse"/> names every problem by its field path.
/// </summary>
internal sealed partial record WorkflowDefinition(string? Description, IReadOnlyList<WorkflowInput> Inputs, IReadOnlyList<WorkflowStep> Steps)
{
    public const int MaxSteps = 100;

    public WorkflowStep Step(string id) => Steps.First(s => s.Id == id);

    /// <summary>Every step <paramref name="id"/> depends on, directly or not.</summary>
    public IReadOnlySet<string> Ancestors(string id)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(Step(id).Requires);
        while (stack.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var r in Step(next).Requires)
                {
                    stack.Push(r);
                }
            }
        }

        return seen;
    }

    /// <summary>Reads and checks a definition; the errors name their field, e.g. <c>steps[2].requires[0]</c>.</summary>
    public static WorkflowDefinition Parse(JsonElement json, WorkflowErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add("", "must be a JSON object with inputs and steps");
            return new WorkflowDefinition(null, [], []);
        }

        foreach (var property in json.EnumerateObject())
        {
            if (property.Name is not ("description" or "inputs" or "steps"))
            {
                errors.Add(property.Name, "is not a workflow field (description, inputs, steps)");
            }
        }

        var description = OptionalString(json, "description", "description", 2000, errors);
        var inputs = ParseInputs(json, errors);
        var steps = ParseSteps(json, errors);
        var definition = new WorkflowDefinition(description, inputs, steps);
        if (steps.Count > 0)
        {
            definition = CheckGraph(definition, errors);
        }

        return definition;
    }

    private static List<WorkflowInput> ParseInputs(JsonElement json, WorkflowErrors errors)
    {
        var inputs = new List<WorkflowInput>();
        if (!json.TryGetProperty("inputs", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return inputs;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("inputs", "must be an object of input name → { type, default, required, description }");
            return inputs;
        }

        foreach (var property in element.EnumerateObject())
        {
            var field = $"inputs.{property.Name}";
            if (!IdPattern().IsMatch(property.Name))
            {
                errors.Add(field, "an input name is letters, digits, '_' or '-', starting with a letter (at most 64)");
                continue;
            }

            var spec = property.Value;
            if (spec.ValueKind != JsonValueKind.Object)
            {
                errors.Add(field, "must be an object such as { \"type\": \"string\" }");
                continue;
            }

            foreach (var p in spec.EnumerateObject())
            {
                if (p.Name is not ("type" or "default" or "required" or "description"))
                {
                    errors.Add($"{field}.{p.Name}", "is not an input field (type, default, required, description)");
                }
            }

            var type = WorkflowInputType.String;
            if (!spec.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String
                || !Enum.GetValues<WorkflowInputType>().Any(t => Name(t) == typeElement.GetString() && (type = t) == t))
            {
                errors.Add($"{field}.type", "must be one of string, number, integer, boolean, object, array");
                continue;
            }

            JsonNode? defaultValue = null;
            if (spec.TryGetProperty("default", out var d) && d.ValueKind != JsonValueKind.Null)
            {
                if (!Matches(type, d))
                {
                    errors.Add($"{field}.default", $"must be of type {Name(type)}");
                }

                defaultValue = JsonNode.Parse(d.GetRawText());
            }

            var required = false;
            if (spec.TryGetProperty("required", out var r))
            {
                if (r.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    required = r.GetBoolean();
                }
                else
                {
                    errors.Add($"{field}.required", "must be true or false");
                }
            }

            if (required && defaultValue is not null)
            {
                errors.Add($"{field}.required", "an input with a default is not required");
            }

            inputs.Add(new WorkflowInput(property.Name, type, required, defaultValue, OptionalString(spec, "description", $"{field}.description", 1000, errors)));
        }

        return inputs;
    }

    private static List<WorkflowStep> ParseSteps(JsonElement json, WorkflowErrors errors)
    {
        var steps = new List<WorkflowStep>();
        if (!json.TryGetProperty("steps", out var element) || element.ValueKind != JsonValueKind.Array)
        {
            errors.Add("steps", "is required: an array of steps");
            return steps;
        }

        var count = element.GetArrayLength();
        if (count == 0 || count > MaxSteps)
        {
            errors.Add("steps", $"must hold between 1 and {MaxSteps} steps");
            return steps;
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var field = $"steps[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(field, "must be an object");
                steps.Add(Placeholder(field));
                continue;
            }

            steps.Add(ParseStep(item, field, errors));
        }

        return steps;
    }

    private static readonly HashSet<string> StepFields =
        ["id", "agent", "title", "brief", "requires", "if", "retries", "timeoutMinutes", "onFailure", "compensateWith", "output"];

    private static WorkflowStep ParseStep(JsonElement item, string field, WorkflowErrors errors)
    {
        foreach (var p in item.EnumerateObject())
        {
            if (!StepFields.Contains(p.Name))
            {
                errors.Add($"{field}.{p.Name}", $"is not a step field ({string.Join(", ", StepFields)})");
            }
        }

        var id = OptionalString(item, "id", $"{field}.id", 64, errors);
        if (id is null)
        {
            errors.Add($"{field}.id", "is required");
            id = field;
        }
        else if (!IdPattern().IsMatch(id))
        {
            errors.Add($"{field}.id", "a step id is letters, digits, '_' or '-', starting with a letter (at most 64)");
        }

        var title = OptionalString(item, "title", $"{field}.title", 300, errors);
        if (string.IsNullOrWhiteSpace(title))
        {
            errors.Add($"{field}.title", "is required");
        }

        var brief = OptionalString(item, "brief", $"{field}.brief", 20000, errors) ?? "";
        var agent = ParseAgent(item, field, errors);
        var requires = new List<string>();
        if (item.TryGetProperty("requires", out var req) && req.ValueKind != JsonValueKind.Null)
        {
            if (req.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{field}.requires", "must be an array of step ids");
            }
            else
            {
                var i = 0;
                foreach (var r in req.EnumerateArray())
                {
                    if (r.ValueKind != JsonValueKind.String)
                    {
                        errors.Add($"{field}.requires[{i}]", "must be a step id");
                    }
                    else if (requires.Contains(r.GetString()!))
                    {
                        errors.Add($"{field}.requires[{i}]", $"step '{r.GetString()}' is listed twice");
                    }
                    else
                    {
                        requires.Add(r.GetString()!);
                    }

                    i++;
                }
            }
        }

        var condition = OptionalString(item, "if", $"{field}.if", 2000, errors);
        if (condition is not null)
        {
            WorkflowCondition.Check(condition, $"{field}.if", errors);
        }

        var retries = StepRetries.None;
        if (item.TryGetProperty("retries", out var ret) && ret.ValueKind != JsonValueKind.Null)
        {
            var max = OptionalInt(ret, "max", $"{field}.retries.max", 0, 10, errors);
            var backoff = OptionalInt(ret, "backoffSeconds", $"{field}.retries.backoffSeconds", 0, 86400, errors);
            if (ret.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{field}.retries", "must be an object such as { \"max\": 2, \"backoffSeconds\": 30 }");
            }

            retries = new StepRetries(max ?? 0, backoff ?? 0);
        }

        var timeout = OptionalInt(item, "timeoutMinutes", $"{field}.timeoutMinutes", 1, 10080, errors);
        var onFailure = StepFailurePolicy.Fail;
        var policy = OptionalString(item, "onFailure", $"{field}.onFailure", 20, errors);
        if (policy is not null)
        {
            if (TryPolicy(policy, out var parsed))
            {
                onFailure = parsed;
            }
            else
            {
                errors.Add($"{field}.onFailure", "must be one of fail, continue, compensate");
            }
        }

        var compensateWith = OptionalString(item, "compensateWith", $"{field}.compensateWith", 64, errors);
        if (onFailure == StepFailurePolicy.Compensate && compensateWith is null)
        {
            errors.Add($"{field}.compensateWith", "is required when onFailure is compensate: the id of the step that undoes this one");
        }
        else if (onFailure != StepFailurePolicy.Compensate && compensateWith is not null)
        {
            errors.Add($"{field}.compensateWith", "is only read when onFailure is compensate");
        }

        var (schema, schemaJson) = ParseOutput(item, field, errors);
        return new WorkflowStep(id, agent, title ?? "", brief, requires, condition, retries, timeout, onFailure, compensateWith, schema, schemaJson);
    }

    private static StepAgent ParseAgent(JsonElement item, string field, WorkflowErrors errors)
    {
        if (!item.TryGetProperty("agent", out var agent) || agent.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{field}.agent", "is required: { \"id\": 12 }, { \"role\": \"...\" } or { \"department\": \"...\" }");
            return new StepAgent(null, null, null);
        }

        long? id = null;
        string? role = null, department = null;
        var given = 0;
        foreach (var p in agent.EnumerateObject())
        {
            switch (p.Name)
            {
                case "id" when p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out var value) && value > 0:
                    id = value;
                    given++;
                    break;
                case "id":
                    errors.Add($"{field}.agent.id", "must be a positive agent id");
                    given++;
                    break;
                case "role" or "department" when p.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(p.Value.GetString()) && p.Value.GetString()!.Length <= 200:
                    if (p.Name == "role")
                    {
                        role = p.Value.GetString()!.Trim();
                    }
                    else
                    {
                        department = p.Value.GetString()!.Trim();
                    }

                    given++;
                    break;
                case "role" or "department":
                    errors.Add($"{field}.agent.{p.Name}", "must be a non-empty text of at most 200 characters");
                    given++;
                    break;
                default:
                    errors.Add($"{field}.agent.{p.Name}", "is not an agent field (id, role, department)");
                    break;
            }
        }

        if (given != 1)
        {
            errors.Add($"{field}.agent", "needs exactly one of id, role or department");
        }

        return new StepAgent(id, role, department);
    }

    private static (JsonSchema?, JsonNode?) ParseOutput(JsonElement item, string field, WorkflowErrors errors)
    {
        if (!item.TryGetProperty("output", out var output) || output.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (output.ValueKind != JsonValueKind.Object || !output.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{field}.output", "must be { \"schema\": { ...a JSON Schema... } }");
            return (null, null);
        }

        foreach (var p in output.EnumerateObject())
        {
            if (p.Name != "schema")
            {
                errors.Add($"{field}.output.{p.Name}", "is not an output field (schema)");
            }
        }

        try
        {
            var meta = MetaSchemas.Draft202012.Evaluate(schema, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!meta.IsValid)
            {
                var problems = (meta.Details ?? []).Where(d => d.Errors is not null)
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
                    .DefaultIfEmpty("it does not match the JSON Schema 2020-12 meta-schema");
                errors.Add($"{field}.output.schema", $"is not a valid JSON Schema: {string.Join("; ", problems.Take(3))}");
                return (null, null);
            }

            // Each schema gets its own registry: a definition's $id never clashes with another company's.
            var built = JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            return (built, JsonNode.Parse(schema.GetRawText()));
        }
        catch (Exception ex) when (ex is JsonException or JsonSchemaException or ArgumentException or InvalidOperationException)
        {
            errors.Add($"{field}.output.schema", $"is not a valid JSON Schema: {ex.Message}");
            return (null, null);
        }
    }

    /// <summary>Unique ids, known references, no cycles, compensations that stand apart; templates that name known things.</summary>
    private static WorkflowDefinition CheckGraph(WorkflowDefinition definition, WorkflowErrors errors)
    {
        var steps = definition.Steps;
        var indexById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            if (!indexById.TryAdd(steps[i].Id, i) && !steps[i].Id.StartsWith("steps[", StringComparison.Ordinal))
            {
                errors.Add($"steps[{i}].id", $"step id '{steps[i].Id}' is already used by steps[{indexById[steps[i].Id]}]");
            }
        }

        var referencesOk = true;
        for (var i = 0; i < steps.Count; i++)
        {
            for (var j = 0; j < steps[i].Requires.Count; j++)
            {
                var required = steps[i].Requires[j];
                if (required == steps[i].Id)
                {
                    errors.Add($"steps[{i}].requires[{j}]", "a step cannot require itself");
                    referencesOk = false;
                }
                else if (!indexById.ContainsKey(required))
                {
                    errors.Add($"steps[{i}].requires[{j}]", $"unknown step '{required}'");
                    referencesOk = false;
                }
            }

            if (steps[i].CompensateWith is { } compensation)
            {
                if (!indexById.TryGetValue(compensation, out var c))
                {
                    errors.Add($"steps[{i}].compensateWith", $"unknown step '{compensation}'");
                    referencesOk = false;
                }
                else if (c == i)
                {
                    errors.Add($"steps[{i}].compensateWith", "a step cannot compensate itself");
                    referencesOk = false;
                }
            }
        }

        if (!referencesOk || indexById.Count != steps.Count)
        {
            return definition;
        }

        if (FindCycle(steps, indexById) is { } cycle)
        {
            errors.Add($"steps[{indexById[cycle[0]]}].requires", $"the steps form a cycle: {string.Join(" → ", cycle)}");
            return definition;
        }

        var compensations = steps.Where(s => s.CompensateWith is not null).Select(s => s.CompensateWith!).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            if (compensations.Contains(steps[i].Id) && steps[i].OnFailure == StepFailurePolicy.Compensate)
            {
                errors.Add($"steps[{i}].onFailure", "a compensation step cannot itself be compensated");
            }

            for (var j = 0; j < steps[i].Requires.Count; j++)
            {
                if (compensations.Contains(steps[i].Requires[j]))
                {
                    errors.Add($"steps[{i}].requires[{j}]", $"step '{steps[i].Requires[j]}' is a compensation step: it runs only when another step fails, so no step can require it");
                }
            }
        }

        var marked = steps.Select(s => compensations.Contains(s.Id) ? s with { IsCompensation = true } : s).ToList();
        definition = definition with { Steps = marked };
        var inputs = definition.Inputs.Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < marked.Count; i++)
        {
            var step = marked[i];
            var visible = definition.Ancestors(step.Id).ToHashSet(StringComparer.Ordinal);
            if (step.IsCompensation)
            {
                // A compensation may read the steps it compensates (and what they could read).
                foreach (var compensated in marked.Where(s => s.CompensateWith == step.Id))
                {
                    visible.Add(compensated.Id);
                    visible.UnionWith(definition.Ancestors(compensated.Id));
                }
            }

            CheckReferences(WorkflowTemplate.References(step.Title), $"steps[{i}].title", inputs, visible, indexById, errors);
            CheckReferences(WorkflowTemplate.References(step.Brief), $"steps[{i}].brief", inputs, visible, indexById, errors);
            if (step.If is not null)
            {
                CheckReferences(WorkflowTemplate.References(step.If), $"steps[{i}].if", inputs, visible, indexById, errors);
            }
        }

        return definition;
    }

    private static void CheckReferences(IEnumerable<WorkflowReference> references, string field, HashSet<string> inputs, HashSet<string> visible, Dictionary<string, int> steps, WorkflowErrors errors)
    {
        foreach (var reference in references)
        {
            switch (reference)
            {
                case { Error: { } error }:
                    errors.Add(field, error);
                    break;
                case { Kind: WorkflowReferenceKind.Input } when !inputs.Contains(reference.Name):
                    errors.Add(field, $"unknown input '{reference.Name}'");
                    break;
                case { Kind: WorkflowReferenceKind.Step } when !steps.ContainsKey(reference.Name):
                    errors.Add(field, $"unknown step '{reference.Name}'");
                    break;
                case { Kind: WorkflowReferenceKind.Step } when !visible.Contains(reference.Name):
                    errors.Add(field, $"step '{reference.Name}' is not among this step's requirements, so its result is not known yet");
                    break;
            }
        }
    }

    /// <summary>A cycle as the ids along it (first repeated at the end), or null.</summary>
    private static List<string>? FindCycle(IReadOnlyList<WorkflowStep> steps, Dictionary<string, int> indexById)
    {
        var state = new int[steps.Count]; // 0 new, 1 on the path, 2 done
        var path = new List<string>();
        List<string>? Visit(int i)
        {
            state[i] = 1;
            path.Add(steps[i].Id);
            foreach (var r in steps[i].Requires)
            {
                var j = indexById[r];
                if (state[j] == 1)
                {
                    var start = path.IndexOf(r);
                    return [.. path[start..], r];
                }

                if (state[j] == 0 && Visit(j) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[i] = 2;
            return null;
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (state[i] == 0 && Visit(i) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    public static bool Matches(WorkflowInputType type, JsonElement value) => type switch
    {
        WorkflowInputType.String => value.ValueKind == JsonValueKind.String,
        WorkflowInputType.Number => value.ValueKind == JsonValueKind.Number,
        WorkflowInputType.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        WorkflowInputType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        WorkflowInputType.Object => value.ValueKind == JsonValueKind.Object,
        WorkflowInputType.Array => value.ValueKind == JsonValueKind.Array,
        _ => false,
    };

    public static string Name(WorkflowInputType type) => type.ToString().ToLowerInvariant();

    private static bool TryPolicy(string text, out StepFailurePolicy policy)
    {
        StepFailurePolicy? found = text switch
        {
            "fail" => StepFailurePolicy.Fail,
            "continue" => StepFailurePolicy.Continue,
            "compensate" => StepFailurePolicy.Compensate,
            _ => null,
        };
        policy = found ?? StepFailurePolicy.Fail;
        return found is not null;
    }

    private static string? OptionalString(JsonElement json, string name, string field, int max, WorkflowErrors errors)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, "must be a text");
            return null;
        }

        var text = value.GetString()!;
        if (text.Length > max)
        {
            errors.Add(field, $"must be at most {max} characters");
        }

        return text;
    }

    private static int? OptionalInt(JsonElement json, string name, string field, int min, int max, WorkflowErrors errors)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
        {
            errors.Add(field, $"must be a whole number between {min} and {max}");
            return null;
        }

        return number;
    }

    private static WorkflowStep Placeholder(string field) =>
        new(field, new StepAgent(null, null, null), "", "", [], null, StepRetries.None, null, StepFailurePolicy.Fail, null, null, null);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    private static partial System.Text.RegularExpressions.Regex IdPattern();
}

/// <summary>The errors found in a definition, in the order met, each under its field path.</summary>
internal sealed class WorkflowErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public int Count => _errors.Count;

    public void Add(string field, string error)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        if (!list.Contains(error))
        {
            list.Add(error);
        }
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void ThrowIfAny(string prefix = "")
    {
        if (_errors.Count > 0)
        {
            throw new Interfaces.Errors.ValidationException(_errors.ToDictionary(e => prefix + e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
