using FluidManager.Grains.Interfaces.Memory;

namespace FluidManager.Grains.Memory;

/// <summary>
/// Posted to an agent's memory grain by the turns that feed its memory (a finished attempt's episode, a meeting's
/// decisions and calls to action): the item to write, and who it is written as (the sender turn's actor, or the
/// system), so the item's source is the one the sender saw.
/// </summary>
public sealed record MemoryNote(RememberCommand Item, string Actor);
