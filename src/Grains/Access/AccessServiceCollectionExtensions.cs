using FluidManager.Runtime.Events;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FluidManager.Grains.Access;

/// <summary>Registration of the access layer's stores (accounts, companies, tokens, idempotency keys, cookie keys) and the writer of their events.</summary>
public static class AccessServiceCollectionExtensions
{
    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Member changes write their events in their own transaction (the runtime registers the same).
        services.AddOptions();
        services.TryAddSingleton<EventWriter>();
        services.TryAddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.TryAddSingleton<UserDirectory>();
        services.TryAddSingleton<CompanyDirectory>();
        services.TryAddSingleton<ApiTokenStore>();
        services.TryAddSingleton<IdempotencyStore>();
        services.TryAddSingleton<DataProtectionKeyRepository>();
        return services;
    }
}
