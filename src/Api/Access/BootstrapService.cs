using FluidManager.Grains.Access;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Access;

/// <summary>
/// First start: when the deployment has no company, creates one and its owner (ceo) account, and
/// logs the line with "owner account" (with the password when it was generated). Runs after the
/// migrations; several Api instances starting together create exactly one company.
/// </summary>
public sealed class BootstrapService(CompanyDirectory companies, IOptions<BootstrapOptions> options, ILogger<BootstrapService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        var result = await companies.BootstrapAsync(settings.CompanyName, settings.OwnerEmail, settings.OwnerName, settings.OwnerPassword, cancellationToken);
        if (result is null)
        {
            return;
        }

        if (!result.AccountCreated)
        {
            Log.OwnerAccountExisted(logger, result.OwnerEmail, result.Company.Name);
        }
        else if (result.GeneratedPassword is { } password)
        {
            Log.OwnerCreatedWithGeneratedPassword(logger, result.OwnerEmail, result.Company.Name, password);
        }
        else
        {
            Log.OwnerCreatedWithConfiguredPassword(logger, result.OwnerEmail, result.Company.Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
