using System.Text.RegularExpressions;
using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Agents;
using FluidManager.Grains.Interfaces.Companies;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>An agent that could take a mission from the CEO, with how well it fits and why.</summary>
public sealed record MissionCandidate(
    long AgentId,
    string Name,
    string Role,
    string Department,
    int Score,
    int OpenTasks,
    IReadOnlyList<string> Matches,
    string Reason);

/// <summary>
/// Who should take a mission: the suggested agent (null when no active agent reports to the CEO),
/// the reason in words, and every candidate, best first.
/// </summary>
public sealed record MissionSuggestion(long? SuggestedAgentId, string Reason, IReadOnlyList<MissionCandidate> Candidates);

/// <summary>
/// Missions: work the CEO hands to one of its direct reports (level N-1). A mission is created as a
/// task (<c>POST /api/tasks</c> with an assignee); this feature answers which agent should take it.
/// </summary>
public static class MissionsApi
{
    private const int MaxText = 20_000;

    public static IEndpointRouteBuilder MapMissionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/missions").WithTags("Missions");

        group.MapGet("/suggest-assignee", SuggestAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("SuggestMissionAssignee")
            .WithSummary("Which agent reporting to the CEO should take a mission (title, description)? Active direct reports ranked by how their department, role, affinities and bio match the mission's words, then by fewest open tasks.")
            .ProducesValidationProblem();

        return app;
    }

    private static async Task<Ok<MissionSuggestion>> SuggestAsync(ICompanyContext caller, IGrainFactory grains, string? title = null, string? description = null) =>
        TypedResults.Ok(await SuggestAssigneeAsync(grains, caller.CompanyId, title, description));

    /// <summary>The suggestion behind GET /api/missions/suggest-assignee (the MCP tool create_mission asks it too).</summary>
    public static async Task<MissionSuggestion> SuggestAssigneeAsync(IGrainFactory grains, long companyId, string? title, string? description)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(title) && string.IsNullOrWhiteSpace(description))
        {
            errors.Add("title", "A title or a description is required: the suggestion matches their words.");
        }

        if ((title?.Length ?? 0) + (description?.Length ?? 0) > MaxText)
        {
            errors.Add("description", $"At most {MaxText} characters with the title.");
        }

        errors.ThrowIfAny();
        var company = grains.GetGrain<ICompanyGrain>(companyId);
        var reports = (await company.ListAgentsAsync(new ListAgentsQuery(companyId, AgentStatus.Active))).Where(a => a.ReportsToCeo).ToList();
        var open = new Dictionary<long, int>();
        foreach (var agent in reports)
        {
            var tasks = await company.ListTasksAsync(new ListTasksQuery { CompanyId = companyId, AssigneeAgentId = agent.Id, Limit = TasksApi.MaxPage });
            open[agent.Id] = tasks.Count(t => t.Status is not (TaskState.Done or TaskState.Cancelled or TaskState.Failed));
        }

        return MissionRouting.Suggest($"{title} {description}", reports, open);
    }
}

/// <summary>The ranking behind <see cref="MissionsApi"/>; pure, so tests call it without a database.</summary>
public static partial class MissionRouting
{
    private const int DepartmentWeight = 3;
    private const int RoleWeight = 3;
    private const int AffinityWeight = 2;
    private const int BioWeight = 1;

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "for", "with", "our", "this", "that", "from", "into", "new", "all", "its", "are", "was", "will", "what", "who",
        "your", "their", "they", "them", "about", "before", "after", "each", "every", "next", "than", "then", "have", "has", "not",
    };

    public static MissionSuggestion Suggest(string missionText, IReadOnlyList<AgentDto> candidates, IReadOnlyDictionary<long, int> openTasks)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(openTasks);
        var words = Words(missionText).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var ranked = candidates
            .Select(agent => Score(agent, words, openTasks.GetValueOrDefault(agent.Id)))
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.OpenTasks)
            .ThenBy(c => c.AgentId)
            .ToList();
        if (ranked.Count == 0)
        {
            return new MissionSuggestion(null, "No active agent reports to the CEO: hire one, or activate one, to take missions.", ranked);
        }

        var best = ranked[0];
        var reason = best.Score > 0
            ? $"{best.Name} ({best.Role}, {best.Department}) matches the mission best: {best.Reason}"
            : $"No direct report's department, role, affinities or bio matches the mission's words; {best.Name} ({best.Role}) has the fewest open tasks ({best.OpenTasks}).";
        return new MissionSuggestion(best.AgentId, reason, ranked);
    }

    private static MissionCandidate Score(AgentDto agent, HashSet<string> words, int openTasks)
    {
        var profile = agent.Profile;
        var matches = new List<string>();
        var score = 0;
        var reasons = new List<string>();

        void Add(string what, IEnumerable<string> terms, int weight)
        {
            var hits = terms.Where(t => words.Any(w => Same(w, t))).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (hits.Count == 0)
            {
                return;
            }

            score += hits.Count * weight;
            matches.AddRange(hits.Where(h => !matches.Contains(h, StringComparer.OrdinalIgnoreCase)));
            reasons.Add($"{what} ({string.Join(", ", hits)})");
        }

        Add("department", Words(profile.Department), DepartmentWeight);
        Add("role", Words(profile.Role), RoleWeight);
        Add("affinities", profile.Affinities.SelectMany(Words), AffinityWeight);
        Add("bio", Words(profile.Bio), BioWeight);
        var reason = reasons.Count == 0 ? "no word of the mission matches" : string.Join("; ", reasons) + ".";
        return new MissionCandidate(agent.Id, agent.DisplayName, profile.Role, profile.Department, score, openTasks, matches, reason);
    }

    /// <summary>Lower-case words of three letters or more, without common words.</summary>
    public static IEnumerable<string> Words(string? text) =>
        WordPattern().Matches(text ?? "")
            .Select(m => m.Value.ToLowerInvariant())
            .Where(w => w.Length >= 3 && !StopWords.Contains(w));

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();

    /// <summary>The same word, or one a longer form of the other ("market", "marketing"), from five letters on.</summary>
    private static bool Same(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var (shorter, longer) = a.Length <= b.Length ? (a, b) : (b, a);
        return shorter.Length >= 5 && longer.StartsWith(shorter, StringComparison.OrdinalIgnoreCase);
    }
}
