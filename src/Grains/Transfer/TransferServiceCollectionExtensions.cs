using FluidManager.Grains.Interfaces.Transfer;
using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FluidManager.Grains.Transfer;

public static class TransferServiceCollectionExtensions
{
    /// <summary>The company export and import with the sections of this library; other libraries add theirs as <see cref="ICompanySection"/>.</summary>
    public static IServiceCollection AddCompanyTransfer(this IServiceCollection services)
    {
        services.AddGrain<ICompanyTransferGrain, CompanyTransferGrain>("company-transfer");
        services.AddSingleton<ICompanySection, AgentsSection>();
        services.AddSingleton<ICompanySection, CompanyPolicySection>();
        services.AddSingleton<ICompanySection, PolicyRulesSection>();
        services.AddSingleton<ICompanySection, SchedulesSection>();
        services.AddSingleton<ICompanySection, WorkflowsSection>();
        return services;
    }
}
