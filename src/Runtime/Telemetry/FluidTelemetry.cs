using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using FluidManager.Runtime.Grains;

namespace FluidManager.Runtime.Telemetry;

/// <summary>
/// Puts the background work of one grain, wherever it runs, into one trace: for a grain class marked
/// <c>[TraceGroup("task")]</c>, every activity it schedules (model calls, tool calls, ingestion)
/// runs under a trace whose id is derived from the group and the grain's key, so a task's steps
/// line up in one trace across silos and restarts without storing any trace context.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TraceGroupAttribute(string group) : Attribute
{
    public string Group { get; } = group;
}

/// <summary>The product's activity sources and meter, and the trace of a grain group.</summary>
public static class FluidTelemetry
{
    /// <summary>Prefix of every source and meter the product emits; hosts subscribe to <c>FluidManager.*</c>.</summary>
    public const string Prefix = "FluidManager";

    /// <summary>Spans of grain turns and of activities (the slow work: model, tool and ingestion calls).</summary>
    public static readonly ActivitySource Work = new($"{Prefix}.Work");

    /// <summary>The product's own instruments.</summary>
    public static readonly Meter Meter = new($"{Prefix}.Runtime");

    internal static readonly Counter<long> TurnsCounter = Meter.CreateCounter<long>("fm.turns", "{turn}", "Grain turns run, by grain type and outcome.");

    internal static readonly Histogram<double> TurnDuration = Meter.CreateHistogram<double>("fm.turn.duration", "s", "Duration of grain turns, transaction included.");

    internal static readonly Histogram<double> ActivityDuration = Meter.CreateHistogram<double>("fm.activity.duration", "s", "Duration of activity attempts, by kind and outcome.");

    private static readonly ConcurrentDictionary<Type, string?> Groups = new();

    /// <summary>The trace group of a grain class, if it has one.</summary>
    public static string? GroupOf(Type grainClass) => Groups.GetOrAdd(grainClass, static t => t.GetCustomAttribute<TraceGroupAttribute>()?.Group);

    /// <summary>The synthetic root of the trace of <paramref name="group"/> <paramref name="key"/> (e.g. task 42).</summary>
    public static ActivityContext TraceOf(string group, string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{group}/{key}"), hash);
        return new ActivityContext(ActivityTraceId.CreateFromBytes(hash[..16]), ActivitySpanId.CreateFromBytes(hash[16..24]), ActivityTraceFlags.Recorded, isRemote: true);
    }

    internal static ActivityContext? TraceOf(GrainRegistry registry, GrainKey grain)
    {
        var registration = registry.TryResolve(grain.Type);
        return registration is not null && GroupOf(registration.Implementation) is { } group ? TraceOf(group, grain.Key) : null;
    }
}
