using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>Creates and lists a company's meetings (key = company id).</summary>
[Alias("fm.IMeetingsGrain")]
public interface IMeetingsGrain : IGrainWithStringKey
{
    Task<MeetingDto> CreateAsync(CreateMeetingCommand command);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<MeetingDto>> ListAsync(long companyId);
}
