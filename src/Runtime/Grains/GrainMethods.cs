using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;

namespace FluidManager.Runtime.Grains;

/// <summary>What the runtime reads from a grain interface method's attributes, once per method.</summary>
internal static class GrainMethods
{
    private static readonly ConcurrentDictionary<MethodInfo, bool> ReadOnlyMethods = new();

    /// <summary>Whether the method is marked <c>[ReadOnly(true)]</c>: it takes no lock and writes nothing.</summary>
    public static bool IsReadOnly(MethodInfo method) =>
        ReadOnlyMethods.GetOrAdd(method, static m => m.GetCustomAttribute<ReadOnlyAttribute>()?.IsReadOnly == true);
}
