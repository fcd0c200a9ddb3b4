using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace FluidManager.Models.Providers;

/// <summary>
/// The HTTP clients of model endpoints: named clients of <c>IHttpClientFactory</c> with the standard
/// resilience handler, configured from the endpoint's <see cref="ModelEndpointOptions"/>. Model calls are
/// long, so: a per-attempt timeout of <see cref="ModelEndpointOptions.Timeout"/> that is not retried; retries
/// only on transient failures (408, 429, 5xx, lost connections), honouring <c>Retry-After</c> (and
/// <c>retry-after-ms</c>) up to <see cref="ModelEndpointOptions.MaxRetryDelay"/>; a total timeout that covers
/// every attempt. The SDKs' own retries are off, so only this policy applies.
/// </summary>
public static class ModelHttp
{
    /// <summary>The client of OpenAI-compatible endpoints.</summary>
    public const string OpenAIClient = "fluid-models-openai";

    /// <summary>The client of Azure OpenAI.</summary>
    public const string AzureClient = "fluid-models-azure";

    private static readonly AsyncLocal<AttemptCounter?> CurrentCall = new();

    /// <summary>Registers both named clients.</summary>
    public static IServiceCollection AddModelHttpClients(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Add(services, OpenAIClient, o => o.OpenAI);
        Add(services, AzureClient, o => o.Azure);
        return services;
    }

    /// <summary>
    /// A factory holding only the model clients, for a catalogue built without a host (tests, tools); the
    /// hosts use their own through <see cref="AddModelHttpClients"/>.
    /// </summary>
    internal static IHttpClientFactory CreateFactory(IOptions<ModelsOptions> options, ILoggerFactory loggers)
    {
        var services = new ServiceCollection();
        services.AddSingleton(options);
        services.AddSingleton(loggers);
        services.AddModelHttpClients();
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
    }

    /// <summary>
    /// Counts the HTTP attempts made under the returned scope (on this async flow), so that an error can say
    /// how many were made.
    /// </summary>
    internal static AttemptCounter CountAttempts() => CurrentCall.Value = new AttemptCounter();

    private static void Add(IServiceCollection services, string name, Func<ModelsOptions, ModelEndpointOptions> select)
    {
        services.AddHttpClient(name, client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
                Configure(resilience, select(provider.GetRequiredService<IOptions<ModelsOptions>>().Value), name, provider.GetService<ILoggerFactory>()?.CreateLogger(typeof(ModelHttp).FullName!)));

        // Inside the resilience handler: runs once per attempt.
        services.AddHttpClient(name).AddHttpMessageHandler(() => new AttemptCountingHandler());
    }

    internal static void Configure(HttpStandardResilienceOptions resilience, ModelEndpointOptions options, string name, ILogger? logger)
    {
        resilience.AttemptTimeout.Timeout = options.Timeout;
        resilience.TotalRequestTimeout.Timeout = options.TotalTimeout;
        resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, options.Timeout.Ticks * 2) + 1);
        var retry = resilience.Retry;
        retry.MaxRetryAttempts = Math.Max(1, options.MaxRetries);
        retry.BackoffType = DelayBackoffType.Exponential;
        retry.UseJitter = true;
        retry.Delay = options.RetryBaseDelay;
        retry.MaxDelay = options.MaxRetryDelay;
        retry.ShouldRetryAfterHeader = true;
        retry.ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && ShouldRetry(args.Outcome, options.MaxRetryDelay));
        retry.OnRetry = args =>
        {
            if (logger is not null)
            {
                var reason = args.Outcome.Result is { } response
                    ? $"HTTP {((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)}"
                    : args.Outcome.Exception?.GetType().Name ?? "unknown";
                Log.Retrying(logger, name, reason, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
            }

            return default;
        };
    }

    /// <summary>Transient failures only; never a timed-out attempt, nor a wait longer than <paramref name="maxDelay"/>.</summary>
    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxDelay) => outcome switch
    {
        { Exception: TimeoutRejectedException or OperationCanceledException } => false,
        { Result: { } response } when RetryAfter(response) is { } wait && wait > maxDelay => false,
        _ => HttpClientResiliencePredicates.IsTransient(outcome),
    };

    /// <summary>The wait a response asks for: <c>retry-after-ms</c>, else <c>Retry-After</c> in seconds or as a date.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };
    }

    /// <summary>The attempts of one model call.</summary>
    internal sealed class AttemptCounter
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public void Add() => Interlocked.Increment(ref _attempts);
    }

    private sealed class AttemptCountingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            CurrentCall.Value?.Add();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
