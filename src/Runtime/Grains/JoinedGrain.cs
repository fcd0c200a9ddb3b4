using System.Globalization;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Another grain, reached from inside a turn (<see cref="ITurnContext.Join{TGrain}(string)"/>). Orleans
/// transactions cannot span the product's own tables, so a command that must change two grains'
/// rows together runs the second grain's method in the caller's transaction:
/// <list type="bullet">
/// <item><see cref="CallAsync{T}"/> runs a command on a fresh instance of the grain, in this turn's
/// transaction and under that grain's transaction-scoped lock, so the two grains' rows commit together
/// or not at all. Its activations are told to drop their memory when the turn commits.</item>
/// <item><see cref="ReadAsync{T}"/> asks the grain's activation when it answers from memory and this
/// turn has not written the grain (the committed state is then the one to see); otherwise it reads
/// in this turn's transaction, where the turn's own writes are visible.</item>
/// </list>
/// A grain already running in this turn cannot be joined again: that is a cycle, refused with
/// <see cref="GrainReentrancyException"/>; post it a message instead.
/// </summary>
public interface IJoinedGrain<TGrain> where TGrain : class
{
    /// <summary>Runs a command of the grain that commits with this turn.</summary>
    Task<T> CallAsync<T>(Func<TGrain, Task<T>> command);

    /// <summary>Runs a command of the grain that commits with this turn.</summary>
    Task CallAsync(Func<TGrain, Task> command);

    /// <summary>Runs a read of the grain: from its activation's memory when that is current, else in this turn.</summary>
    Task<T> ReadAsync<T>(Func<TGrain, Task<T>> read);
}

/// <summary>Keys of other types for <see cref="ITurnContext.Join{TGrain}(string)"/>.</summary>
public static class JoinedGrainKeys
{
    public static IJoinedGrain<TGrain> Join<TGrain>(this ITurnContext context, long key) where TGrain : class =>
        context.Join<TGrain>(key.ToString(CultureInfo.InvariantCulture));

    public static IJoinedGrain<TGrain> Join<TGrain>(this ITurnContext context, Guid key) where TGrain : class =>
        context.Join<TGrain>(key.ToString("N"));
}

/// <summary>
/// String-keyed grains addressed by a number or a uuid, outside turns: the key is the number in
/// invariant digits, or the uuid's 32 hex digits, as inside them.
/// </summary>
public static class GrainFactoryKeys
{
    public static TGrain GetGrain<TGrain>(this IGrainFactory grains, long key) where TGrain : IGrainWithStringKey =>
        grains.GetGrain<TGrain>(key.ToString(CultureInfo.InvariantCulture));

    public static TGrain GetGrain<TGrain>(this IGrainFactory grains, Guid key) where TGrain : IGrainWithStringKey =>
        grains.GetGrain<TGrain>(key.ToString("N"));
}

internal sealed class JoinedGrain<TGrain>(GrainTransactions executor, TurnState state, GrainKey id, GrainRegistration registration) : IJoinedGrain<TGrain>
    where TGrain : class
{
    public Task<T> CallAsync<T>(Func<TGrain, Task<T>> command) =>
        executor.JoinAsync(state, id, registration, readOnly: false, grain => command((TGrain)grain));

    public Task CallAsync(Func<TGrain, Task> command) =>
        executor.JoinAsync(state, id, registration, readOnly: false, async grain =>
        {
            await command((TGrain)grain);
            return true;
        });

    public Task<T> ReadAsync<T>(Func<TGrain, Task<T>> read) =>
        executor.AnswersFromActivation(state, id)
            ? read((TGrain)executor.Orleans!.GetGrain(registration.Interface, id.Key))
            : executor.JoinAsync(state, id, registration, readOnly: true, grain => read((TGrain)grain));
}
