namespace FluidManager.Grains.Interfaces.Work;

[GenerateSerializer]
[Alias("fm.work.AnswerClarificationCommand")]
public sealed record AnswerClarificationCommand([property: Id(0)] long CompanyId, [property: Id(1)] string Answer);
