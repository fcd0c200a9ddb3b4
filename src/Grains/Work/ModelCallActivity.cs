using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FluidManager.Grains.Interfaces.Artifacts;
using FluidManager.Grains.Storage;
using FluidManager.Models;
using FluidManager.Runtime.Activities;
using Microsoft.Extensions.AI;

namespace FluidManager.Grains.Work;

/// <summary>The input of one model call: the step it belongs to, the model and the request.</summary>
public sealed record ModelCallInput(long CompanyId, long TaskId, long AgentId, int Attempt, int Step, string Model, ChatRequest Request, int MaxArtifactBytes);

/// <summary>
/// The answer of one model call, and the objects the activity stored for its create_artifact calls
/// (by tool call id): the bytes are written here, outside any turn, under a key derived from the
/// activity and the call, so a rerun overwrites rather than duplicates.
/// </summary>
public sealed record ModelCallResult(long CompanyId, long TaskId, long AgentId, int Attempt, int Step, string Model, ChatResponse Response, IReadOnlyDictionary<string, StoredObject> Artifacts)
{
    /// <summary>Wall-clock time of the call, the provider's retries and waits included.</summary>
    public TimeSpan Duration { get; init; }
}

/// <summary>
/// Activity <c>agent.model_call</c>: resolves the agent's model (an <see cref="IChatClient"/>) and calls it. Tool calls
/// come back unrun: the runner records and runs each one itself. Its only side effect is
/// storing the content of the artifacts the answer asks for; everything else happens when the runner
/// receives the outcome, exactly once.
/// </summary>
public sealed class ModelCallActivity(IChatModelProvider models, IObjectStore store) : ActivityHandler<ModelCallInput, ModelCallResult>
{
    public const string ActivityKind = "agent.model_call";

    public override string Kind => ActivityKind;

    protected override async Task<ModelCallResult> ExecuteAsync(ModelCallInput input, ActivityExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(execution);
        var model = models.Resolve(input.Model);
        var request = input.Request with { CorrelationId = $"task:{input.TaskId.ToString(CultureInfo.InvariantCulture)}/step:{input.Attempt.ToString(CultureInfo.InvariantCulture)}.{input.Step.ToString(CultureInfo.InvariantCulture)}" };
        var started = Stopwatch.GetTimestamp();
        var response = await model.GetResponseAsync(request, cancellationToken);
        var duration = Stopwatch.GetElapsedTime(started);

        var artifacts = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
        foreach (var call in response.ToolCalls.Where(c => c.Name == WorkTools.CreateArtifact))
        {
            if (!call.TryParseArguments(out var arguments) || Content(arguments) is not { } content)
            {
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(content);
            if (bytes.Length > input.MaxArtifactBytes)
            {
                continue;
            }

            var contentType = Text(arguments, "content_type", "mime_type", "media_type", "mime") is { Length: > 0 and <= 200 } type ? type : "text/markdown";
            var key = $"{ObjectKeys.CompanyPrefix(input.CompanyId)}artifacts/{execution.Id:N}-{CallKey(call.CallId)}";
            await using var stream = new MemoryStream(bytes, writable: false);
            artifacts[call.CallId] = await store.PutAsync(key, stream, contentType, cancellationToken);
        }

        return new ModelCallResult(input.CompanyId, input.TaskId, input.AgentId, input.Attempt, input.Step, input.Model, response, artifacts) { Duration = duration };
    }

    private static string? Content(JsonElement arguments) => Text(arguments, "content", "body", "text", "markdown", "data");

    private static string? Text(JsonElement arguments, params string[] names)
    {
        foreach (var name in names)
        {
            if (arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }

    /// <summary>A key segment for a tool call id, whatever characters the provider used.</summary>
    private static string CallKey(string toolCallId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(toolCallId)))[..16];
}
