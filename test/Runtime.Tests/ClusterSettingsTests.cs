using FluidManager.Runtime.Grains;
using FluidManager.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace FluidManager.Runtime.Tests;

/// <summary>How a silo's membership timings and its resend of failed calls are set up (no silo is started).</summary>
public sealed class ClusterSettingsTests
{
    [Fact]
    public void Without_settings_a_silo_keeps_the_membership_defaults_of_Orleans()
    {
        var options = Membership([]);

        options.ProbeTimeout.Should().Be(TimeSpan.FromSeconds(5));
        options.NumMissedProbesLimit.Should().Be(3);
        options.NumVotesForDeathDeclaration.Should().Be(2);
        options.TableRefreshTimeout.Should().Be(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Membership_settings_apply_over_the_fast_membership_preset()
    {
        var options = Membership(new()
        {
            ["Fluid:Cluster:FastMembership"] = "true",
            ["Fluid:Cluster:Membership:NumVotesForDeathDeclaration"] = "2",
            ["Fluid:Cluster:Membership:EnableIndirectProbes"] = "false",
        });

        options.ProbeTimeout.Should().Be(TimeSpan.FromSeconds(1), "the preset's");
        options.NumMissedProbesLimit.Should().Be(2, "the preset's");
        options.NumVotesForDeathDeclaration.Should().Be(2, "the setting wins over the preset");
        options.EnableIndirectProbes.Should().BeFalse();
    }

    [Fact]
    public void Only_calls_to_grains_are_sent_again_never_to_a_silo_pinned_system_target_or_a_client()
    {
        var silo = SiloAddress.New(System.Net.IPAddress.Loopback, 11111, 1);

        UnsentCallRetryFilter.CanMove(GrainId.Create("task", "42")).Should().BeTrue("a grain activates on a living silo once its silo is struck off");
        UnsentCallRetryFilter.CanMove(SystemTargetGrainId.Create(SystemTargetGrainId.CreateGrainType("dir"), silo).GrainId).Should().BeFalse("a directory partition lives on its silo");
        UnsentCallRetryFilter.CanMove(GrainId.Create(GrainTypePrefix.ClientPrefix, "api")).Should().BeFalse("a client is one process");
    }

    private static ClusterMembershipOptions Membership(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:Fluid"] = "Host=127.0.0.1;Database=unused",
            ["Fluid:Cluster:Dashboard"] = "false",
        });
        builder.AddFluidRuntime();
        builder.AddFluidSilo();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
    }
}
