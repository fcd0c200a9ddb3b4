using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace FluidManager.Models.OpenAICompatible;

/// <summary>
/// What the chat and embedding clients share: the endpoint, the key, and the Polly pipeline: a timeout
/// per attempt inside a bounded retry on 429, 5xx and lost connections that honours <c>Retry-After</c>
/// (and <c>retry-after-ms</c>). The SDK's own retries are off so that only this policy applies.
/// </summary>
internal sealed class OpenAIEndpoint
{
    private const string Key = $"{ModelsOptions.Section}:OpenAI";

    private readonly OpenAIModelOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _pipeline;

    public OpenAIEndpoint(OpenAIModelOptions options, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            throw new ModelConfigurationException($"{Key}:ApiKey", $"No API key for the OpenAI-compatible endpoint: set '{Key}:ApiKey' (environment variable 'Fluid__Models__OpenAI__ApiKey'); servers without keys accept any text.");
        }

        _options = options;
        _logger = logger;
        _time = time;
        Credential = new ApiKeyCredential(options.ApiKey);
        ClientOptions = new global::OpenAI.OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(30),
        };
        if (!string.IsNullOrWhiteSpace(options.BaseUrl))
        {
            ClientOptions.Endpoint = new Uri(options.BaseUrl);
        }

        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
                OnRetry = args =>
                {
                    Log.Retrying(_logger, args.Context.OperationKey ?? "openai", Reason(args.Outcome.Exception), args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        _pipeline = builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.Timeout }).Build();
    }

    public ApiKeyCredential Credential { get; }

    public global::OpenAI.OpenAIClientOptions ClientOptions { get; }

    /// <summary>Runs one provider call under the pipeline and turns its failures into <see cref="ModelCallException"/>.</summary>
    public async Task<T> ExecuteAsync<T>(string model, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var context = ResilienceContextPool.Shared.Get(model, cancellationToken);
        try
        {
            return await _pipeline.ExecuteAsync(
                async (ctx, state) =>
                {
                    Interlocked.Increment(ref attempts);
                    return await state(ctx.CancellationToken);
                },
                context,
                call);
        }
        catch (TimeoutRejectedException e)
        {
            var message = $"{model} did not answer within {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (attempt {attempts}); raise '{Key}:Timeout' if the model is slow.";
            Log.CallFailed(_logger, model, attempts, "timeout");
            throw new ModelCallException(model, message, timedOut: true, attempts: attempts, innerException: e);
        }
        catch (ClientResultException e) when (!cancellationToken.IsCancellationRequested)
        {
            var status = e.Status > 0 ? (HttpStatusCode?)e.Status : null;
            var message = Describe(model, e, attempts);
            Log.CallFailed(_logger, model, attempts, Reason(e));
            throw new ModelCallException(model, message, status, attempts: attempts, innerException: e);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            Log.CallFailed(_logger, model, attempts, e.Message);
            throw new ModelCallException(model, $"{model} could not be reached after {attempts} attempt(s): {e.Message}. Check '{Key}:BaseUrl'.", attempts: attempts, innerException: e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private bool ShouldRetry(Exception? exception) => exception switch
    {
        ClientResultException { Status: 429 or >= 500 } e => RetryAfter(e) is not { } wait || wait <= _options.MaxRetryDelay,
        ClientResultException { Status: 0 } => true,
        HttpRequestException or IOException => true,
        _ => false,
    };

    /// <summary>The wait the server asked for: <c>retry-after-ms</c>, else <c>Retry-After</c> in seconds or as a date.</summary>
    private TimeSpan? RetryAfter(Exception? exception)
    {
        if (exception is not ClientResultException e || e.GetRawResponse() is not { } response)
        {
            return null;
        }

        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        if (response.Headers.TryGetValue("Retry-After", out var value) && !string.IsNullOrWhiteSpace(value))
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var wait = at - _time.GetUtcNow();
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }

    private string Describe(string model, ClientResultException e, int attempts)
    {
        var detail = ServerMessage(e);
        var suffix = detail is null ? "" : $" Server said: {detail}";
        return e.Status switch
        {
            401 or 403 => $"{model} refused the API key ({e.Status}): check '{Key}:ApiKey'.{suffix}",
            404 => $"{model} was not found at the endpoint (404): check the model name and '{Key}:BaseUrl'.{suffix}",
            429 when RetryAfter(e) is { } wait && wait > _options.MaxRetryDelay =>
                $"{model} is rate limited (429) and asks to wait {wait.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s, more than '{Key}:MaxRetryDelay' allows.{suffix}",
            429 => $"{model} is rate limited (429) after {attempts} attempt(s).{suffix}",
            >= 500 => $"{model} failed with server error {e.Status} after {attempts} attempt(s).{suffix}",
            0 => $"{model} could not be reached after {attempts} attempt(s): {e.Message} Check '{Key}:BaseUrl'.",
            _ => $"{model} refused the request ({e.Status}).{suffix}",
        };
    }

    private static string Reason(Exception? exception) => exception switch
    {
        ClientResultException { Status: > 0 } e => $"HTTP {e.Status}",
        null => "unknown",
        _ => exception.GetType().Name,
    };

    /// <summary>The <c>error.message</c> of an OpenAI-style error body, clipped.</summary>
    internal static string? ServerMessage(ClientResultException e)
    {
        try
        {
            var content = e.GetRawResponse()?.Content;
            if (content is null || content.ToMemory().Length == 0)
            {
                return null;
            }

            using var document = JsonDocument.Parse(content.ToMemory());
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && (error.ValueKind == JsonValueKind.String ? error : error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) ? m : default) is { ValueKind: JsonValueKind.String } text)
            {
                var message = text.GetString() ?? "";
                return message.Length <= 300 ? message : message[..297] + "...";
            }
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        return null;
    }
}
