namespace FluidManager.Grains.Interfaces.Tasks;

[GenerateSerializer]
[Alias("fm.tasks.AddCommentCommand")]
public sealed record AddCommentCommand([property: Id(0)] long CompanyId, [property: Id(1)] string Body);
