using FluidManager.Runtime.Messaging;
using FluidManager.Runtime.Reminders;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Base of the product's Orleans grains. Each call on the activation runs as a turn (see
/// <see cref="TurnCallFilter"/>): one PostgreSQL transaction holding the grain's transaction-scoped
/// advisory lock, so a second activation of the same grain (possible while membership changes)
/// waits instead of overwriting. The grain reads and writes its relational rows through its
/// <see cref="ITurnContext"/>; nothing it wrote outlives a failed commit. Posted messages and
/// reminders reach it through the Orleans interfaces it implements here.
/// </summary>
public abstract class DurableGrain : IGrainBase, IMessageTarget, IRemindable, IOverdueReminders
{
    /// <summary>The Orleans activation; only grains activated by Orleans have one.</summary>
    public IGrainContext GrainContext => Activation.Activation;

    /// <summary>The context the grain was created with.</summary>
    protected internal abstract ITurnContext Turn { get; }

    private ActivationTurnContext Activation => Turn as ActivationTurnContext
        ?? throw new InvalidOperationException($"{GetType().Name} runs inside another grain's transaction here and has no activation of its own.");

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => Activation.FireReminderAsync(this, reminderName);

    Task IOverdueReminders.FireIfDueAsync(string name) => Activation.FireReminderAsync(this, name);

    Task IMessageTarget.ReceiveAsync(DeliveredMessage message) => Activation.ReceiveAsync(this, message);
}
