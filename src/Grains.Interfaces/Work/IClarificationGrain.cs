using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Work;

/// <summary>
/// A question an agent asked the creator of its task (key = clarification id). The task waits,
/// blocked, until the question is answered; the answer reaches the agent's conversation.
/// </summary>
[Alias("fm.IClarificationGrain")]
public interface IClarificationGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<ClarificationDto> GetAsync(long companyId);

    /// <summary>Answers the question and unblocks the task. 409 when it was already answered.</summary>
    Task<ClarificationDto> AnswerAsync(AnswerClarificationCommand command);
}
