using System.ClientModel;
using System.Globalization;
using System.Net;
using Azure.Identity;
using FluidManager.Models.OpenAICompatible;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FluidManager.Models.Providers;

/// <summary>
/// Innermost middleware of a remote provider: counts the HTTP attempts of each call and turns the
/// provider's failures (refused request, retries exhausted, timeout, unreachable endpoint) into
/// <see cref="ModelCallException"/> naming the setting to check. Caller cancellation stays an
/// <see cref="OperationCanceledException"/>. API keys never appear in messages.
/// </summary>
internal sealed class ProviderErrorsChatClient(IChatClient inner, string model, string settingsKey, ModelEndpointOptions options, ILogger logger, TimeProvider time)
    : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var counter = ModelHttp.CountAttempts();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            Log.CallCompleted(logger, model, time.GetElapsedTime(started).TotalMilliseconds, counter.Attempts);
            return response;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Translate(e, Math.Max(1, counter.Attempts)) is { } error)
        {
            Log.CallFailed(logger, model, error.Attempts, error.TimedOut ? "timeout" : error.Status is { } status ? $"HTTP {(int)status}" : e.GetType().Name);
            throw error;
        }
    }

    private ModelCallException? Translate(Exception exception, int attempts)
    {
        if (Find<TimeoutRejectedException>(exception) is { } timeout)
        {
            var seconds = options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            return new ModelCallException(model, $"{model} did not answer within {seconds} s (attempt {attempts}); raise '{settingsKey}:Timeout' if the model is slow.", timedOut: true, attempts: attempts, innerException: timeout);
        }

        if (Find<BrokenCircuitException>(exception) is { } broken)
        {
            return new ModelCallException(model, $"{model} is failing too often, so calls are paused for a while: check '{settingsKey}' and the provider's status.", attempts: attempts, innerException: broken);
        }

        if (Find<AuthenticationFailedException>(exception) is { } entra)
        {
            return new ModelCallException(model, $"{model} could not get a Microsoft Entra ID token (no API key is set): give the process an identity (managed identity, workload identity, environment variables, an Azure CLI login) with access to the resource, or set '{settingsKey}:ApiKey'. {entra.Message.Split('\n')[0]}", attempts: attempts, innerException: entra);
        }

        if (Find<ClientResultException>(exception) is { } result)
        {
            var status = result.Status > 0 ? (HttpStatusCode?)result.Status : null;
            return new ModelCallException(model, Describe(result, attempts), status, attempts: attempts, innerException: result);
        }

        if (Find<HttpRequestException>(exception) is { } http)
        {
            return new ModelCallException(model, $"{model} could not be reached after {attempts} attempt(s): {http.Message}. Check '{settingsKey}'.", attempts: attempts, innerException: http);
        }

        return null;
    }

    private string Describe(ClientResultException e, int attempts)
    {
        var detail = OpenAIEndpoint.ServerMessage(e);
        var suffix = detail is null ? "" : $" Server said: {detail}";
        var wait = e.GetRawResponse() is { } raw && raw.Headers.TryGetValue("Retry-After", out var value)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        return e.Status switch
        {
            401 or 403 => $"{model} refused the credentials ({e.Status}): check '{settingsKey}:ApiKey'.{suffix}",
            404 => $"{model} was not found at the endpoint (404): check the model or deployment name and '{settingsKey}'.{suffix}",
            429 when wait is { } w && w > options.MaxRetryDelay =>
                $"{model} is rate limited (429) and asks to wait {w.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s, more than '{settingsKey}:MaxRetryDelay' allows.{suffix}",
            429 => $"{model} is rate limited (429) after {attempts} attempt(s).{suffix}",
            >= 500 => $"{model} failed with server error {e.Status} after {attempts} attempt(s).{suffix}",
            0 => $"{model} could not be reached after {attempts} attempt(s): {e.Message} Check '{settingsKey}'.",
            _ => $"{model} refused the request ({e.Status}).{suffix}",
        };
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
