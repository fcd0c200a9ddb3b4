namespace FluidManager.Runtime.Grains;

/// <summary>
/// Refuses a command sent through Orleans to one of the product's grains from inside a turn. Such a
/// call would run in the target's own transaction: it would commit even if the calling turn rolls
/// back, and a call back into the caller would wait on the caller forever. A command that must
/// commit with the turn joins it (<see cref="ITurnContext.Join{TGrain}(string)"/>); one that can
/// follow it is posted (<see cref="ITurnContext.PostAsync{TGrain}"/>). Reads (methods marked
/// <c>[ReadOnly(true)]</c>) are let through: they change nothing.
/// </summary>
internal sealed class TurnCallGuard(GrainRegistry registry) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (GrainTransactions.InTurn
            && context.InterfaceMethod is { DeclaringType: { } grainInterface } method
            && registry.IsRegistered(grainInterface)
            && !GrainMethods.IsReadOnly(method))
        {
            throw new InvalidOperationException(
                $"{grainInterface.Name}.{method.Name} was called through Orleans from inside a turn of another grain. "
                + "A command that must commit with the turn joins it (context.Join); one that can follow it is posted (context.PostAsync).");
        }

        return context.Invoke();
    }
}
