namespace FluidManager.Grains.Interfaces.Events;

/// <summary>Every event type the domain grains publish, with the payload each carries.</summary>
public static class EventTypes
{
    // ---- stream task:{id}; payload TaskChangedEvent unless noted
    public const string TaskCreated = "task.created";
    public const string TaskAssigned = "task.assigned";
    public const string TaskStarted = "task.started";
    public const string TaskPaused = "task.paused";
    public const string TaskResumed = "task.resumed";
    public const string TaskBlocked = "task.blocked";
    public const string TaskUnblocked = "task.unblocked";
    public const string TaskApprovalRequested = "task.approval_requested";
    public const string TaskApproved = "task.approved";
    public const string TaskRejected = "task.rejected";
    public const string TaskCompleted = "task.completed";
    public const string TaskFailed = "task.failed";
    public const string TaskCancelled = "task.cancelled";
    public const string TaskRetried = "task.retried";
    public const string TaskPriorityChanged = "task.priority_changed";
    public const string TaskDeadlineChanged = "task.deadline_changed";
    public const string TaskUsageRecorded = "task.usage_recorded";

    /// <summary>Payload TaskChangedEvent.</summary>
    public const string TaskEdited = "task.edited";

    /// <summary>Payload TaskDeletedEvent: the tombstone of a deleted task.</summary>
    public const string TaskDeleted = "task.deleted";

    /// <summary>Payload CommentDto.</summary>
    public const string TaskCommented = "task.commented";

    /// <summary>Payload WorklogEntryDto.</summary>
    public const string TaskWorklogAdded = "task.worklog_added";

    /// <summary>Payload ArtifactDto.</summary>
    public const string TaskArtifactAdded = "task.artifact_added";

    /// <summary>Payload ArtifactDto: the version deleted.</summary>
    public const string TaskArtifactDeleted = "task.artifact_deleted";

    /// <summary>Payload SubtaskProgressEvent: a subtask changed status.</summary>
    public const string TaskSubtaskProgress = "task.subtask_progress";

    /// <summary>Payload SubtaskProgressEvent: every subtask is done or cancelled (fan-in).</summary>
    public const string TaskSubtasksFinished = "task.subtasks_finished";

    // ---- stream agent:{id}
    /// <summary>Payload AgentDto.</summary>
    public const string AgentCreated = "agent.created";

    public const string AgentUpdated = "agent.updated";
    public const string AgentPaused = "agent.paused";
    public const string AgentActivated = "agent.activated";
    public const string AgentArchived = "agent.archived";
    public const string AgentAvatarChanged = "agent.avatar_changed";

    /// <summary>Payload AgentDeletedEvent.</summary>
    public const string AgentDeleted = "agent.deleted";

    /// <summary>Payload ArtifactDto.</summary>
    public const string AgentArtifactAdded = "agent.artifact_added";

    /// <summary>Payload WorklogEntryDto (a note of the agent outside any task).</summary>
    public const string AgentWorklogAdded = "agent.worklog_added";

    /// <summary>Payload DelegatedEvent.</summary>
    public const string AgentDelegated = "agent.delegated";

    /// <summary>Payload EscalationDto, on the escalating agent's stream.</summary>
    public const string AgentEscalated = "agent.escalated";

    /// <summary>Payload EscalationDto, on the manager's stream.</summary>
    public const string AgentEscalationReceived = "agent.escalation_received";

    // ---- stream company:{id}
    /// <summary>Payload OrgChangedEvent.</summary>
    public const string OrgEdgeAdded = "org.edge_added";

    public const string OrgEdgeRemoved = "org.edge_removed";
    public const string OrgSubtreeMoved = "org.subtree_moved";
    public const string OrgAgentRemoved = "org.agent_removed";

    /// <summary>Payload PolicyRuleDto.</summary>
    public const string PolicyRuleAdded = "policy.rule_added";

    public const string PolicyRuleUpdated = "policy.rule_updated";

    /// <summary>Payload PolicyRuleDto (as it was).</summary>
    public const string PolicyRuleDeleted = "policy.rule_deleted";

    /// <summary>Payload PolicyDenial. Written in a turn of its own: it survives the refused command.</summary>
    public const string PolicyDenied = "policy.denied";

    /// <summary>Payload EscalationDto: an escalation reached the CEO inbox.</summary>
    public const string InboxEscalationAdded = "inbox.escalation_added";

    /// <summary>Payload EscalationDto.</summary>
    public const string InboxEscalationResolved = "inbox.escalation_resolved";
}
