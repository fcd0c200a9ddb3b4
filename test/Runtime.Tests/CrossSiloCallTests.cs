using FluidManager.Runtime.Grains;
using FluidManager.Runtime.TestGrains;

namespace FluidManager.Runtime.Tests;

/// <summary>Calls whose caller and grain activation are on different silos of the cluster.</summary>
public sealed class CrossSiloCallTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task A_call_cycle_reaches_a_caller_on_another_silo_as_a_reentrancy_error_with_its_chain()
    {
        await using var caller = await RuntimeHost.StartAsync(database, pumps: false, name: "caller");
        await using var host = await RuntimeHost.StartAsync(database, pumps: false, name: "host");
        var account = await ActivatedOnAsync(host, "host", caller);

        var act = () => caller.Grains.GetGrain<IAccountGrain>(account).TransferAsync(account, 1);

        (await act.Should().ThrowAsync<GrainReentrancyException>()).Which.Message.Should().Contain($"account/{account} → account/{account}");
        (await caller.Grains.GetGrain<IAccountGrain>(account).BalanceAsync()).Should().Be(10);
    }

    /// <summary>Opens accounts through <paramref name="silo"/> until one is activated there, not on <paramref name="other"/>.</summary>
    private static async Task<string> ActivatedOnAsync(RuntimeHost silo, string siloName, RuntimeHost other)
    {
        var management = other.Get<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var address = (await management.GetDetailedHosts(onlyActive: true)).Single(h => h.SiloName == siloName).SiloAddress;
        for (var i = 0; i < 50; i++)
        {
            var key = $"remote-{i}";
            await silo.Grains.GetGrain<IAccountGrain>(key).OpenAsync(10);
            if (await management.GetActivationAddress(other.Get<IGrainFactory>().GetGrain<IAccountGrain>(key)) == address)
            {
                return key;
            }
        }

        throw new InvalidOperationException($"None of 50 accounts was activated on {siloName}.");
    }
}
