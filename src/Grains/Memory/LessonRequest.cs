using FluidManager.Grains.Interfaces.Memory;

namespace FluidManager.Grains.Memory;

/// <summary>
/// Posted to an agent's memory grain by the turn that receives a person's feedback on one of the agent's tasks (a
/// rejection, a retry, a comment): the memory grain asks for the lesson in its own turn, as <paramref name="Actor"/>
/// (the person who gave the feedback).
/// </summary>
public sealed record LessonRequest(ProposeLessonCommand Command, string Actor);
