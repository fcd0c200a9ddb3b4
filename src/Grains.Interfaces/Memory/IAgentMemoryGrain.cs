using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Memory;

/// <summary>
/// The memory of one agent (key = agent id), governed like the company: the agent and its managers up the
/// chart read it, members of the company read all; the CEO and the agent's manager edit, pin and forget;
/// the agent writes to it itself. A refusal is a logged policy denial (403); another company's agent is 404.
/// </summary>
[Alias("fm.IAgentMemoryGrain")]
public interface IAgentMemoryGrain : IGrainWithStringKey
{
    /// <summary>Items, ranked by hybrid search when the query has text, newest first otherwise.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<MemoryHit>> SearchAsync(MemoryQuery query);

    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<MemoryItemDto> GetAsync(long companyId, long itemId, long? readerAgentId = null);

    /// <summary>The recalls that brought this agent's memory into tasks, newest first; <paramref name="taskId"/> narrows to one task.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<MemoryRecallDto>> ListRecallsAsync(long companyId, long? taskId, int limit);

    /// <summary>The agent's progress over the last <paramref name="days"/> days (1-366): tasks, success rate, cost per task and its trend, worklog, memory.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<AgentProgressDto> GetProgressAsync(long companyId, int days);

    Task<MemoryItemDto> RememberAsync(RememberCommand command);

    /// <summary>
    /// A person's feedback on one of the agent's tasks: asks the agent's model for a lesson in a <c>memory.lesson</c>
    /// activity (never inside this turn); its outcome writes the lesson with the task as its source.
    /// </summary>
    Task ProposeLessonAsync(ProposeLessonCommand command);

    Task<MemoryItemDto> EditAsync(EditMemoryCommand command);

    Task<MemoryItemDto> ForgetAsync(ForgetMemoryCommand command);

    /// <summary>The agent's playbook changes, newest first, of one status when given.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<PlaybookChangeDto>> ListPlaybookChangesAsync(long companyId, PlaybookChangeStatus? status = null);

    /// <summary>Approves or rejects a proposed change (a person's decision; 409 once decided).</summary>
    Task<PlaybookChangeDto> DecidePlaybookChangeAsync(DecidePlaybookChangeCommand command);

    /// <summary>Starts a <c>memory.embed</c> activity for each live item still without a vector and without one in flight; how many.</summary>
    Task<int> EmbedMissingAsync(long companyId);

    /// <summary>Records that <paramref name="itemIds"/> were brought into a task by the recall tool, and publishes it on the task's stream.</summary>
    Task<long> RecordRecallAsync(long companyId, long? taskId, string query, IReadOnlyList<long> itemIds, int tokens, double durationMs);
}
