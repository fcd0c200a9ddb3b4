using Microsoft.Extensions.Logging;

namespace FluidManager.Grains;

/// <summary>The grains' log messages. Event ids: 2000-2099 policy, 2100-2199 storage.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Company {CompanyId}: {Action} denied by {Rule}: {Reason}")]
    public static partial void PolicyDenied(ILogger logger, long companyId, string action, string rule, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Company {CompanyId}: the denial by {Rule} could not be recorded")]
    public static partial void DenialNotRecorded(ILogger logger, long companyId, string rule, Exception exception);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Created the object storage bucket {Bucket} at {Endpoint}")]
    public static partial void BucketCreated(ILogger logger, string bucket, string endpoint);
}
