using FluidManager.Runtime.Messaging;
using FluidManager.Runtime.Reminders;

namespace FluidManager.Runtime.Grains;

/// <summary>
/// Base of the product's Orleans grains. Each call on the activation runs as a turn (see
/// <see cref="TurnCallFilter"/>): one PostgreSQL transaction holding the grain's transaction-scoped
/// advisory lock, so a second activation of the same grain (possible while membership changes)
/// waits instead of overwriting. The grain reads and writes its relational rows through its
/// <see cref="ITurnContext"/>; nothing it wrote outlives a failed commit.
/// </summary>
public abstract class DurableGrain : IGrainBase, IMessageTarget, IRemindable, IOverdueReminders
{
    /// <summary>The Orleans activation; only grains activated by Orleans have one.</summary>
    public IGrainContext GrainContext => (Turn as ActivationTurnContext)?.Activation
        ?? throw new InvalidOperationException($"{GetType().Name} runs inside another grain's transaction here and has no activation of its own.");

    /// <summary>The context the grain was created with.</summary>
    protected internal abstract ITurnContext Turn { get; }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => Turn is ActivationTurnContext activation
        ? activation.FireReminderAsync(this, reminderName)
        : throw new InvalidOperationException($"{GetType().Name} receives reminders only as an Orleans activation.");

    Task IOverdueReminders.FireIfDueAsync(string name) => Turn is ActivationTurnContext activation
        ? activation.FireReminderAsync(this, name)
        : throw new InvalidOperationException($"{GetType().Name} receives reminders only as an Orleans activation.");

    Task IMessageTarget.ReceiveAsync(DeliveredMessage message) => Turn is ActivationTurnContext activation
        ? activation.ReceiveAsync(this, message)
        : throw new InvalidOperationException($"{GetType().Name} receives messages only as an Orleans activation.");
}
