using System.Globalization;

namespace FluidManager.Grains.Interfaces.Workflows;

/// <summary>The stream and event types of workflow templates.</summary>
public static class WorkflowEvents
{
    public const string Created = "workflow.created";
    public const string Updated = "workflow.updated";
    public const string Deleted = "workflow.deleted";

    public static string Stream(long workflowId) => "workflow:" + workflowId.ToString(CultureInfo.InvariantCulture);
}
