using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Alerts;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

public sealed record AlertRuleRequest(bool? Enabled, int? ThresholdMinutes);

/// <summary>
/// Alert rules per company and the notification centre: the alerts they raised, newest first, read or unread,
/// with a count for the bell (kept live by the alert.fired, alert.resolved and alert.read events).
/// </summary>
public static class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/api/alerts/rules").WithTags("Alerts");

        rules.MapGet("/", ListRulesAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListAlertRules")
            .WithSummary("Every kind of alert with the company's rule (or the default): task_failed, task_blocked, approval_waiting, budget_warning (80%), budget_reached (100%), schedule_failing, dead_letter, silo_lost, trigger_failing.");

        rules.MapPut("/{kind}", SetRuleAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SetAlertRule")
            .WithSummary("Turns a kind of alert on or off and sets its threshold in minutes (blocked tasks, waiting approvals).")
            .ProducesValidationProblem();

        var notifications = app.MapGroup("/api/notifications").WithTags("Alerts");

        notifications.MapGet("/", ListAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListNotifications")
            .WithSummary("The company's alerts, newest first; unread=true keeps the unread ones, taskId those of one task.");

        notifications.MapGet("/count", CountAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("CountNotifications")
            .WithSummary("Unread alerts, and how many of them still hold.");

        notifications.MapPost("/{id:long}/read", MarkReadAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ReadNotification")
            .WithSummary("Marks one alert read; returns the new count.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        notifications.MapPost("/read-all", MarkAllReadAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("ReadAllNotifications")
            .WithSummary("Marks every alert read; returns the new count.");

        return app;
    }

    private static async Task<Ok<IReadOnlyList<AlertRuleDto>>> ListRulesAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await Alerts(grains, caller).ListRulesAsync(caller.CompanyId));

    private static async Task<Ok<AlertRuleDto>> SetRuleAsync(string kind, AlertRuleRequest request, ICompanyContext caller, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var parsed = QueryValues.Enum<AlertKind>(kind, "kind", errors);
        if (request.Enabled is null)
        {
            errors.Add("enabled", "is required");
        }

        if (request.ThresholdMinutes is null)
        {
            errors.Add("thresholdMinutes", "is required");
        }

        errors.ThrowIfAny();
        return TypedResults.Ok(await Alerts(grains, caller).SetRuleAsync(new SetAlertRuleCommand(caller.CompanyId, parsed!.Value, request.Enabled!.Value, request.ThresholdMinutes!.Value)));
    }

    private static async Task<Ok<IReadOnlyList<AlertDto>>> ListAsync(ICompanyContext caller, IGrainFactory grains, bool unread = false, long? taskId = null, int limit = 100) =>
        TypedResults.Ok(await Alerts(grains, caller).ListAsync(new ListAlertsQuery(caller.CompanyId, unread, taskId, limit)));

    private static async Task<Ok<NotificationCountDto>> CountAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await Alerts(grains, caller).CountAsync(caller.CompanyId));

    private static async Task<Ok<NotificationCountDto>> MarkReadAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await Alerts(grains, caller).MarkReadAsync(caller.CompanyId, id));

    private static async Task<Ok<NotificationCountDto>> MarkAllReadAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await Alerts(grains, caller).MarkReadAsync(caller.CompanyId, null));

    private static IAlertsGrain Alerts(IGrainFactory grains, ICompanyContext caller) => grains.GetGrain<IAlertsGrain>(caller.CompanyId);
}
