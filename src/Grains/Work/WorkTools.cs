using FluidManager.Models;

namespace FluidManager.Grains.Work;

/// <summary>
/// The tools the agent loop offers as function calls, under the names the offline and scripted models
/// know (<see cref="StandardTools"/>), with the three the loop adds: escalate, request_clarification, fail_task.
/// </summary>
internal static class WorkTools
{
    public const string DelegateTask = StandardTools.DelegateTask;
    public const string WriteWorklog = StandardTools.WriteWorklog;
    public const string CreateArtifact = StandardTools.CreateArtifact;
    public const string RequestApproval = StandardTools.RequestApproval;
    public const string CompleteTask = StandardTools.CompleteTask;
    public const string Escalate = "escalate";
    public const string RequestClarification = "request_clarification";
    public const string FailTask = "fail_task";

    public static ToolDefinition EscalateDefinition { get; } = ToolDefinition.Create(
        Escalate,
        "Hand a problem up to your manager (or the CEO when you report to the CEO): something you cannot solve or decide yourself, or work that needs someone outside your team.",
        """
        {"type":"object","properties":{
          "subject":{"type":"string","description":"One line: what is wrong or needed."},
          "body":{"type":"string","description":"Details: what you tried and what you need."},
          "task_id":{"type":"integer"}},
         "required":["subject"]}
        """);

    public static ToolDefinition RequestClarificationDefinition { get; } = ToolDefinition.Create(
        RequestClarification,
        "Ask whoever gave you the task a question you need answered before you can go on. The task waits (blocked) until the answer comes.",
        """
        {"type":"object","properties":{
          "question":{"type":"string","description":"The question."},
          "task_id":{"type":"integer"}},
         "required":["question"]}
        """);

    public static ToolDefinition FailTaskDefinition { get; } = ToolDefinition.Create(
        FailTask,
        "Give up on the task when it cannot be done, with the reason.",
        """
        {"type":"object","properties":{
          "reason":{"type":"string","description":"Why the task cannot be done."},
          "task_id":{"type":"integer"}},
         "required":["reason"]}
        """);

    /// <summary>The tools offered to an agent: delegation only to an agent with subordinates it may assign to.</summary>
    public static IReadOnlyList<ToolDefinition> For(bool canDelegate)
    {
        var tools = new List<ToolDefinition> { StandardTools.WriteWorklogDefinition };
        if (canDelegate)
        {
            tools.Add(StandardTools.DelegateTaskDefinition);
        }

        tools.AddRange([
            StandardTools.CreateArtifactDefinition,
            StandardTools.RequestApprovalDefinition,
            EscalateDefinition,
            RequestClarificationDefinition,
            StandardTools.CompleteTaskDefinition,
            FailTaskDefinition,
        ]);
        return tools;
    }
}
