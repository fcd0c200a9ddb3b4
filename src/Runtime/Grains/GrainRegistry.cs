using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;

namespace FluidManager.Runtime.Grains;

/// <summary>One grain registration: its interface, its class and its stable type name.</summary>
public sealed record GrainRegistration(Type Interface, Type Implementation, string TypeName);

/// <summary>
/// Maps grain interfaces to classes and type names, and message type names to the handlers of
/// each grain class. Type names are stored in messages and reminders, so they must stay stable.
/// </summary>
public sealed class GrainRegistry
{
    private readonly FrozenDictionary<Type, GrainRegistration> _byInterface;
    private readonly FrozenDictionary<string, GrainRegistration> _byName;
    private readonly FrozenDictionary<Type, GrainRegistration> _byImplementation;
    private readonly FrozenDictionary<string, Type> _messageTypes;
    private readonly ConcurrentDictionary<(Type Grain, Type Message), Func<object, object, Task>> _handlers = new();

    public GrainRegistry(IEnumerable<GrainRegistration> registrations)
    {
        var list = registrations.ToList();
        var clash = list.GroupBy(r => r.TypeName).FirstOrDefault(g => g.Select(r => r.Implementation).Distinct().Count() > 1);
        if (clash is not null)
        {
            throw new GrainRegistrationException($"Grain type name '{clash.Key}' is registered for several classes: {string.Join(", ", clash.Select(r => r.Implementation.Name))}.");
        }

        _byInterface = list.GroupBy(r => r.Interface).ToFrozenDictionary(g => g.Key, g => g.Last());
        _byName = list.GroupBy(r => r.TypeName).ToFrozenDictionary(g => g.Key, g => g.Last());
        _byImplementation = list.GroupBy(r => r.Implementation).ToFrozenDictionary(g => g.Key, g => g.First());
        WarmTypes = list.Where(r => r.Implementation.IsDefined(typeof(WarmReadsAttribute), inherit: false)).Select(r => r.TypeName).ToFrozenSet();
        _messageTypes = list
            .SelectMany(r => r.Implementation.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IHandle<>))
            .Select(i => i.GetGenericArguments()[0])
            .Concat([typeof(ReminderTick), typeof(ActivityOutcome)])
            .Distinct()
            .ToFrozenDictionary(MessageTypeName);
    }

    public IReadOnlyCollection<GrainRegistration> Registrations => _byName.Values;

    /// <summary>Type names of the grains marked <see cref="WarmReadsAttribute"/>.</summary>
    public IReadOnlySet<string> WarmTypes { get; }

    public GrainRegistration Resolve<TGrain>() => Resolve(typeof(TGrain));

    /// <summary>Whether <paramref name="grainInterface"/> is the interface of a registered grain.</summary>
    public bool IsRegistered(Type grainInterface) => _byInterface.ContainsKey(grainInterface);

    public GrainRegistration Resolve(Type grainInterface) => _byInterface.TryGetValue(grainInterface, out var registration)
        ? registration
        : throw new GrainRegistrationException($"No grain class is registered for {grainInterface.Name}; call services.AddGrain<{grainInterface.Name}, TImplementation>().");

    public GrainRegistration Resolve(string typeName) => _byName.TryGetValue(typeName, out var registration)
        ? registration
        : throw new GrainRegistrationException($"No grain is registered under the type name '{typeName}'.");

    /// <summary>The registration of <paramref name="typeName"/>, or null when none is registered.</summary>
    public GrainRegistration? TryResolve(string typeName) => _byName.GetValueOrDefault(typeName);

    /// <summary>The registration whose class is <paramref name="implementation"/>.</summary>
    public GrainRegistration ResolveImplementation(Type implementation) => _byImplementation.TryGetValue(implementation, out var registration)
        ? registration
        : throw new GrainRegistrationException($"{implementation.Name} is not registered as a grain class; call services.AddGrain<TInterface, {implementation.Name}>().");

    /// <summary>Whether this process hosts the grain type and it takes activity outcomes.</summary>
    public bool AcceptsActivityOutcomes(string typeName) =>
        _byName.TryGetValue(typeName, out var registration) && typeof(IActivityOwner).IsAssignableFrom(registration.Implementation);

    public static string MessageTypeName(Type type) => type.FullName ?? type.Name;

    /// <summary>Turns a stored message back into the object its handler expects.</summary>
    public object DeserializeMessage(string messageType, string payload)
    {
        if (!_messageTypes.TryGetValue(messageType, out var type))
        {
            throw new GrainRegistrationException($"No grain handles messages of type '{messageType}'.");
        }

        return JsonSerializer.Deserialize(payload, type, RuntimeJson.Options)
            ?? throw new JsonException($"Message of type '{messageType}' has an empty payload.");
    }

    /// <summary>Dispatches a message to the grain's handler for its type, reminders and activity outcomes included.</summary>
    public Task DispatchAsync(object grain, object message)
    {
        var handler = _handlers.GetOrAdd((grain.GetType(), message.GetType()), static key => BuildHandler(key.Grain, key.Message));
        return handler(grain, message);
    }

    private static Func<object, object, Task> BuildHandler(Type grainType, Type messageType)
    {
        if (messageType == typeof(ReminderTick))
        {
            return typeof(IReminderTarget).IsAssignableFrom(grainType)
                ? (g, m) => ((IReminderTarget)g).ReceiveReminderAsync((ReminderTick)m)
                : throw new GrainRegistrationException($"{grainType.Name} received a reminder tick but does not implement IReminderTarget.");
        }

        if (messageType == typeof(ActivityOutcome))
        {
            return typeof(IActivityOwner).IsAssignableFrom(grainType)
                ? (g, m) => ((IActivityOwner)g).OnActivityCompletedAsync((ActivityOutcome)m)
                : throw new GrainRegistrationException($"{grainType.Name} received an activity outcome but does not implement IActivityOwner.");
        }

        var handlerInterface = typeof(IHandle<>).MakeGenericType(messageType);
        if (!handlerInterface.IsAssignableFrom(grainType))
        {
            throw new GrainRegistrationException($"{grainType.Name} does not implement IHandle<{messageType.Name}>.");
        }

        var method = handlerInterface.GetMethod(nameof(IHandle<object>.HandleAsync))!;
        return (g, m) =>
        {
            try
            {
                return (Task)method.Invoke(g, [m])!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                return Task.FromException(ex.InnerException);
            }
        };
    }
}
