using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Organization;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

public sealed record AgentSelectorRequest(IReadOnlyList<string>? Departments, IReadOnlyList<string>? Roles)
{
    public AgentSelector ToSelector() => new() { Departments = Departments ?? [], Roles = Roles ?? [] };
}

public sealed record DelegationScopeRequest(DelegationScope? Scope);

public sealed record RoleSeparationRequest(AgentSelectorRequest? Upper, AgentSelectorRequest? Lower, string? Reason);

public sealed record ApprovalRuleRequest(ApprovalAction? Action, decimal? Threshold);

/// <summary>
/// A hierarchy rule as data. Set the one settings object that matches <c>kind</c>:
/// <c>delegationScope</c> (delegation_scope), <c>roleSeparation</c> (role_separation) or
/// <c>approval</c> (approval_required). On update, name and kind are ignored (they never change).
/// </summary>
public sealed record PolicyRuleRequest(
    string? Name,
    PolicyRuleKind? Kind,
    string? Description,
    bool? Enabled,
    DelegationScopeRequest? DelegationScope,
    RoleSeparationRequest? RoleSeparation,
    ApprovalRuleRequest? Approval,
    long? ExpectedVersion);

/// <summary>
/// The hierarchy rules as data (who may assign to whom, who may never be above whom, what needs
/// the CEO's approval) and the questions they answer, so that clients never evaluate rules themselves.
/// </summary>
public static class PoliciesApi
{
    public static IEndpointRouteBuilder MapPoliciesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/policies").WithTags("Policies");

