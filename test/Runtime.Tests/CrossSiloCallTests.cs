using FluidManager.Runtime.Grains;
using FluidManager.Runtime.TestGrains;

namespace FluidManager.Runtime.Tests;

/// <summary>Calls whose caller and grain activation are on different silos of the cluster.</summary>
public sealed class CrossSiloCallTests(RuntimeDatabase database) : IClassFixture<RuntimeDatabase>
{
    [Fact]
    public async Task A_call_cycle_reaches_a_caller_on_another_silo_as_a_reentrancy_error_with_its_chain()
    {
        await using var first = await RuntimeHost.StartAsync(database, pumps: false, name: "first");
        await using var second = await RuntimeHost.StartAsync(database, pumps: false, name: "second");
        const string account = "remote";
        await first.Grains.GetGrain<IAccountGrain>(account).OpenAsync(10);
        var caller = await OtherThanTheActivationsAsync(account, (first, "first"), (second, "second"));

        var act = () => caller.Grains.GetGrain<IAccountGrain>(account).TransferAsync(account, 1);

        (await act.Should().ThrowAsync<GrainReentrancyException>()).Which.Message.Should().Contain($"account/{account} → account/{account}");
        (await caller.Grains.GetGrain<IAccountGrain>(account).BalanceAsync()).Should().Be(10);
    }

    /// <summary>
    /// The silo that does not hold the account's activation, wherever placement put it: the call then crosses silos
    /// whichever silo Orleans' placement preferred (it weighs each silo's load, so it may prefer either every time).
    /// </summary>
    private static async Task<RuntimeHost> OtherThanTheActivationsAsync(string account, (RuntimeHost Host, string Name) first, (RuntimeHost Host, string Name) second)
    {
        var management = first.Host.Get<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var activatedOn = await management.GetActivationAddress(first.Host.Grains.GetGrain<IAccountGrain>(account));
        var holder = (await management.GetDetailedHosts(onlyActive: true)).Single(h => h.SiloAddress == activatedOn).SiloName;
        holder.Should().BeOneOf(first.Name, second.Name);
        return holder == first.Name ? second.Host : first.Host;
    }
}
