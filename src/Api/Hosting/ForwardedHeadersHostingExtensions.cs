using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace FluidManager.Api.Hosting;

/// <summary>The forwarded headers of a reverse proxy, as <see cref="ForwardedHeadersSettings"/> allow.</summary>
public static class ForwardedHeadersHostingExtensions
{
    /// <summary>
    /// Binds <c>Fluid:Api:ForwardedHeaders</c> (validated at start-up, naming a malformed address) and,
    /// when it is enabled, reads the trusted proxies' headers first thing in the pipeline, before
    /// anything looks at the client's address or scheme.
    /// </summary>
    public static IHostApplicationBuilder AddForwardedHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ForwardedHeadersSettings>, ForwardedHeadersSettingsValidator>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((options, settings) => Apply(settings.Value, options));
        builder.Services.AddTransient<IStartupFilter, ForwardedHeadersStartupFilter>();
        return builder;
    }

    private static void Apply(ForwardedHeadersSettings settings, ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
            | (settings.ForwardHost ? ForwardedHeaders.XForwardedHost : ForwardedHeaders.None);
        options.ForwardLimit = settings.ForwardLimit;
        if (settings.KnownProxies.Count == 0 && settings.KnownNetworks.Count == 0)
        {
            return; // ASP.NET Core's default: loopback only.
        }

        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in settings.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
        }

        foreach (var network in settings.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
        }
    }

    private sealed class ForwardedHeadersStartupFilter(IOptions<ForwardedHeadersSettings> settings) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (settings.Value.Enabled)
            {
                app.UseForwardedHeaders();
            }

            next(app);
        };
    }

    private sealed class ForwardedHeadersSettingsValidator : IValidateOptions<ForwardedHeadersSettings>
    {
        public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options)
        {
            var failures = new List<string>();
            if (options.ForwardLimit < 1)
            {
                failures.Add($"{ForwardedHeadersSettings.Section}:ForwardLimit must be at least 1 (the number of proxies in front of the Api).");
            }

            for (var i = 0; i < options.KnownProxies.Count; i++)
            {
                if (!IPAddress.TryParse(options.KnownProxies[i].Trim(), out _))
                {
                    failures.Add($"{ForwardedHeadersSettings.Section}:KnownProxies:{i} '{options.KnownProxies[i]}' is not an IP address (such as 10.0.0.5 or ::1).");
                }
            }

            for (var i = 0; i < options.KnownNetworks.Count; i++)
            {
                if (!System.Net.IPNetwork.TryParse(options.KnownNetworks[i].Trim(), out _))
                {
                    failures.Add($"{ForwardedHeadersSettings.Section}:KnownNetworks:{i} '{options.KnownNetworks[i]}' is not a network in CIDR notation (such as 172.16.0.0/12).");
                }
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
