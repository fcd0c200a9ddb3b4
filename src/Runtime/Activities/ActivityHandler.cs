using System.Text.Json;

namespace FluidManager.Runtime.Activities;

/// <summary>Runs one kind of activity, outside any transaction. Side effects should be keyed by <see cref="ActivityExecution.Id"/>.</summary>
public interface IActivityHandler
{
    string Kind { get; }

    /// <summary>Does the work; the token fires on cancellation, timeout, lost lease or drain. The result goes back to the owner grain.</summary>
    Task<object?> ExecuteAsync(ActivityExecution execution, CancellationToken cancellationToken);
}

/// <summary>What a handler knows about the run it is doing.</summary>
public sealed class ActivityExecution(Guid id, string kind, string owner, JsonElement input, int attempt, int maxAttempts, Func<object, Task> reportProgress)
{
    public Guid Id { get; } = id;

    public string Kind { get; } = kind;

    /// <summary>The owner grain, as "type/key".</summary>
    public string Owner { get; } = owner;

    public JsonElement Input { get; } = input;

    public int Attempt { get; } = attempt;

    public int MaxAttempts { get; } = maxAttempts;

    public T InputAs<T>() => Input.Deserialize<T>(RuntimeJson.Options)
        ?? throw new JsonException($"Activity {Kind} has no input of type {typeof(T).Name}.");

    /// <summary>Records progress (shown to operators and dashboards) on the activity row.</summary>
    public Task ReportProgressAsync(object progress) => reportProgress(progress);
}

/// <summary>A typed handler: input and result are records serialised as JSON.</summary>
public abstract class ActivityHandler<TInput, TResult> : IActivityHandler
{
    public abstract string Kind { get; }

    public async Task<object?> ExecuteAsync(ActivityExecution execution, CancellationToken cancellationToken) =>
        await ExecuteAsync(execution.InputAs<TInput>(), execution, cancellationToken);

    protected abstract Task<TResult> ExecuteAsync(TInput input, ActivityExecution execution, CancellationToken cancellationToken);
}
