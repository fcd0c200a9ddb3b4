using Microsoft.Extensions.Options;

namespace FluidManager.Grains.Storage;

/// <summary>Refuses to start with an S3 store that lacks its bucket or keys, naming the missing settings.</summary>
internal sealed class ObjectStorageOptionsValidator : IValidateOptions<ObjectStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, ObjectStorageOptions options)
    {
        if (options.Kind != ObjectStorageKind.S3)
        {
            return ValidateOptionsResult.Success;
        }

        var s3 = options.S3;
        var prefix = $"{ObjectStorageOptions.Section}:S3:";
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(s3.Bucket))
        {
            failures.Add($"{prefix}Bucket is required when {ObjectStorageOptions.Section}:Kind is s3.");
        }

        if (string.IsNullOrWhiteSpace(s3.AccessKey))
        {
            failures.Add($"{prefix}AccessKey is required when {ObjectStorageOptions.Section}:Kind is s3.");
        }

        if (string.IsNullOrWhiteSpace(s3.SecretKey))
        {
            failures.Add($"{prefix}SecretKey is required when {ObjectStorageOptions.Section}:Kind is s3.");
        }

        if (!string.IsNullOrWhiteSpace(s3.ServiceUrl)
            && (!Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.AbsolutePath != "/" || url.Query.Length > 0))
        {
            failures.Add($"{prefix}ServiceUrl must be an http or https URL without a path, such as http://localhost:9000 (https for TLS).");
        }

        if (string.IsNullOrWhiteSpace(s3.Region))
        {
            failures.Add($"{prefix}Region must not be empty (us-east-1 unless the server says otherwise).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
