using System.Reflection;
using FluidManager.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FluidManager.Api.Tests;

/// <summary>The real Api host on its own migrated database.</summary>
public sealed class ApiFixture : DatabaseFixture
{
    private WebApplicationFactory<Program>? _factory;

    protected override Assembly[] MigrationAssemblies => [typeof(Runtime.Hosting.FluidRuntimeHostingExtensions).Assembly, typeof(Grains.GrainsHostingExtensions).Assembly];

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("not initialised");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Fluid", ConnectionString);
            b.UseEnvironment("Testing");
        });
    }

    public override async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
