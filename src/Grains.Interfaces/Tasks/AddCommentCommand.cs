namespace FluidManager.Grains.Interfaces.Tasks;

public sealed record AddCommentCommand(long CompanyId, string Body);
