using FluidManager.Grains.Access;
using FluidManager.Grains.Alerts;
using FluidManager.Grains.Tools;
using FluidManager.Grains.Transfer;
using FluidManager.Knowledge.Audit;
using FluidManager.Knowledge.Email;
using FluidManager.Knowledge.Embeddings;
using FluidManager.Knowledge.Ingestion;
using FluidManager.Knowledge.Mcp;
using FluidManager.Knowledge.Retrieval;
using FluidManager.Knowledge.Spaces;
using FluidManager.Knowledge.SqlTool;
using FluidManager.Knowledge.Tools;
using FluidManager.Knowledge.Web;
using FluidManager.Models.Hosting;
using FluidManager.Runtime.Hosting;
using FluidManager.Runtime.Silos;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FluidManager.Knowledge;

/// <summary>Registration entry point of knowledge spaces and the governed data tools.</summary>
public static class KnowledgeHostingExtensions
{
    /// <summary>
    /// Adds knowledge spaces (grains <c>knowledge</c> and <c>knowledge-space</c>, the <c>knowledge.ingest</c>
    /// activity), retrieval, the SQL and web tools and their agent tools (<c>search_knowledge</c>,
    /// <c>query_sql</c>, <c>fetch_web_page</c>, run by the <c>agent.tool</c> activity), the company's MCP
    /// servers as per-agent tool sources (secrets under Data Protection, health checks), the send_email tool
    /// (the company's SMTP account, MailKit), the schema they own
    /// (migrations 0200-0249, 0320-0339 and 0900-0909), the embedding index that follows the configured model (checked at
    /// start-up; the <c>knowledge-index</c> grain and <c>knowledge.reembed</c> activity re-embed it) and the model
    /// layer for embeddings. Settings: <c>Fluid:Knowledge</c> (<see cref="KnowledgeOptions"/>), checked at start-up;
    /// the SQL tool's own connection string <c>ConnectionStrings:FluidSqlTool</c> (<see cref="SqlToolConnection"/>).
    /// Needs <c>AddFluidRuntime</c> and <c>AddGrains</c>.
    /// </summary>
    public static IHostApplicationBuilder AddKnowledge(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(KnowledgeRetriever)))
        {
            return builder;
        }

        builder.AddModels();
        services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KnowledgeOptions>, KnowledgeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMigrations(typeof(KnowledgeHostingExtensions).Assembly);

        // Type names are stored in messages, reminders and activities: never rename them.
        services.AddGrain<IKnowledgeGrain, KnowledgeGrain>("knowledge");
        services.AddGrain<IKnowledgeSpaceGrain, KnowledgeSpaceGrain>("knowledge-space");
        services.AddSingleton<ICompanySection, KnowledgeSpacesSection>();
        services.AddSingleton<ICompanySection, Triggers.WorkflowTriggersSection>();
        services.AddActivityHandler<IngestActivity>();
        services.AddGrain<IKnowledgeIndexGrain, KnowledgeIndexGrain>("knowledge-index");
        services.AddActivityHandler<ReembedActivity>();
        services.AddSingleton<EmbeddingIndex>();
        services.AddHostedService<EmbeddingIndexStartup>();

        services.AddSingleton<DenialRecorder>();
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<KnowledgeRetriever>();
        var configuration = builder.Configuration;
        services.TryAddSingleton(sp => SqlToolConnection.From(configuration, sp.GetRequiredService<RuntimeConnection>().ConnectionString));
        services.AddSingleton<SqlToolExecutor>();
        services.AddSingleton<SqlSources>();
        services.AddSingleton<WebFetcher>();

        services.AddAgentTool<KnowledgeSearchTool>();
        services.AddAgentTool<SqlQueryTool>();
        services.AddAgentTool<WebFetchTool>();

        // MCP servers as tool sources: secrets under Data Protection, whose key ring the database keeps.
        services.AddDataProtection().SetApplicationName("fluidManager");
        services.TryAddSingleton<DataProtectionKeyRepository>();
        services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeyRepository>((o, keys) => o.XmlRepository = keys);
        services.AddSingleton<McpSecrets>();
        services.AddSingleton<McpConnections>();
        services.AddSingleton<McpServers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentToolSource, McpToolSource>());
        services.AddHostedService<McpHealthMonitor>();
        services.AddSingleton<EmailSettings>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgentToolSource, EmailToolSource>());
        services.AddSingleton<ImapSettings>();
        services.AddActivityHandler<MailboxCheckActivity>();
        services.PostConfigure<Grains.Schedules.MailboxCheckOptions>(o => o.Activity ??= MailboxCheckActivity.ActivityKind);

        // Fired alerts leave the server: signed webhook deliveries and e-mails, each a leased activity.
        // Deliveries connect only to addresses the webhook policy allows (Fluid:Webhooks), checked after DNS resolution.
        services.AddOptions<Webhooks.WebhookOptions>().BindConfiguration(Webhooks.WebhookOptions.Section);
        services.AddSingleton<Webhooks.Webhooks>();
        services.AddSingleton<Triggers.WorkflowTriggers>();
        services.AddHttpClient(Webhooks.WebhookDeliveryActivity.HttpClientName, (sp, client) =>
        {
            client.Timeout = sp.GetRequiredService<IOptions<AlertOptions>>().Value.DeliveryTimeout;
        })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<IOptions<Webhooks.WebhookOptions>>().Value.Policy().Handler());
        services.AddActivityHandler<Webhooks.WebhookDeliveryActivity>();
        services.AddActivityHandler<Webhooks.AlertEmailActivity>();
        services.PostConfigure<AlertOptions>(o => o.EmailActivity ??= Webhooks.AlertEmailActivity.ActivityKind);
        return builder;
    }

    /// <summary>Adds a web search provider and offers the <c>search_web</c> tool to web-enabled agents.</summary>
    public static IServiceCollection AddWebSearchProvider<TProvider>(this IServiceCollection services) where TProvider : class, IWebSearchProvider
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWebSearchProvider, TProvider>());
        services.AddAgentTool<WebSearchTool>();
        return services;
    }
}
