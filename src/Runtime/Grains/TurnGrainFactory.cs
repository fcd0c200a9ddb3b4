using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace FluidManager.Runtime.Grains;

/// <summary>Hands out proxies whose method calls become turns run by the <see cref="TurnExecutor"/>.</summary>
public sealed class TurnGrainFactory(GrainRegistry registry, TurnExecutor executor) : ITurnGrainFactory
{
    public TGrain GetGrain<TGrain>(string key) where TGrain : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var registration = registry.Resolve<TGrain>();
        var proxy = DispatchProxy.Create<TGrain, TurnGrainProxy>();
        ((TurnGrainProxy)(object)proxy).Initialize(new GrainKey(registration.TypeName, key), registration, executor);
        return proxy;
    }

    public TGrain GetGrain<TGrain>(long key) where TGrain : class => GetGrain<TGrain>(key.ToString(CultureInfo.InvariantCulture));

    public TGrain GetGrain<TGrain>(Guid key) where TGrain : class => GetGrain<TGrain>(key.ToString("N"));
}

/// <summary>The proxy behind every grain reference; not for direct use.</summary>
public class TurnGrainProxy : DispatchProxy
{
    private static readonly ConcurrentDictionary<MethodInfo, Func<TurnGrainProxy, MethodInfo, object?[], object>> Invokers = new();
    private static readonly MethodInfo InvokeTypedMethod = typeof(TurnGrainProxy).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private GrainKey _id;
    private GrainRegistration _registration = null!;
    private TurnExecutor _executor = null!;

    internal void Initialize(GrainKey id, GrainRegistration registration, TurnExecutor executor)
    {
        _id = id;
        _registration = registration;
        _executor = executor;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var invoker = Invokers.GetOrAdd(targetMethod, BuildInvoker);
        return invoker(this, targetMethod, args ?? []);
    }

    private static Func<TurnGrainProxy, MethodInfo, object?[], object> BuildInvoker(MethodInfo method)
    {
        if (method.ReturnType == typeof(Task))
        {
            return (proxy, m, args) => proxy.InvokeTyped<bool>(m, args, voidResult: true);
        }

        if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var typed = InvokeTypedMethod.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]);
            return (proxy, m, args) => typed.Invoke(proxy, [m, args, false])!;
        }

        throw new GrainRegistrationException($"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task or Task<T>.");
    }

    private object InvokeTyped<T>(MethodInfo method, object?[] args, bool voidResult)
    {
        var readOnly = GrainMethods.IsReadOnly(method);
        if (readOnly && _executor.AnswersFromActivation(_id))
        {
            // The activation answers from memory; the call runs outside this turn's transaction.
            var activation = _executor.Orleans!.GetGrain(_registration.Interface, _id.Key);
            try
            {
                return method.Invoke(activation, args)!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }

        var task = _executor.RunAsync(_id, _registration, readOnly, async grain =>
        {
            object? result;
            try
            {
                result = method.Invoke(grain, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }

            if (voidResult)
            {
                await (Task)result!;
                return default!;
            }

            return await (Task<T>)result!;
        });
        return voidResult ? task : (object)task;
    }
}
