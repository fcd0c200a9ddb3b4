using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using FluidManager.Grains.Data;
using FluidManager.Knowledge.Audit;
using FluidManager.Knowledge.Ingestion;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;

namespace FluidManager.Knowledge.Web;

/// <summary>
/// The web tool's HTTP client, with every limit enforced here rather than trusted to the caller:
/// the agent must have the web tool; each URL (and each redirect target, followed by hand) must be
/// http(s) on a host the agent's allowlist (or the deployment's) names; the connection is made only
/// to an address the <see cref="WebAddressPolicy"/> allows, resolved in the connect callback itself
/// (so a DNS answer cannot change between the check and the connection); a daily quota per agent is
/// counted in PostgreSQL; the body is read up to a size limit, within a timeout; HTML is reduced to
/// readable text. Every request, allowed or not, is written to web_fetch_log.
/// </summary>
public sealed class WebFetcher : IDisposable
{
    public const string FetchAction = "web.fetch";
    public const string Rule = "web.allowlist";

    private const string AgentCheck = """
        SELECT 'web' = ANY (allowed_tools), web_domains FROM agents WHERE id = @agent_id AND company_id = @company_id AND status = 'active'
        """;

    private const string TakeQuota = """
        INSERT INTO web_quota_usage AS q (agent_id, day, company_id, used) VALUES (@agent_id, @day, @company_id, 1)
        ON CONFLICT (agent_id, day) DO UPDATE SET used = q.used + 1 WHERE q.used < @quota
        RETURNING used
        """;

    /// <summary>The company's own quota per agent (company policy), when it set one.</summary>
    private const string CompanyQuota = "SELECT web_daily_quota FROM company_policies WHERE company_id = @company_id";

    private const string InsertLog = """
        INSERT INTO web_fetch_log (company_id, agent_id, task_id, kind, url, final_url, outcome, allowed, reason, status_code, content_type, bytes, truncated, redirects, duration_ms, at)
        SELECT @company_id, @agent_id, @task_id, @kind, @url, @final_url, @outcome, @allowed, @reason, @status_code, @content_type, @bytes, @truncated, @redirects, @duration_ms, @at
        WHERE EXISTS (SELECT 1 FROM companies WHERE id = @company_id)
        RETURNING id
        """;

