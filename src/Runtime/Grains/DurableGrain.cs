using FluidManager.Runtime.Messaging;
using FluidManager.Runtime.Reminders;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Base of the product's Orleans grains. Each call on the activation runs as a turn (see
/// <see cref="TurnCallFilter"/>): one PostgreSQL transaction holding the grain's transaction-scoped
/// advisory lock, so a second activation of the same grain (possible while membership changes)
/// waits instead of overwriting. The grain reads and writes its relational rows through its
/// <see cref="ITurnContext"/>; nothing it wrote outlives a failed commit. A grain marked
/// <see cref="WarmReadsAttribute"/> answers read-only calls from <see cref="WarmState{T}"/> copies.
/// Posted messages and reminders reach it through the Orleans interfaces it implements here.
/// </summary>
public abstract class DurableGrain : IGrainBase, IMessageTarget, IRemindable, IOverdueReminders, IWarmStateTarget
{
    private List<IDroppableState>? _warm;

    /// <summary>The Orleans activation; only grains activated by Orleans have one.</summary>
    public IGrainContext GrainContext => Activation.Activation;

    /// <summary>The context the grain was created with.</summary>
    protected internal abstract ITurnContext Turn { get; }

    /// <summary>Whether the current call may read and keep memory: a read-only call of an Orleans activation.</summary>
    internal bool CanKeepWarm => Turn is ActivationTurnContext { InReadOnlyTurn: true };

    private ActivationTurnContext Activation => Turn as ActivationTurnContext
        ?? throw new InvalidOperationException($"{GetType().Name} runs inside another grain's transaction here and has no activation of its own.");

    /// <summary>Declares state kept in memory between read-only calls; <paramref name="load"/> reads it in the current turn.</summary>
    protected WarmState<T> Warm<T>(Func<Task<T>> load) where T : class
    {
        var state = new WarmState<T>(this, load);
        (_warm ??= []).Add(state);
        return state;
    }

    internal void DropWarmState()
    {
        foreach (var state in _warm ?? [])
        {
            state.Drop();
        }
    }

    internal void RememberWarm() => Activation.RememberWarm(this);

    /// <summary>Opens the current turn's transaction without blocking, if it is opened on first use (a read-only turn).</summary>
    internal ValueTask OpenTurnAsync() => Activation.CurrentTurn.State.OpenAsync();

    Task IGrainBase.OnDeactivateAsync(DeactivationReason reason, CancellationToken token)
    {
        if (Turn is ActivationTurnContext activation)
        {
            activation.ForgetWarm(this);
        }

        return Task.CompletedTask;
    }

    Task IWarmStateTarget.DropWarmStateAsync()
    {
        DropWarmState();
        return Task.CompletedTask;
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => Activation.FireReminderAsync(this, reminderName);

    Task IOverdueReminders.FireIfDueAsync(string name) => Activation.FireReminderAsync(this, name);

    Task IMessageTarget.ReceiveAsync(DeliveredMessage message) => Activation.ReceiveAsync(this, message);

    Task IMessageTarget.ReceiveAllAsync(DeliveredMessage[] messages) => Activation.ReceiveAllAsync(this, messages);
}
