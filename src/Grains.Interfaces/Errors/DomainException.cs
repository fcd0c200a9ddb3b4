namespace FluidManager.Grains.Interfaces.Errors;

/// <summary>
/// A refusal by a business rule. The Api maps each subclass to a problem-details status; the
/// message is written for the person who made the request.
/// </summary>
public abstract class DomainException(string message, string code) : Exception(message)
{
    /// <summary>A stable machine-readable reason, such as "task.illegal_transition".</summary>
    public string Code { get; } = code;
}