    private const string ListLog = """
        SELECT id, company_id, agent_id, task_id, kind, url, final_url, outcome, allowed, reason, status_code, content_type, bytes, truncated, redirects, duration_ms, at
        FROM web_fetch_log
        WHERE company_id = @company_id
          AND (@agent_id::bigint IS NULL OR agent_id = @agent_id)
          AND (@outcome::text IS NULL OR outcome = @outcome)
          AND (@before::bigint IS NULL OR id < @before)
        ORDER BY id DESC
        LIMIT @limit
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly DenialRecorder _denials;
    private readonly WebToolOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebFetcher> _logger;
    private readonly HttpClient _client;

    public WebFetcher(NpgsqlDataSource dataSource, DenialRecorder denials, IOptions<KnowledgeOptions> options, TimeProvider time, ILogger<WebFetcher> logger)
    {
        _dataSource = dataSource;
        _denials = denials;
        _options = options.Value.Web;
        _time = time;
        _logger = logger;
        var policy = new WebAddressPolicy(_options.AllowedPrivateNetworks);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = _options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxResponseHeadersLength = 64,
            ConnectCallback = (context, cancellationToken) => policy.ConnectAsync(context.DnsEndPoint, cancellationToken),
        };
        // Transient failures (5xx, 408, 429, a dropped connection) are tried again twice, within the
        // request's own timeout; a refused address is not transient and is never tried again.
        var retries = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is not WebAccessDeniedException and not { InnerException: WebAccessDeniedException }
                    && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            })
            .Build();
        _client = new HttpClient(new ResilienceHandler(retries) { InnerHandler = handler })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = Math.Max(1, _options.MaxResponseBytes),
        };
    }

    public async Task<WebFetchResult> FetchAsync(long companyId, long agentId, long? taskId, string url, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = await RunAsync(companyId, agentId, url ?? "", cancellationToken);
        result = result with { DurationMs = clock.Elapsed.TotalMilliseconds };
        var logId = await LogAsync(companyId, agentId, taskId, "fetch", result.Url, result, cancellationToken);
        if (result.Outcome != WebOutcome.Ok)
        {
            Log.WebRefused(_logger, companyId, agentId, "fetch", result.Outcome.ToDb(), result.Reason ?? "");
        }

        if (result.Outcome == WebOutcome.Denied)
        {
            await _denials.RecordAsync(companyId, agentId, taskId, FetchAction, Rule, result.Reason!);
        }

        return result with { LogId = logId };
    }

    /// <summary>Checks the agent and takes one unit of its quota for a search; returns the refusal, or null when it may search.</summary>
    internal async Task<string?> AdmitSearchAsync(long companyId, long agentId, CancellationToken cancellationToken)
    {
        var agent = await AgentAsync(companyId, agentId, cancellationToken);
        return agent.Problem ?? await TakeQuotaAsync(companyId, agentId, cancellationToken);
    }

    /// <summary>Writes a search to the log (the query in the url column).</summary>
    internal Task<long> LogSearchAsync(long companyId, long agentId, long? taskId, string query, WebOutcome outcome, string? reason, double durationMs, CancellationToken cancellationToken) =>
        LogAsync(companyId, agentId, taskId, "search", query, new WebFetchResult(outcome, reason, query, null, null, null, null, "", 0, false, 0, durationMs, 0), cancellationToken);

    public async Task<IReadOnlyList<WebLogRecord>> ListLogAsync(long companyId, long? agentId, WebOutcome? outcome, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(ListLog, connection)
            .With("company_id", companyId).With("agent_id", agentId).With("outcome", outcome?.ToDb()).With("before", before).With("limit", Math.Clamp(limit, 1, 500))
            .ListAsync(r => new WebLogRecord(
                r.Get<long>("id"), r.Get<long>("company_id"), r.GetOrNull<long>("agent_id"), r.GetOrNull<long>("task_id"), r.Get<string>("kind"), r.Get<string>("url"),
                r.GetStringOrNull("final_url"), DbEnum.Parse<WebOutcome>(r.Get<string>("outcome")), r.Get<bool>("allowed"), r.GetStringOrNull("reason"),
                r.GetOrNull<int>("status_code"), r.GetStringOrNull("content_type"), r.Get<long>("bytes"), r.Get<bool>("truncated"), r.Get<int>("redirects"),
                r.Get<decimal>("duration_ms"), r.Get<DateTimeOffset>("at")),
                cancellationToken);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Whether a host matches an allowlist entry: <c>example.com</c> exactly, <c>*.example.com</c> any subdomain of it, an IP literal exactly.</summary>
    public static bool HostAllowed(string host, IEnumerable<string> allowlist)
    {
        ArgumentNullException.ThrowIfNull(allowlist);
        var name = host.Trim().TrimEnd('.').ToLowerInvariant();
        foreach (var entry in allowlist)
        {
            var pattern = entry.Trim().TrimEnd('.').ToLowerInvariant();
            if (pattern.StartsWith("*.", StringComparison.Ordinal)
                ? name.EndsWith(pattern[1..], StringComparison.Ordinal) && name.Length > pattern.Length - 1
                : name == pattern.Trim('[', ']'))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<WebFetchResult> RunAsync(long companyId, long agentId, string url, CancellationToken cancellationToken)
    {
        WebFetchResult Refuse(WebOutcome outcome, string reason, string? finalUrl = null, int redirects = 0, int? status = null) =>
            new(outcome, reason, url, finalUrl, status, null, null, "", 0, false, redirects, 0, 0);

        if (url.Length == 0 || url.Length > _options.MaxUrlChars)
        {
            return Refuse(WebOutcome.Error, $"the url must have 1-{_options.MaxUrlChars} characters");
        }

        var agent = await AgentAsync(companyId, agentId, cancellationToken);
        if (agent.Problem is { } problem)
        {
            return Refuse(WebOutcome.Denied, problem);
        }

        var allowlist = agent.Domains.Concat(_options.AdditionalHosts).ToList();
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var target))
        {
            return Refuse(WebOutcome.Error, "the url is not an absolute http(s) URL");
        }

        if (Check(target, allowlist) is { } refused)
        {
            return Refuse(WebOutcome.Denied, refused);
        }

        if (await TakeQuotaAsync(companyId, agentId, cancellationToken) is { } quota)
        {
            return Refuse(WebOutcome.Denied, quota);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        var redirects = 0;
        try
        {
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, target);
                request.Headers.UserAgent.ParseAdd(_options.UserAgent);
                request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,text/plain,application/json;q=0.9,*/*;q=0.5");
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                {
                    var next = location.IsAbsoluteUri ? location : new Uri(target, location);
                    if (Check(next, allowlist) is { } redirectRefused)
                    {
                        return Refuse(WebOutcome.Denied, $"redirected to {next}: {redirectRefused}", next.ToString(), redirects + 1, status);
                    }

                    if (++redirects > _options.MaxRedirects)
                    {
                        return Refuse(WebOutcome.Error, $"more than {_options.MaxRedirects} redirects", next.ToString(), redirects, status);
                    }

                    target = next;
                    continue;
                }

                var contentType = response.Content.Headers.ContentType;
                var (bytes, truncated) = await ReadAsync(response.Content, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    return Refuse(WebOutcome.Error, $"the server answered {status} {response.ReasonPhrase}", target.ToString(), redirects, status)
                        with { ContentType = contentType?.ToString(), Bytes = bytes.Length };
                }

                var (text, title, error) = ToText(bytes, contentType, target.ToString(), truncated);
                return error is not null
                    ? Refuse(WebOutcome.Error, error, target.ToString(), redirects, status) with { ContentType = contentType?.ToString(), Bytes = bytes.Length, Truncated = truncated }
                    : new WebFetchResult(WebOutcome.Ok, null, url, target.ToString(), status, contentType?.ToString(), title, text, bytes.Length, truncated, redirects, 0, 0);
            }
        }
        catch (HttpRequestException ex) when (WebAddressPolicy.FindDenied(ex) is { } denied)
        {
            return Refuse(WebOutcome.Denied, denied.Message, target.ToString(), redirects);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Refuse(WebOutcome.Timeout, $"no complete answer within {_options.RequestTimeout.TotalSeconds:0.###} s", target.ToString(), redirects);
        }
        catch (HttpRequestException ex)
        {
            return Refuse(WebOutcome.Error, ex.Message, target.ToString(), redirects);
        }
    }

    /// <summary>Null when the URL may be requested; otherwise why not.</summary>
    private static string? Check(Uri url, IReadOnlyList<string> allowlist)
    {
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            return $"only http and https URLs are fetched, not {url.Scheme}";
        }

        if (url.UserInfo.Length > 0)
        {
            return "URLs with credentials are refused";
        }

        if (allowlist.Count == 0)
        {
            return "no web domain is allowlisted for this agent";
        }

        var host = url.HostNameType == UriHostNameType.IPv6 ? url.Host.Trim('[', ']') : url.IdnHost;
        return HostAllowed(host, allowlist) ? null : $"{host} is not among the agent's allowlisted domains";
    }

    /// <summary>The body, read up to the size limit (after decompression); the rest is not read.</summary>
    private async Task<(byte[] Bytes, bool Truncated)> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(limit + 1, 1024 * 1024)];
        using var body = new MemoryStream();
        int read;
        while (body.Length <= limit && (read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit + 1 - body.Length)), cancellationToken)) > 0)
        {
            body.Write(buffer, 0, read);
        }

        var truncated = body.Length > limit;
        return (truncated ? body.GetBuffer().AsSpan(0, limit).ToArray() : body.ToArray(), truncated);
    }

    private (string Text, string? Title, string? Error) ToText(byte[] bytes, MediaTypeHeaderValue? contentType, string url, bool truncated)
    {
        var media = contentType?.MediaType?.ToLowerInvariant() ?? "";
        string text;
        string? title = null;
        if (media is "text/html" or "application/xhtml+xml" || (media.Length == 0 && TextExtractor.DetectFormat(bytes, null, null) == TextExtractor.Html))
        {
            (text, title) = HtmlText.ToDocument(TextExtractor.Decode(bytes, contentType?.CharSet));
        }
        else if (media == "application/pdf" || (media.Length == 0 && TextExtractor.DetectFormat(bytes, null, null) == TextExtractor.Pdf))
        {
            if (truncated)
            {
                return ("", null, $"the PDF is larger than the {_options.MaxResponseBytes:N0} bytes the tool reads");
            }

            try
            {
                text = PdfText.ToText(bytes, url);
            }
            catch (DocumentFormatException ex)
            {
                return ("", null, ex.Message);
            }
        }
        else if (media.StartsWith("text/", StringComparison.Ordinal) || media.EndsWith("json", StringComparison.Ordinal) || media.EndsWith("xml", StringComparison.Ordinal)
                 || (media.Length == 0 && TextExtractor.DetectFormat(bytes, null, null) is TextExtractor.Text or TextExtractor.Markdown or TextExtractor.Csv or TextExtractor.Json))
        {
            text = TextExtractor.Normalise(TextExtractor.Decode(bytes, contentType?.CharSet));
        }
        else
        {
            return ("", null, $"the content type {media} is not text the tool can read");
        }

        text = text.Trim();
        if (text.Length > _options.MaxTextChars)
        {
            text = text[.._options.MaxTextChars] + "\n[… cut]";
        }

        return (text, title, null);
    }

    private async Task<(string? Problem, IReadOnlyList<string> Domains)> AgentAsync(long companyId, long agentId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(AgentCheck, connection).With("agent_id", agentId).With("company_id", companyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return ($"there is no active agent {agentId} in this company", []);
        }

        return reader.GetBoolean(0) ? (null, reader.GetFieldValue<string[]>(1)) : ("the web tool is not enabled for this agent", []);
    }

    /// <summary>Takes one request of the agent's daily quota: the server's, or the company's policy when it is lower.</summary>
    private async Task<string?> TakeQuotaAsync(long companyId, long agentId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var companyQuota = await new NpgsqlCommand(CompanyQuota, connection).With("company_id", companyId).ScalarAsync<int?>(cancellationToken);
        var quota = companyQuota is { } q && q < _options.DailyQuota ? q : _options.DailyQuota;
        if (quota < 1)
        {
            return "the web tool's daily quota is 0";
        }

        var day = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var used = await new NpgsqlCommand(TakeQuota, connection)
            .With("agent_id", agentId).With("company_id", companyId).With("quota", quota)
            .WithDate("day", day)
            .ScalarAsync<int?>(cancellationToken);
        return used is null ? $"the daily quota of {quota} web requests is used up (it resets at 00:00 UTC)" : null;
    }

    private async Task<long> LogAsync(long companyId, long agentId, long? taskId, string kind, string url, WebFetchResult result, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await new NpgsqlCommand(InsertLog, connection)
            .With("company_id", companyId).With("agent_id", agentId).With("task_id", taskId).With("kind", kind)
            .With("url", url.Length > 4000 ? url[..4000] : url).With("final_url", result.FinalUrl is { Length: > 4000 } f ? f[..4000] : result.FinalUrl)
            .With("outcome", result.Outcome.ToDb()).With("allowed", result.Outcome != WebOutcome.Denied).With("reason", result.Reason)
            .With("status_code", result.StatusCode).With("content_type", result.ContentType).With("bytes", result.Bytes).With("truncated", result.Truncated)
            .With("redirects", result.Redirects).With("duration_ms", Math.Round(result.DurationMs, 3)).With("at", _time.GetUtcNow())
            .ScalarAsync<long>(cancellationToken);
    }
}

internal static class DateParameter
{
    public static NpgsqlCommand WithDate(this NpgsqlCommand command, string name, DateOnly value)
    {
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Date) { Value = value });
        return command;
    }
}
