using FluidManager.Api.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FluidManager.Api.Hosting;

/// <summary>
/// What the OpenAPI document promises beyond the endpoints' own metadata: the two ways to sign in
/// (the session cookie and bearer API tokens) and each operation's requirement, the 401 and 403
/// answers every protected operation may give, a description for every tag, and integers typed as
/// integers (the API reads numbers written as strings too, but documents only the number form).
/// </summary>
public static class OpenApiContract
{
    public const string SessionScheme = "session";
    public const string TokenScheme = "apiToken";

    /// <summary>Every tag's description, shown by the explorer; a tag missing here fails the contract test.</summary>
    public static readonly IReadOnlyDictionary<string, string> TagDescriptions = new Dictionary<string, string>
    {
        ["Agents"] = "Hiring agents, their settings, budgets, avatars, capabilities and progress.",
        ["Alerts"] = "Alert rules per company, the alerts they raised and the CEO's notification centre.",
        ["Analytics"] = "Failure rates, durations, retries, approval waits and model latency, from the analytics views.",
        ["Approvals"] = "The CEO's approvals inbox and the clarifications agents ask for.",
        ["Audit"] = "One filtered view over SQL statements, web requests, retrievals, tool calls, denials and decisions, with a CSV export.",
        ["Auth"] = "Signing in and out, the current session and password changes.",
        ["Cluster"] = "Operators' view of the silos, dead letters and the knowledge index.",
        ["Companies"] = "The companies the caller belongs to, and creating new ones.",
        ["Company policy"] = "Allowed models, budgets, default limits, web quota and assignment routing of a company.",
        ["Company transfer"] = "Exporting a company as one JSON document (never its secrets) and importing it into an empty company, or as a dry run.",
        ["Costs"] = "Tokens, cost and duration by agent, task, mission, meeting and period, and each task's model and tool calls.",
        ["Events"] = "The committed event log, read from a position (the hub streams the same events live).",
        ["Inbox"] = "Everything waiting for the caller: approvals, clarifications, escalations and playbook changes.",
        ["Integrations"] = "MCP servers as tool sources, their tools, classifications and grants, and the company's mail settings.",
        ["Knowledge"] = "Knowledge spaces, their ACLs and documents, retrieval, SQL sources and the web tool.",
        ["Meetings"] = "Meetings, their messages and minutes, and the calls to action they dispatch.",
        ["Memory"] = "What each agent remembers (episodes, facts, lessons) and its playbook, with provenance.",
        ["Missions"] = "Missions given by the CEO and the task trees agents build for them.",
        ["Org chart"] = "The org chart: who reports to whom, and who may command whom.",
        ["Policies"] = "Hierarchy and approval rules that decide delegation and which actions wait for the CEO.",
        ["Schedules"] = "Cyclic work: schedules that create tasks on a cron or an interval.",
        ["Tasks"] = "Tasks and their control: pause, resume, cancel, retry, reassign, priority, deadlines, comments, worklog and artifacts.",
        ["Tokens"] = "The caller's personal API tokens.",
        ["Users"] = "The members of the current company and their roles.",
        ["Webhooks"] = "Outbound webhooks: signed deliveries of the company's alerts, retried with backoff, and their delivery log.",
        ["Workflow runs"] = "Runs of workflow templates: their steps as tasks, results, costs, and pause, resume, retry, skip and cancel.",
        ["Workflow triggers"] = "Webhook triggers whose signed deliveries start workflow runs, and each trigger's firing history.",
        ["Workflows"] = "Workflow templates: validation, versions, previews and starting runs.",
    };

    /// <summary>Adds the contract's transformers to the OpenAPI document.</summary>
    public static OpenApiOptions AddContract(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            DescribeDocument(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            DescribeAccess(operation, context);
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, _, _) =>
        {
            NumbersAsNumbers(schema);
            return Task.CompletedTask;
        });
        return options;
    }

    private static void DescribeDocument(OpenApiDocument document)
    {
        document.Info.Title = "fluidManager API";
        document.Info.Description =
            "Runs a company staffed by AI agents. Sign in with the session cookie (POST /api/auth/login) " +
            "or send a personal API token as \"Authorization: Bearer fm_…\". Errors are RFC 9457 problem details.";
        document.Servers = [new OpenApiServer { Url = "/", Description = "The host serving this document." }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = AccessSchemes.CookieName,
            Description = "The session cookie set by POST /api/auth/login.",
        };
        document.Components.SecuritySchemes[TokenScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "fm_<prefix>_<secret>",
            Description = "A personal API token created under /api/tokens; it acts as its owner in one company.",
        };

        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        // The requirements name the schemes by reference, which needs the document they live in.
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => p.Operations ?? []).Select(o => o.Value))
        {
            if (operation.Security is { Count: 1 } security && security[0].Count == 0 && operation.Metadata?.ContainsKey(Protected) == true)
            {
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SessionScheme, document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(TokenScheme, document)] = [] },
                ];
                operation.Metadata.Remove(Protected);
            }
        }
    }

    private const string Protected = "fluid:protected";

    private static void DescribeAccess(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            // Public: an empty requirement list says so explicitly.
            operation.Security = [];
            return;
        }

        // Marked here, replaced by the scheme references once the whole document exists.
        operation.Security = [new OpenApiSecurityRequirement()];
        operation.Metadata ??= new Dictionary<string, object>();
        operation.Metadata[Protected] = true;

        operation.Responses ??= [];
        operation.Responses.TryAdd("401", Problem("Not signed in, or the API token is unknown, expired or revoked."));
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).Where(p => p is not null && p != AccessPolicies.Read).ToList();
        if (policies.Count > 0)
        {
            operation.Responses.TryAdd("403", Problem("The caller's role in the company does not allow this operation."));
            var roles = string.Join(", ", policies.Distinct().Select(RoleNames));
            operation.Description = string.IsNullOrEmpty(operation.Description) ? $"Requires: {roles}." : $"{operation.Description}\n\nRequires: {roles}.";
        }
    }

    private static string RoleNames(string? policy) => policy switch
    {
        AccessPolicies.Command => "the CEO role",
        AccessPolicies.Admin => "the CEO or admin role",
        AccessPolicies.Operator => "an operator",
        _ => policy ?? "",
    };

    private static OpenApiResponse Problem(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails") },
        },
    };

    /// <summary>"integer or string" (and "number or string") become the number alone, without the string's pattern.</summary>
    private static void NumbersAsNumbers(OpenApiSchema schema)
    {
        if (schema.Type is not { } type || !type.HasFlag(JsonSchemaType.String))
        {
            return;
        }

        if (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }
}
