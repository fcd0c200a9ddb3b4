using FluidManager.Api.Access;
using FluidManager.Grains.Access;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Runtime.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluidManager.Api.Features;

/// <summary>The company's monthly budget for model calls in USD; null removes it.</summary>
public sealed record SetBudgetRequest(decimal? MonthlyLimit);

/// <summary>
/// What the agents spend and how they worked: spend roll-ups (by agent, department, project, task, meeting,
/// model or day, from the database's views), a manager's subtree spend, the company's monthly budget,
/// and a task's trace (its loop, every model call and every tool call).
/// </summary>
public static class CostsApi
{
    public static IEndpointRouteBuilder MapCostsApi(this IEndpointRouteBuilder app)
    {
        var costs = app.MapGroup("/api/costs").WithTags("Costs");

        costs.MapGet("/", GetCostsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetCosts")
            .WithSummary("Model spend (calls, tokens in and out, cost in USD, duration) grouped by agent, department, project, task, model, day or meeting, over UTC days from..to (both included).")
            .ProducesValidationProblem();

        costs.MapGet("/agents/{id:long}", GetAgentSpendAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetAgentSpend")
            .WithSummary("An agent's spend and, with subtree=true (the default), that of everyone under it in the org chart, one row per agent.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        costs.MapGet("/budget", GetBudgetAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetBudget")
            .WithSummary("The company's monthly budget and this UTC month's settled and reserved spend.");

        costs.MapPut("/budget", SetBudgetAsync)
            .RequireAuthorization(AccessPolicies.Command)
            .WithName("SetBudget")
            .WithSummary("Sets the company's monthly budget in USD (null removes it); calls that would pass it are not made and their tasks are blocked.")
            .ProducesValidationProblem();

        var trace = app.MapGroup("/api/tasks").WithTags("Costs");

        trace.MapGet("/{id:long}/run", GetRunAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("GetTaskRun")
            .WithSummary("The agent loop of a task: attempt, step, status, what it waits for or why it stopped (204 when no agent ever ran it).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        trace.MapGet("/{id:long}/llm-calls", ListLlmCallsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListTaskLlmCalls")
            .WithSummary("Every model call of a task, oldest first: step, model, tokens in and out, cost, duration, reservation.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        trace.MapGet("/{id:long}/tool-calls", ListToolCallsAsync)
            .RequireAuthorization(AccessPolicies.Read)
            .WithName("ListTaskToolCalls")
            .WithSummary("Every tool call of a task, oldest first: arguments, allowed or denied and why, result, what it wrote, duration.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static async Task<Ok<CostReportDto>> GetCostsAsync(ICompanyContext caller, IGrainFactory grains, string? groupBy = null, DateOnly? from = null, DateOnly? to = null)
    {
        var errors = new FieldErrors();
        var grouping = QueryValues.Enum<CostGroupBy>(groupBy, "groupBy", errors) ?? CostGroupBy.Agent;
        errors.ThrowIfAny();
        return TypedResults.Ok(await grains.GetGrain<ICompanyWorkGrain>(caller.CompanyId).GetCostsAsync(new CostQuery(caller.CompanyId, grouping, from, to)));
    }

    private static async Task<Ok<AgentSpendDto>> GetAgentSpendAsync(long id, ICompanyContext caller, IGrainFactory grains, bool subtree = true, DateOnly? from = null, DateOnly? to = null) =>
        TypedResults.Ok(await grains.GetGrain<ICompanyWorkGrain>(caller.CompanyId).GetAgentSpendAsync(new AgentSpendQuery(caller.CompanyId, id, subtree, from, to)));

    private static async Task<Ok<CompanyBudgetDto>> GetBudgetAsync(ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ICompanyWorkGrain>(caller.CompanyId).GetBudgetAsync(caller.CompanyId));

    private static async Task<Ok<CompanyBudgetDto>> SetBudgetAsync(SetBudgetRequest request, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ICompanyWorkGrain>(caller.CompanyId).SetBudgetAsync(new SetCompanyBudgetCommand(caller.CompanyId, request.MonthlyLimit)));

    private static async Task<Results<Ok<TaskRunDto>, NoContent>> GetRunAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        await grains.GetGrain<ITaskRunnerGrain>(id).GetRunAsync(caller.CompanyId) is { } run ? TypedResults.Ok(run) : TypedResults.NoContent();

    private static async Task<Ok<IReadOnlyList<LlmCallDto>>> ListLlmCallsAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ITaskRunnerGrain>(id).ListLlmCallsAsync(caller.CompanyId));

    private static async Task<Ok<IReadOnlyList<ToolCallDto>>> ListToolCallsAsync(long id, ICompanyContext caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ITaskRunnerGrain>(id).ListToolCallsAsync(caller.CompanyId));
}
