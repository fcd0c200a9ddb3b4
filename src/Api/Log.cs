namespace FluidManager.Api;

/// <summary>The Api's log messages. Ids: 1xx first start (11x the demo company), 2xx sign-in, 3xx idempotency, 4xx live events, 5xx operators, 7xx the MCP endpoint.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Warning, "Created the owner account {Email} of company \"{Company}\" with the generated password {Password} (shown only this once: sign in and change it)")]
    public static partial void OwnerCreatedWithGeneratedPassword(ILogger logger, string email, string company, string password);

    [LoggerMessage(101, LogLevel.Information, "Created the owner account {Email} of company \"{Company}\" with the password from Fluid:Bootstrap:OwnerPassword")]
    public static partial void OwnerCreatedWithConfiguredPassword(ILogger logger, string email, string company);

    [LoggerMessage(102, LogLevel.Information, "Company \"{Company}\" created; its owner account {Email} already existed and keeps its password")]
    public static partial void OwnerAccountExisted(ILogger logger, string email, string company);

    [LoggerMessage(110, LogLevel.Information, "Loaded the demo company from {Path} into company {CompanyId}: {Agents} agents, {Missions} missions, {Steps} steps")]
    public static partial void DemoLoaded(ILogger logger, string path, long companyId, int agents, int missions, int steps);

    [LoggerMessage(111, LogLevel.Information, "Company {CompanyId} already has {Agents} agents: the demo company is not loaded again")]
    public static partial void DemoSkipped(ILogger logger, long companyId, int agents);

    [LoggerMessage(112, LogLevel.Warning, "Fluid:Demo:Load is on but the demo scenario {Path} was not found (content root {ContentRoot}); set Fluid:Demo:Path")]
    public static partial void DemoNotFound(ILogger logger, string path, string contentRoot);

    [LoggerMessage(113, LogLevel.Error, "The demo scenario {Path} is not valid and was not loaded: {Problems}")]
    public static partial void DemoInvalid(ILogger logger, string path, string problems);

    [LoggerMessage(114, LogLevel.Error, "Loading the demo scenario {Path} stopped: {Error}")]
    public static partial void DemoFailed(ILogger logger, string path, string error);

    [LoggerMessage(115, LogLevel.Warning, "Demo scenario {Where} ({Description}) did not go as the file expects: {Detail}")]
    public static partial void DemoStepUnexpected(ILogger logger, string where, string description, string detail);

    [LoggerMessage(200, LogLevel.Information, "User {UserId} signed in to company {CompanyId}")]
    public static partial void SignedIn(ILogger logger, long userId, long companyId);

    [LoggerMessage(201, LogLevel.Warning, "Failed sign-in for {Email} from {Address}")]
    public static partial void SignInFailed(ILogger logger, string email, string address);

    [LoggerMessage(202, LogLevel.Warning, "Sign-in attempts for {Email} from {Address} are rate limited")]
    public static partial void SignInThrottled(ILogger logger, string email, string address);

    [LoggerMessage(300, LogLevel.Information, "Purged {Count} expired idempotency keys")]
    public static partial void IdempotencyPurged(ILogger logger, int count);

    [LoggerMessage(301, LogLevel.Warning, "Purging expired idempotency keys failed: {Error}")]
    public static partial void IdempotencyPurgeFailed(ILogger logger, string error);

    [LoggerMessage(400, LogLevel.Warning, "Pushing event {Position} to live clients failed (they catch up from the log): {Error}")]
    public static partial void LivePushFailed(ILogger logger, long position, string error);

    [LoggerMessage(500, LogLevel.Warning, "Silo {Silo} did not report its runtime statistics; it is listed without an activation count: {Error}")]
    public static partial void SiloStatisticsUnavailable(ILogger logger, string silo, string error);

    [LoggerMessage(501, LogLevel.Warning, "Reading the cluster's figures for /metrics failed; the last ones are served: {Error}")]
    public static partial void MetricsReadFailed(ILogger logger, string error);

    [LoggerMessage(700, LogLevel.Information, "MCP tool {Tool} refused to user {UserId} of company {CompanyId}: role {Role} may use the read-only tools only")]
    public static partial void McpToolRefused(ILogger logger, string tool, long userId, long companyId, string role);
}
