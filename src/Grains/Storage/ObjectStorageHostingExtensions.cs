using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluidManager.Grains.Storage;

public static class ObjectStorageHostingExtensions
{
    /// <summary>
    /// Adds the <see cref="IObjectStore"/> chosen by <c>Fluid:Storage:Kind</c> (filesystem or s3),
    /// with its settings validated at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddObjectStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ObjectStorageOptions>().BindConfiguration(ObjectStorageOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ObjectStorageOptions>, ObjectStorageOptionsValidator>());
        builder.Services.TryAddSingleton<IObjectStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ObjectStorageOptions>>().Value;
            return options.Kind switch
            {
                ObjectStorageKind.S3 => S3ObjectStore.Create(options.S3, sp.GetService<ILogger<S3ObjectStore>>()),
                // A relative path is taken from the content root; Path.Combine keeps an absolute one as is.
                _ => new FileSystemObjectStore(Path.Combine(
                    sp.GetRequiredService<IHostEnvironment>().ContentRootPath,
                    options.Path is { Length: > 0 } path ? path : Path.Combine(".data", "objects"))),
            };
        });
        return builder;
    }
}
