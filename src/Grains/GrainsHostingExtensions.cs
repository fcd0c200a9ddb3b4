using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.Hosting;

namespace FluidManager.Grains;

/// <summary>Registration entry point of the company's grains.</summary>
public static class GrainsHostingExtensions
{
    /// <summary>Registers every grain of a company and the schema they own.</summary>
    public static IHostApplicationBuilder AddGrains(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMigrations(typeof(GrainsHostingExtensions).Assembly);
        return builder;
    }
}
