using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace FluidManager.Models.Offline;

/// <summary>
/// The offline model, an <see cref="IChatClient"/>: no key, no network, deterministic (the same request always gets the same
/// answer: hashes of the conversation seed every choice; the wording follows the task's opening messages so
/// it stays consistent from turn to turn), with real token counts (the <c>o200k_base</c> tokenizer)
/// and a configurable, cancellable latency (<c>Fluid:Models:Offline:LatencyMs</c>).
/// <para>
/// <b>Without tools</b> it answers as the agent described by the system prompt (or the context block):
/// a summary when asked to summarise, a numbered plan when asked for a plan, an opinion for a question,
/// otherwise a deliverable in markdown, all worded for the agent's role and department.
/// </para>
/// <para>
/// <b>Meeting minutes</b>: when the system message carries a <see cref="MeetingContext"/> block in
/// <c>minutes</c> mode, it answers with valid minutes JSON (see <c>OfflineMinutes</c>).
/// </para>
/// <para>
/// <b>Lessons</b>: when the system message carries a <see cref="LessonContext"/> block, it answers with one short
/// lesson drawn from the person's feedback and the task, as <see cref="LessonContext.AnswerSchema"/> asks (see <c>OfflineLesson</c>).
/// </para>
/// <para>
/// <b>With tools</b> it works a task like an agent, one tool call per answer, reading the
/// <see cref="AgentContext"/> block (agent, task, subordinates, done_steps) and the tool calls already in
/// the conversation to decide which steps are done:
/// </para>
/// <list type="number">
/// <item><c>write_worklog</c> with its approach (or, for a manager, how it splits the task);</item>
/// <item>for a big task (two or more bullet points in the description, 40+ words, or a title such as
/// "campaign", "launch", "strategy", "project") when <c>delegate_task</c> is offered and the context lists
/// subordinates: one <c>delegate_task</c> per part (each bullet, routed to the subordinate whose role fits
/// best; otherwise one workstream per subordinate, at most three), then <c>complete_task</c>;</item>
/// <item>otherwise: <c>create_artifact</c> with the deliverable; <c>request_approval</c> when the task mentions
/// publishing, spending or an external action; then <c>complete_task</c> with a summary.</item>
/// </list>
/// <para>
/// <b>Structured results</b>: when the brief asks for a result matching a JSON Schema (a <see cref="StructuredOutput"/>
/// paragraph), the result (or the plain answer) is a JSON value that conforms to the schema, built from the brief's
/// own sentences and the task's title.
/// </para>
/// <para>
/// Steps whose tool is not offered are skipped; without <c>complete_task</c> the last answer is plain
/// text. After <c>request_approval</c>, a result or later message saying "pending"/"waiting"/"requested"
/// gets a plain-text "waiting" answer (the loop should suspend until the decision); "rejected"/"denied"
/// leads to <c>complete_task</c> saying nothing went out; anything else counts as approved. Once
/// <c>complete_task</c> was called it answers with text only. It always terminates: each step is taken once,
/// and after <see cref="MaxSteps"/> assistant turns it completes whatever is left.
/// </para>
/// </summary>
public sealed class OfflineChatModel : IChatClient
{
    /// <summary>After this many assistant turns in one conversation the model completes the task.</summary>
    public const int MaxSteps = OfflineAgent.MaxSteps;

    private static readonly ChatClientMetadata Metadata = new("fluid-offline", defaultModelId: ModelId.Offline);

    private readonly TimeSpan _latency;
    private readonly TimeProvider _time;

    public OfflineChatModel(IOptions<ModelsOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _latency = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.Offline.LatencyMs));
        _time = timeProvider ?? TimeProvider.System;
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = ChatRequest.From(messages, options);
        if (_latency > TimeSpan.Zero)
        {
            await Task.Delay(_latency, _time, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var decision = MeetingContext.Find(request.Messages) is { Mode: MeetingContext.MinutesMode } meeting
            ? new OfflineAgent.Decision(OfflineMinutes.Write(meeting), [])
            : LessonContext.Find(request.Messages) is { } lesson
                ? new OfflineAgent.Decision(OfflineLesson.Write(lesson), [])
                : OfflineAgent.Decide(request);
        var text = decision.Text;
        var finish = decision.ToolCalls.Count > 0 ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop;
        if (decision.ToolCalls.Count == 0 && request.MaxOutputTokens > 0 && TokenEstimator.Count(text) > request.MaxOutputTokens)
        {
            text = TokenEstimator.Truncate(text, request.MaxOutputTokens);
            finish = ChatFinishReason.Length;
        }

        return new ChatResponse(ChatMessage.Assistant(text, decision.ToolCalls))
        {
            ModelId = ModelId.Offline,
            FinishReason = finish,
            CreatedAt = _time.GetUtcNow(),
            Usage = new UsageDetails
            {
                InputTokenCount = TokenEstimator.EstimateInput(request),
                OutputTokenCount = TokenEstimator.CountOutput(text, decision.ToolCalls),
            }.WithTotal(),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }
}
