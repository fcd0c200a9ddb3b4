using System.ComponentModel;
using FluidManager.Grains.Interfaces;

namespace FluidManager.Knowledge.Spaces;

/// <summary>A company's knowledge (key = company id): creates spaces (it hands out their ids) and lists them.</summary>
[Alias("fm.IKnowledgeGrain")]
public interface IKnowledgeGrain : IGrainWithStringKey
{
    Task<KnowledgeSpaceDto> CreateSpaceAsync(CreateSpaceCommand command);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<KnowledgeSpaceDto>> ListSpacesAsync(long companyId);
}
