using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Alerts;

/// <summary>The company's alert rules and alerts (key = company id); the alert sweep calls <see cref="EvaluateAsync"/>.</summary>
[Alias("fm.IAlertsGrain")]
public interface IAlertsGrain : IGrainWithStringKey
{
    /// <summary>Every kind's rule, stored or default.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<AlertRuleDto>> ListRulesAsync(long companyId);

    Task<AlertRuleDto> SetRuleAsync(SetAlertRuleCommand command);

    /// <summary>Fires an alert for each condition that holds and has none open; resolves open alerts whose condition cleared.</summary>
    Task EvaluateAsync(long companyId);

    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<AlertDto>> ListAsync(ListAlertsQuery query);

    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<NotificationCountDto> CountAsync(long companyId);

    /// <summary>Marks one alert read (null: all of them); returns the new count.</summary>
    Task<NotificationCountDto> MarkReadAsync(long companyId, long? alertId);
}
