namespace FluidManager.Grains.Interfaces.Work;

public sealed record AnswerClarificationCommand(long CompanyId, string Answer);
