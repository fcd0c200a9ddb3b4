using FluidManager.Grains.Data;
using FluidManager.Grains.Interfaces.Errors;
using FluidManager.Grains.Interfaces.Events;
using FluidManager.Grains.Interfaces.Tasks;
using FluidManager.Grains.Interfaces.Work;
using FluidManager.Grains.Tasks;
using FluidManager.Runtime.Grains;

namespace FluidManager.Grains.Work;

/// <summary>A question an agent asked (key = clarification id): answering it unblocks the task, and the runner hands the answer to the agent.</summary>
[GrainType("clarification")]
public sealed class ClarificationGrain(ITurnContext context) : DurableGrain, IClarificationGrain
{
    protected override ITurnContext Turn => context;

    private long Id => context.KeyAsId("Clarification");

    public Task<ClarificationDto> GetAsync(long companyId) => LoadAsync(companyId);

    public async Task<ClarificationDto> AnswerAsync(AnswerClarificationCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        new Fields().Text("answer", command.Answer, 20_000).ThrowIfAny();
        var clarification = await LoadAsync(command.CompanyId);
        if (clarification.Status != ClarificationStatus.Open)
        {
            throw new ConflictException($"Question #{Id} is already answered.", "clarification.answered");
        }

        await context.Sql(WorkSql.AnswerClarification)
            .With("id", Id)
            .With("answer", command.Answer.Trim())
            .With("actor", context.Actor ?? Actor.System)
            .With("now", context.Now)
            .ExecuteAsync();
        clarification = await LoadAsync(command.CompanyId);
        await context.PublishAsync(Streams.Task(clarification.TaskId), WorkEventTypes.ClarificationAnswered, clarification, command.CompanyId);
        var task = await TaskRows.LoadAsync(context, command.CompanyId, clarification.TaskId);
        if (task.Status == TaskState.Blocked)
        {
            await context.Join<ITaskGrain>(task.Id)
                .CallAsync(g => g.UnblockAsync(new TaskTransitionCommand(command.CompanyId, Reason: $"Question #{Id} answered.")));
        }

        return clarification;
    }

    private async Task<ClarificationDto> LoadAsync(long companyId) =>
        await context.Sql(WorkSql.ClarificationById).With("id", Id).With("company_id", companyId).FirstOrDefaultAsync(WorkRows.MapClarification)
        ?? throw new NotFoundException("Clarification", Id);
}
