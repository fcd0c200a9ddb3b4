using System.Net;

namespace FluidManager.Models;

/// <summary>Base of the model layer's errors.</summary>
public abstract class ModelException : Exception
{
    protected ModelException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>A model id outside the allowed list.</summary>
public sealed class ModelNotAllowedException(string modelId, IReadOnlyList<string> allowed, string message)
    : ModelException(message)
{
    public string ModelId { get; } = modelId;

    public IReadOnlyList<string> AllowedModels { get; } = allowed;
}

/// <summary>A model that cannot run because a setting is missing; <see cref="Key"/> names the setting.</summary>
public sealed class ModelConfigurationException(string key, string message) : ModelException(message)
{
    public string Key { get; } = key;
}

/// <summary>A call to a provider that failed for good: refused, retries exhausted or timed out.</summary>
public sealed class ModelCallException(string model, string message, HttpStatusCode? status = null, bool timedOut = false, int attempts = 1, Exception? innerException = null)
    : ModelException(message, innerException)
{
    public string Model { get; } = model;

    /// <summary>The last HTTP status received, if any.</summary>
    public HttpStatusCode? Status { get; } = status;

    public bool TimedOut { get; } = timedOut;

    public int Attempts { get; } = attempts;
}

/// <summary>A scripted scenario has no turn for the request it was given.</summary>
public sealed class ScenarioMismatchException(string scenario, string message) : ModelException(message)
{
    public string Scenario { get; } = scenario;
}
