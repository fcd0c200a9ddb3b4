using System.Diagnostics;
using FluidManager.Runtime.Telemetry;
using Microsoft.Extensions.Logging;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Runs every call on a <see cref="DurableGrain"/> activation as a turn: a transaction that takes
/// the grain's advisory lock, the call, then the commit. Deadlocks and serialisation failures run
/// the call again in a new transaction. When the transaction fails for any other reason than the
/// grain's own refusal, the activation is deactivated, so no state of the failed turn survives.
/// </summary>
internal sealed class TurnCallFilter(GrainTransactions executor, GrainRegistry registry, ILogger<TurnCallFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext call)
    {
        if (call.Grain is not DurableGrain grain || grain.Turn is not ActivationTurnContext activation || call.InterfaceMethod.DeclaringType == typeof(IWarmStateTarget))
        {
            await call.Invoke();
            return;
        }

        var readOnly = GrainMethods.IsReadOnly(call.InterfaceMethod);
        var id = new GrainKey(registry.ResolveImplementation(grain.GetType()).TypeName, call.TargetId.Key.ToString()!);
        var succeeded = false;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var span = StartSpan(id, grain.GetType(), call.InterfaceMethod.Name, readOnly);
        try
        {
            await executor.RunActivationTurnAsync(id, readOnly, CallerContext.Actor, MessagesDelivered(call), async turn =>
            {
                activation.Enter(turn);
                try
                {
                    await call.Invoke();
                }
                finally
                {
                    activation.Leave();
                }
            });
            succeeded = true;
        }
        catch (Exception ex) when (GrainTransactions.IsInfrastructureFailure(ex))
        {
            Log.TurnFailed(logger, id.ToString(), ex.Message);
            call.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, ex, "The turn's transaction failed; no state of it may survive."));
            throw;
        }
        finally
        {
            var outcome = succeeded ? "committed" : "failed";
            span?.SetTag("fm.turn.outcome", outcome);
            FluidTelemetry.TurnsCounter.Add(1, new("fm.grain.type", id.Type), new("outcome", outcome));
            FluidTelemetry.TurnDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, new("fm.grain.type", id.Type), new("read_only", readOnly));

            // A write changed the rows behind the memory (or, rolled back, may have left it half-changed).
            if (!readOnly || !succeeded)
            {
                grain.DropWarmState();
            }
        }
    }

    /// <summary>The ids of the messages a delivery call carries (taken from the queue with the grain's lock), or null for any other call.</summary>
    private static long[]? MessagesDelivered(IIncomingGrainCallContext call)
    {
        if (call.InterfaceMethod.DeclaringType != typeof(Messaging.IMessageTarget))
        {
            return null;
        }

        return call.Request.GetArgument(0) switch
        {
            Messaging.DeliveredMessage one => [one.Id],
            Messaging.DeliveredMessage[] many => [.. many.Select(m => m.Id)],
            _ => null,
        };
    }

    /// <summary>A span for the turn, linked to the trace of the grain's group (a task's trace) when it has one.</summary>
    private static Activity? StartSpan(GrainKey id, Type grainClass, string method, bool readOnly)
    {
        if (!FluidTelemetry.Work.HasListeners())
        {
            return null;
        }

        var group = FluidTelemetry.GroupOf(grainClass) is { } name ? FluidTelemetry.TraceOf(name, id.Key) : (ActivityContext?)null;
        var span = FluidTelemetry.Work.StartActivity(
            $"turn {id.Type}.{method}", ActivityKind.Internal, parentContext: default, links: group is { } g ? [new ActivityLink(g)] : null);
        span?.SetTag("fm.grain", id.ToString());
        span?.SetTag("fm.turn.read_only", readOnly);
        return span;
    }
}
