namespace FluidManager.Grains.Interfaces.Tasks;

/// <summary>What a parent task does when one of its subtasks fails.</summary>
[GenerateSerializer]
[Alias("fm.tasks.SubtaskFailurePolicy")]
public enum SubtaskFailurePolicy
{
    /// <summary>The parent fails too.</summary>
    Fail,

    /// <summary>The parent is blocked until someone decides.</summary>
    Block,

    /// <summary>The parent carries on; the failure only shows in its progress.</summary>
    Ignore,
}
