using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FluidManager.Grains.Access;

/// <summary>Registration of the access layer's stores (accounts, companies, tokens, idempotency keys, cookie keys).</summary>
public static class AccessServiceCollectionExtensions
{
    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.TryAddSingleton<UserDirectory>();
        services.TryAddSingleton<CompanyDirectory>();
        services.TryAddSingleton<ApiTokenStore>();
        services.TryAddSingleton<IdempotencyStore>();
        services.TryAddSingleton<DataProtectionKeyRepository>();
        return services;
    }
}
