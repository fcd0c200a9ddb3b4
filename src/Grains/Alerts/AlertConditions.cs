using FluidManager.Grains.Interfaces.Alerts;

namespace FluidManager.Grains.Alerts;

/// <summary>The default rule of each kind, and what a condition is. Pure.</summary>
internal static class AlertConditions
{
    public sealed record Condition(AlertKind Kind, string Key, long? TaskId, string Subject, string Detail);

    /// <summary>Every kind is on by default; blocked tasks after 30 minutes, approvals after an hour.</summary>
    public static AlertRuleDto Default(AlertKind kind) => new(kind, Enabled: true, ThresholdMinutes: kind switch
    {
        AlertKind.TaskBlocked => 30,
        AlertKind.ApprovalWaiting => 60,
        _ => 0,
    }, IsDefault: true);

    /// <summary>The budget conditions for this month's spend against the monthly limit (none without a positive limit).</summary>
    public static IEnumerable<Condition> Budget(decimal? limit, decimal spent, DateTimeOffset now, bool at80, bool at100)
    {
        if (limit is not > 0)
        {
            yield break;
        }

        var month = now.ToUniversalTime().ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var detail = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{spent:0.####} USD spent of {limit:0.####} USD in {month}.");
        if (at80 && spent >= limit.Value * 0.8m)
        {
            yield return new Condition(AlertKind.BudgetWarning, $"budget_warning:{month}", null, "Monthly budget at 80%", detail);
        }

        if (at100 && spent >= limit.Value)
        {
            yield return new Condition(AlertKind.BudgetReached, $"budget_reached:{month}", null, "Monthly budget reached", detail);
        }
    }

    /// <summary>The same conditions for this month's tokens against the company's monthly token limit.</summary>
    public static IEnumerable<Condition> Tokens(long? limit, long used, DateTimeOffset now, bool at80, bool at100)
    {
        if (limit is not > 0)
        {
            yield break;
        }

        var month = now.ToUniversalTime().ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var detail = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{used:#,0} tokens used of {limit:#,0} in {month}.");
        if (at80 && used >= limit.Value * 0.8m)
        {
            yield return new Condition(AlertKind.BudgetWarning, $"token_limit_warning:{month}", null, "Monthly token limit at 80%", detail);
        }

        if (at100 && used >= limit.Value)
        {
            yield return new Condition(AlertKind.BudgetReached, $"token_limit_reached:{month}", null, "Monthly token limit reached", detail);
        }
    }
}
