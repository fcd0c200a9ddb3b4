using System.Globalization;
using FluidManager.Grains.Alerts;
using FluidManager.Grains.Interfaces.Alerts;

namespace FluidManager.Grains.Tests;

/// <summary>The budget conditions the alert sweep evaluates: one key per month, so each fires once a month.</summary>
public sealed class AlertConditionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(7_999, new AlertKind[0])]
    [InlineData(8_000, new[] { AlertKind.BudgetWarning })]
    [InlineData(10_000, new[] { AlertKind.BudgetWarning, AlertKind.BudgetReached })]
    public void The_token_limit_warns_at_80_percent_and_is_reached_at_100(long used, AlertKind[] expected)
    {
        var conditions = AlertConditions.Tokens(10_000, used, Now, at80: true, at100: true).ToList();
        conditions.Select(c => c.Kind).Should().Equal(expected);
        conditions.Where(c => !c.Key.EndsWith(":2026-03", StringComparison.Ordinal)).Should().BeEmpty("each key names its month");
        conditions.Where(c => !c.Detail.Contains(string.Create(CultureInfo.InvariantCulture, $"{used:#,0} tokens used of 10,000 in 2026-03"), StringComparison.Ordinal)).Should().BeEmpty();
    }

    [Fact]
    public void Token_and_usd_conditions_have_keys_of_their_own_so_one_never_resolves_the_other()
    {
        var tokens = AlertConditions.Tokens(100, 100, Now, at80: true, at100: true).Select(c => c.Key);
        var usd = AlertConditions.Budget(1m, 1m, Now, at80: true, at100: true).Select(c => c.Key);
        tokens.Should().HaveCount(2).And.NotIntersectWith(usd);
    }

    [Fact]
    public void No_limit_or_a_rule_switched_off_gives_no_condition()
    {
        AlertConditions.Tokens(null, 5_000, Now, at80: true, at100: true).Should().BeEmpty();
        AlertConditions.Tokens(0, 5_000, Now, at80: true, at100: true).Should().BeEmpty();
        AlertConditions.Tokens(1_000, 5_000, Now, at80: false, at100: true).Select(c => c.Kind).Should().Equal(AlertKind.BudgetReached);
    }
}
