using System.Text.RegularExpressions;

namespace FluidManager.Models.Offline;

/// <summary>
/// Areas of work the offline model recognises in roles, departments and task text, each with the
/// sections a deliverable of that area has. Used to word answers by role and to route delegated parts.
/// </summary>
internal sealed partial record WorkArea(string Name, string Deliverable, string[] Sections, string[] Keywords)
{
    public static readonly WorkArea Marketing = new("marketing", "campaign brief",
        ["Audience", "Key message", "Channels", "Timeline", "Success metrics"],
        ["market*", "campaign*", "brand*", "audience*", "social", "ads", "advert*", "seo", "promo*", "cmo", "growth"]);

    public static readonly WorkArea Content = new("content", "draft",
        ["Angle", "Outline", "Draft", "Call to action", "Review notes"],
        ["write*", "writing", "written", "copy*", "blog*", "post", "posts", "article*", "content", "announc*", "newsletter*", "script*", "press", "editor*"]);

    public static readonly WorkArea Engineering = new("engineering", "technical plan",
        ["Requirements", "Design", "Implementation plan", "Tests", "Rollout"],
        ["code", "coding", "api", "apis", "build", "implement*", "bug", "bugs", "deploy*", "backend", "frontend", "database*", "integrat*", "app", "apps",
         "website*", "software", "develop*", "engineer*", "cto", "devops", "qa", "tester*", "programm*", "infra*", "server*"]);

    public static readonly WorkArea Design = new("design", "design brief",
        ["User journey", "Layout", "Visual direction", "Accessibility", "Handoff"],
        ["design*", "logo*", "mockup*", "ui", "ux", "visual*", "landing", "banner*", "illustrat*"]);

    public static readonly WorkArea Finance = new("finance", "financial analysis",
        ["Cost breakdown", "Budget impact", "Cash-flow timing", "Risks", "Recommendation"],
        ["budget*", "cost*", "price*", "pricing", "forecast*", "invoic*", "spend*", "revenue*", "financ*", "payment*", "roi", "cfo", "accountant*", "accounting", "controller"]);

    public static readonly WorkArea Sales = new("sales", "sales plan",
        ["Target accounts", "Value proposition", "Outreach sequence", "Objections", "Targets"],
        ["sales", "sell*", "leads", "deal", "deals", "customer*", "prospect*", "outreach", "crm", "pipeline*", "partner*", "sdr", "bdr"]);

    public static readonly WorkArea Legal = new("legal", "legal review",
        ["Obligations", "Compliance checks", "Risky clauses", "Required approvals", "Recommendation"],
        ["legal", "contract*", "complian*", "gdpr", "terms", "privacy", "licen*", "lawyer*", "counsel*"]);

    public static readonly WorkArea People = new("people", "hiring plan",
        ["Role profile", "Sourcing", "Interview loop", "Onboarding", "Timeline"],
        ["hire", "hiring", "recruit*", "onboard*", "interview*", "candidate*", "people", "training", "hr", "talent"]);

    public static readonly WorkArea Research = new("research", "research note",
        ["Question", "Sources", "Method", "Findings", "Next steps"],
        ["research*", "analys*", "analyz*", "analyt*", "data", "survey*", "competitor*", "report", "reports", "metric*", "study", "scien*"]);

    public static readonly WorkArea Support = new("support", "support playbook",
        ["Customer impact", "Answer templates", "Escalation path", "Knowledge base", "Follow-up"],
        ["support", "ticket*", "faq", "faqs", "helpdesk", "complaint*", "success"]);

    public static readonly WorkArea Operations = new("operations", "process proposal",
        ["Current process", "Bottlenecks", "Proposed changes", "Owners", "Timeline"],
        ["process*", "operation*", "logistic*", "vendor*", "supplier*", "workflow*", "coo", "ops"]);

    public static readonly WorkArea Product = new("product", "product spec",
        ["User problem", "Scope", "Acceptance criteria", "Milestones", "Open questions"],
        ["product*", "roadmap*", "requirement*", "spec", "specs", "feature*", "user", "users", "pm"]);

    public static readonly WorkArea Leadership = new("leadership", "plan",
        ["Objective", "Workstreams", "Owners", "Milestones", "Risks"],
        ["ceo", "chief", "head", "director*", "lead", "manager*", "vp", "president", "founder*"]);

    public static readonly WorkArea General = new("general", "work note",
        ["Goal", "Approach", "Deliverable", "Checks", "Next steps"], []);

    /// <summary>Areas in the order used to break ties: the specific before the generic.</summary>
    public static readonly WorkArea[] All =
        [Content, Marketing, Engineering, Design, Finance, Sales, Legal, People, Research, Support, Operations, Product, Leadership];

    /// <summary>The areas with a keyword equal to a word of <paramref name="text"/> (a keyword ending in <c>*</c> is a stem).</summary>
    public static HashSet<WorkArea> Of(string? text)
    {
        var found = new HashSet<WorkArea>();
        foreach (var word in Words(text))
        {
            foreach (var area in All)
            {
                if (area.Keywords.Any(k => k.EndsWith('*') ? word.StartsWith(k[..^1], StringComparison.Ordinal) : word == k))
                {
                    found.Add(area);
                }
            }
        }

        return found;
    }

    /// <summary>The area that best describes an agent: by role first, then by department, else leadership or general.</summary>
    public static WorkArea ForAgent(string? role, string? department)
    {
        var byRole = Of(role);
        var specific = All.FirstOrDefault(a => a != Leadership && byRole.Contains(a));
        if (specific is not null)
        {
            return specific;
        }

        var byDepartment = Of(department);
        return All.FirstOrDefault(a => a != Leadership && byDepartment.Contains(a))
            ?? (byRole.Contains(Leadership) ? Leadership : General);
    }

    public static IEnumerable<string> Words(string? text) =>
        string.IsNullOrEmpty(text) ? [] : WordPattern().Matches(text).Select(m => m.Value.ToLowerInvariant());

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}
