namespace FluidManager.Runtime.Messaging;

/// <summary>
/// How the message pump delivers a posted message: as an Orleans call on the receiving grain,
/// carrying the message's id. The receiver deletes the message row in the same transaction as its
/// effect, so a delivery repeated after an unknown outcome (a timeout, a silo that died) finds no
/// row and does nothing: the effect happens exactly once.
/// </summary>
[Alias("fm.runtime.IMessageTarget")]
public interface IMessageTarget : IGrainWithStringKey
{
    Task ReceiveAsync(DeliveredMessage message);

    /// <summary>
    /// Applies the due head of the grain's queue, in order, in one turn: each message whose row still
    /// exists is deleted and handled, with its sender as the actor. Should one fail, the turn rolls
    /// back whole and the pump delivers them one at a time, so that the failing one alone is retried.
    /// </summary>
    Task ReceiveAllAsync(DeliveredMessage[] messages);
}

/// <summary>
/// A posted message as the pump hands it over; its sender travels as the call's actor, or with it in a
/// batch. The last message of the queue head the pump read carries the inbox version it read with it
/// (<paramref name="InboxVersion"/>): the receiver's turn releases the inbox with its commit, in the
/// commit's round trip, instead of the pump releasing it afterwards.
/// </summary>
[GenerateSerializer]
[Alias("fm.runtime.DeliveredMessage")]
public sealed record DeliveredMessage(
    [property: Id(0)] long Id, [property: Id(1)] string Type, [property: Id(2)] string Payload, [property: Id(3)] string? Sender = null,
    [property: Id(4)] long? InboxVersion = null);
