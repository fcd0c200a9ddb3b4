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
}

/// <summary>A posted message as the pump hands it over; its sender travels as the call's actor.</summary>
[GenerateSerializer]
[Alias("fm.runtime.DeliveredMessage")]
public sealed record DeliveredMessage([property: Id(0)] long Id, [property: Id(1)] string Type, [property: Id(2)] string Payload);
