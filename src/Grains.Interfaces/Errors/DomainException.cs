namespace FluidManager.Grains.Interfaces.Errors;

/// <summary>
/// A refusal by a business rule. The Api maps each subclass to a problem-details status; the
/// message is written for the person who made the request.
/// </summary>
/// <remarks>
/// Subclasses cross silos through the Orleans serializer: its exception codec carries the message and
/// stack trace, and each [Id] auto-property carries a subclass's own data. On the receiving side the object
/// is created without running a constructor, so that data must live in [Id] auto-properties, not be derived.
/// </remarks>
[GenerateSerializer]
[Alias("fm.errors.DomainException")]
public abstract class DomainException(string message, string code) : Exception(message)
{
    /// <summary>A stable machine-readable reason, such as "task.illegal_transition".</summary>
    [Id(0)]
    public string Code { get; } = code;
}
