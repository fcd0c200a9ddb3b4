namespace FluidManager.Knowledge.Tests;

/// <summary>The hosts of <see cref="KnowledgeApiFixture"/> with the default webhook policy: deliveries reach public addresses only.</summary>
public sealed class PublicWebhooksApiFixture : KnowledgeApiFixture
{
    protected override bool WebhooksToPrivateNetworks => false;
}