        group.MapGet("/rules", ListRulesAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListPolicyRules")
            .WithSummary("The company's hierarchy rules, enabled or not.");

        group.MapGet("/rules/{id:long}", GetRuleAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetPolicyRule")
            .WithSummary("One rule; the ETag header is its version.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/rules", AddRuleAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("AddPolicyRule")
            .WithSummary("Adds a rule (name: a slug such as sales-never-above-engineering; kind: delegation_scope, role_separation or approval_required).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPut("/rules/{id:long}", UpdateRuleAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("UpdatePolicyRule")
            .WithSummary("Replaces a rule's description, switch and settings (its name and kind stay). If-Match or expectedVersion: 412 when stale.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/rules/{id:long}", DeleteRuleAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("DeletePolicyRule")
            .WithSummary("Deletes a rule (disable it instead to keep it for later).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapGet("/can-assign", CanAssignAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("CanAssign")
            .WithSummary("May agent `from` assign work to agent `to`? The rules' answer, with the refusing rule and its reason.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/can-manage", CanManageAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("CanManage")
            .WithSummary("Could agent `subordinate` (with its team) report to agent `manager` (omitted: the CEO seat)? Ask before a drag and drop in the chart.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/requires-approval", RequiresApprovalAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("RequiresApproval")
            .WithSummary("Does this action (publication, spending with an amount, external_action) need the CEO's approval?")
            .ProducesValidationProblem();

        return app;
    }

    private static async Task<Ok<IReadOnlyList<PolicyRuleDto>>> ListRulesAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await Policy(grains, caller).ListRulesAsync(caller.CompanyId));

    private static async Task<Results<Ok<PolicyRuleDto>, StatusCodeHttpResult>> GetRuleAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var rules = await Policy(grains, caller).ListRulesAsync(caller.CompanyId);
        var rule = rules.FirstOrDefault(r => r.Id == id) ?? throw new NotFoundException("Rule", id);
        return http.OkOrNotModified(rule, rule.Version);
    }

    private static async Task<Created<PolicyRuleDto>> AddRuleAsync(PolicyRuleRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var errors = new FieldErrors();
        if (request.Name is null)
        {
            errors.Add("name", "is required");
        }

        if (request.Kind is null)
        {
            errors.Add("kind", $"is required: one of {string.Join(", ", QueryValues.Names<PolicyRuleKind>())}");
        }

        var (delegation, separation, approval) = Settings(request, errors);
        errors.ThrowIfAny();
        var rule = await Policy(grains, caller).AddRuleAsync(new AddPolicyRuleCommand
        {
            CompanyId = caller.CompanyId,
            Name = request.Name!,
            Kind = request.Kind!.Value,
            Description = request.Description ?? "",
            Enabled = request.Enabled ?? true,
            DelegationScope = delegation,
            RoleSeparation = separation,
            Approval = approval,
        });
        return http.WithETag(TypedResults.Created($"/api/policies/rules/{rule.Id}", rule), rule.Version);
    }

    private static async Task<Ok<PolicyRuleDto>> UpdateRuleAsync(long id, PolicyRuleRequest request, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        var errors = new FieldErrors();
        var (delegation, separation, approval) = Settings(request, errors);
        errors.ThrowIfAny();
        var rule = await Policy(grains, caller).UpdateRuleAsync(new UpdatePolicyRuleCommand
        {
            CompanyId = caller.CompanyId,
            RuleId = id,
            Description = request.Description ?? "",
            Enabled = request.Enabled ?? true,
            DelegationScope = delegation,
            RoleSeparation = separation,
            Approval = approval,
            ExpectedVersion = Versions.Expected(http, request.ExpectedVersion),
        });
        return http.WithETag(TypedResults.Ok(rule), rule.Version);
    }

    private static async Task<NoContent> DeleteRuleAsync(long id, ICompanyContext caller, IGrainFactory grains, HttpContext http)
    {
        await Policy(grains, caller).DeleteRuleAsync(new DeletePolicyRuleCommand(caller.CompanyId, id, Versions.Expected(http)));
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PolicyDecision>> CanAssignAsync(ICompanyContext caller, IGrainFactory grains, long? from = null, long? to = null)
    {
        var errors = new FieldErrors();
        if (from is null)
        {
            errors.Add("from", "The id of the agent that would assign is required.");
        }

        if (to is null)
        {
            errors.Add("to", "The id of the agent that would receive the work is required.");
        }

        errors.ThrowIfAny();
        return TypedResults.Ok(await Policy(grains, caller).CanAssignAsync(new CanAssignQuestion(caller.CompanyId, from!.Value, to!.Value)));
    }

    private static async Task<Ok<PolicyDecision>> CanManageAsync(ICompanyContext caller, IGrainFactory grains, long? manager = null, long? subordinate = null)
    {
        if (subordinate is null)
        {
            throw new ValidationException("subordinate", "The id of the agent that would move is required.");
        }

        return TypedResults.Ok(await Policy(grains, caller).CanManageAsync(new CanManageQuestion(caller.CompanyId, manager, subordinate.Value)));
    }

    private static async Task<Ok<ApprovalDecision>> RequiresApprovalAsync(ICompanyContext caller, IGrainFactory grains, string? action = null, decimal? amount = null)
    {
        var errors = new FieldErrors();
        var wanted = QueryValues.Enum<ApprovalAction>(action, "action", errors);
        if (wanted is null && !errors.Any)
        {
            errors.Add("action", $"is required: one of {string.Join(", ", QueryValues.Names<ApprovalAction>())}");
        }

        errors.ThrowIfAny();
        return TypedResults.Ok(await Policy(grains, caller).RequiresApprovalAsync(new ApprovalQuestion(caller.CompanyId, wanted!.Value, amount)));
    }

    private static IHierarchyPolicyGrain Policy(IGrainFactory grains, ICompanyContext caller) => grains.GetGrain<IHierarchyPolicyGrain>(caller.CompanyId);

    /// <summary>The settings objects of a request; what is missing inside them is named here, the rest is checked by the policy grain.</summary>
    private static (DelegationScopeRule?, RoleSeparationRule?, ApprovalRule?) Settings(PolicyRuleRequest request, FieldErrors errors)
    {
        DelegationScopeRule? delegation = null;
        if (request.DelegationScope is { } scope)
        {
            if (scope.Scope is { } value)
            {
                delegation = new DelegationScopeRule(value);
            }
            else
            {
                errors.Add("delegationScope.scope", $"is required: one of {string.Join(", ", QueryValues.Names<DelegationScope>())}");
            }
        }

        var separation = request.RoleSeparation is { } s
            ? new RoleSeparationRule((s.Upper ?? new AgentSelectorRequest(null, null)).ToSelector(), (s.Lower ?? new AgentSelectorRequest(null, null)).ToSelector(), s.Reason!)
            : null;

        ApprovalRule? approval = null;
        if (request.Approval is { } a)
        {
            if (a.Action is { } action)
            {
                approval = new ApprovalRule(action, a.Threshold);
            }
            else
            {
                errors.Add("approval.action", $"is required: one of {string.Join(", ", QueryValues.Names<ApprovalAction>())}");
            }
        }

        return (delegation, separation, approval);
    }
}
