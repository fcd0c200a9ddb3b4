using System.Globalization;
using System.Text.Json;
using FluidManager.Grains.Interfaces.Tasks;

namespace FluidManager.Grains.Meetings;

/// <summary>Minutes as the synthesis wrote them, once validated.</summary>
internal sealed record ParsedMinutes(string Summary, IReadOnlyList<string> Decisions, IReadOnlyList<string> Risks, IReadOnlyList<string> OpenQuestions, IReadOnlyList<ParsedCta> CallsToAction);

internal sealed record ParsedCta(string Title, string Description, long OwnerAgentId, DateOnly? DueDate, TaskPriority Priority, string Rationale, int? Decision);

/// <summary>
/// Validates a synthesis answer against the minutes format (<c>MeetingContext.MinutesSchema</c>). Pure.
/// Either every part is valid and the minutes come back whole, or the errors come back, each naming its
/// place (<c>calls_to_action[2].owner_agent_id</c>), so the model can be told what to fix.
/// </summary>
internal static class MinutesParser
{
    public const int MaxCalls = 20;

    public static (ParsedMinutes? Minutes, IReadOnlyList<string> Errors) Parse(string? text, IReadOnlySet<long> owners, DateOnly today)
    {
        var errors = new List<string>();
        JsonElement root;
        try
        {
            var json = Extract(text ?? "");
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return (null, [$"the answer is not a JSON object ({e.Message})"]);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, ["the answer must be one JSON object"]);
        }

        var summary = Text(root, "summary", errors, required: true, max: 5000);
        var decisions = Texts(root, "decisions", errors);
        var risks = Texts(root, "risks", errors);
        var questions = Texts(root, "open_questions", errors);
        var calls = new List<ParsedCta>();
        if (!root.TryGetProperty("calls_to_action", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            errors.Add("calls_to_action: must be an array");
        }
        else if (array.GetArrayLength() > MaxCalls)
        {
            errors.Add($"calls_to_action: at most {MaxCalls} items");
        }
        else
        {
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var at = $"calls_to_action[{index++}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{at}: must be an object");
                    continue;
                }

                var before = errors.Count;
                var title = Text(item, "title", errors, required: true, max: 300, at);
                var description = Text(item, "description", errors, required: false, max: 5000, at) ?? "";
                var rationale = Text(item, "rationale", errors, required: true, max: 2000, at);
                long owner = 0;
                if (!item.TryGetProperty("owner_agent_id", out var ownerValue) || !TryLong(ownerValue, out owner))
                {
                    errors.Add($"{at}.owner_agent_id: must be the id of an agent");
                }
                else if (!owners.Contains(owner))
                {
                    errors.Add($"{at}.owner_agent_id: {owner} is not one of the candidates ({string.Join(", ", owners.Order())})");
                }

                DateOnly? due = null;
                if (item.TryGetProperty("due_date", out var dueValue) && dueValue.ValueKind != JsonValueKind.Null)
                {
                    if (dueValue.ValueKind != JsonValueKind.String
                        || !DateOnly.TryParseExact(dueValue.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    {
                        errors.Add($"{at}.due_date: must be a date written YYYY-MM-DD");
                    }
                    else if (date < today)
                    {
                        errors.Add($"{at}.due_date: {date:yyyy-MM-dd} is in the past (today is {today:yyyy-MM-dd})");
                    }
                    else
                    {
                        due = date;
                    }
                }

                var priority = TaskPriority.Normal;
                if (item.TryGetProperty("priority", out var priorityValue) && priorityValue.ValueKind != JsonValueKind.Null)
                {
                    if (priorityValue.ValueKind != JsonValueKind.String || !TryPriority(priorityValue.GetString(), out priority))
                    {
                        errors.Add($"{at}.priority: must be one of low, normal, high, urgent");
                    }
                }

                int? decision = null;
                if (item.TryGetProperty("decision", out var decisionValue) && decisionValue.ValueKind != JsonValueKind.Null)
                {
                    if (!TryLong(decisionValue, out var number) || number < 1 || number > decisions.Count)
                    {
                        errors.Add($"{at}.decision: must be the number of a decision (1 to {decisions.Count})");
                    }
                    else
                    {
                        decision = (int)number;
                    }
                }

                if (errors.Count == before)
                {
                    calls.Add(new ParsedCta(title!, description, owner, due, priority, rationale!, decision));
                }
            }
        }

        return errors.Count > 0 ? (null, errors) : (new ParsedMinutes(summary!, decisions, risks, questions, calls), []);
    }

    /// <summary>The JSON object in the answer: without code fences or text around it.</summary>
    private static string Extract(string text)
    {
        var start = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        return start >= 0 && end > start ? text[start..(end + 1)] : text;
    }

    private static string? Text(JsonElement parent, string name, List<string> errors, bool required, int max, string? at = null)
    {
        var path = at is null ? name : $"{at}.{name}";
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add($"{path}: is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path}: must be a string");
            return null;
        }

        var text = value.GetString()!.Trim();
        if (required && text.Length == 0)
        {
            errors.Add($"{path}: must not be empty");
        }
        else if (text.Length > max)
        {
            errors.Add($"{path}: must be at most {max} characters");
        }

        return text;
    }

    private static List<string> Texts(JsonElement parent, string name, List<string> errors)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{name}: must be an array of strings");
            return [];
        }

        var items = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                errors.Add($"{name}[{index}]: must be a non-empty string");
            }
            else
            {
                items.Add(item.GetString()!.Trim());
            }

            index++;
        }

        return items;
    }

    private static bool TryLong(JsonElement value, out long number)
    {
        number = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out number),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number),
            _ => false,
        };
    }

    private static bool TryPriority(string? text, out TaskPriority priority)
    {
        TaskPriority? parsed = text?.Trim().ToUpperInvariant() switch
        {
            "LOW" => TaskPriority.Low,
            "NORMAL" or "MEDIUM" => TaskPriority.Normal,
            "HIGH" => TaskPriority.High,
            "URGENT" => TaskPriority.Urgent,
            _ => null,
        };
        priority = parsed ?? TaskPriority.Normal;
        return parsed is not null;
    }
}
