namespace FluidManager.Models;

/// <summary>
/// The agent tools the offline and scripted models know by name, with canonical definitions the
/// agent loop may offer as they are. The offline model fills the arguments of whatever schema the loop
/// offers under these names (matching property names and common aliases), so the loop may use its own
/// schemas; the canonical argument names are the ones below.
/// </summary>
public static class StandardTools
{
    /// <summary>Hands a part of the task to a subordinate. Arguments: <c>to_agent_id</c>, <c>title</c>, <c>description</c>, <c>parent_task_id</c>.</summary>
    public const string DelegateTask = "delegate_task";

    /// <summary>Writes a progress note on the task. Arguments: <c>body</c>, <c>task_id</c>.</summary>
    public const string WriteWorklog = "write_worklog";

    /// <summary>Stores a deliverable. Arguments: <c>name</c>, <c>kind</c> (spec, file, post), <c>content</c>, <c>content_type</c>, <c>task_id</c>.</summary>
    public const string CreateArtifact = "create_artifact";

    /// <summary>Asks the CEO before publishing, spending or acting outside the company. Arguments: <c>action</c>, <c>reason</c>, <c>task_id</c>.</summary>
    public const string RequestApproval = "request_approval";

    /// <summary>Finishes the task with a summary. Arguments: <c>result</c>, <c>task_id</c>.</summary>
    public const string CompleteTask = "complete_task";

    /// <summary>
    /// Searches the knowledge spaces the agent may read (a governed tool, offered to agents with the
    /// <c>rag</c> right). Arguments: <c>query</c>. Its answer lists passages to cite as <c>[n] "Document"</c>.
    /// </summary>
    public const string SearchKnowledge = "search_knowledge";

    public static ToolDefinition DelegateTaskDefinition { get; } = ToolDefinition.Create(
        DelegateTask,
        "Delegate part of your task to one of your subordinates. The sub-task is created and assigned to them.",
        """
        {"type":"object","properties":{
          "to_agent_id":{"type":"integer","description":"Id of the subordinate who gets the work."},
          "title":{"type":"string","description":"Short title of the sub-task."},
          "description":{"type":"string","description":"What to do and what to deliver."},
          "parent_task_id":{"type":"integer","description":"Your task this work is part of."}},
         "required":["to_agent_id","title"]}
        """);

    public static ToolDefinition WriteWorklogDefinition { get; } = ToolDefinition.Create(
        WriteWorklog,
        "Write a progress note on the task's worklog.",
        """
        {"type":"object","properties":{
          "body":{"type":"string","description":"The note."},
          "task_id":{"type":"integer"}},
         "required":["body"]}
        """);

    public static ToolDefinition CreateArtifactDefinition { get; } = ToolDefinition.Create(
        CreateArtifact,
        "Store a deliverable (a document, a post, a spec) on the task.",
        """
        {"type":"object","properties":{
          "name":{"type":"string","description":"File name, such as launch-post.md."},
          "kind":{"type":"string","enum":["spec","file","post"]},
          "content":{"type":"string","description":"The deliverable's text."},
          "content_type":{"type":"string","description":"Media type, default text/markdown."},
          "task_id":{"type":"integer"}},
         "required":["name","content"]}
        """);

    public static ToolDefinition RequestApprovalDefinition { get; } = ToolDefinition.Create(
        RequestApproval,
        "Ask the CEO to approve an action before taking it: publishing, spending money, or acting outside the company.",
        """
        {"type":"object","properties":{
          "action":{"type":"string","description":"The action to approve."},
          "reason":{"type":"string","description":"Why it is needed."},
          "task_id":{"type":"integer"}},
         "required":["action"]}
        """);

    public static ToolDefinition CompleteTaskDefinition { get; } = ToolDefinition.Create(
        CompleteTask,
        "Finish the task with a summary of the result.",
        """
        {"type":"object","properties":{
          "result":{"type":"string","description":"Summary of what was done and delivered."},
          "task_id":{"type":"integer"}},
         "required":["result"]}
        """);

    /// <summary>The five definitions, in the order an agent usually uses them.</summary>
    public static IReadOnlyList<ToolDefinition> All { get; } =
        [WriteWorklogDefinition, DelegateTaskDefinition, CreateArtifactDefinition, RequestApprovalDefinition, CompleteTaskDefinition];
}
