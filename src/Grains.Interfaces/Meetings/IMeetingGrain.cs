using System.ComponentModel;
using FluidManager.Grains.Interfaces.Artifacts;

namespace FluidManager.Grains.Interfaces.Meetings;

/// <summary>
/// One meeting (key = meeting id): its conversation, run as model-call activities (a facilitator picks
/// each speaker), its minutes and the dispatch of its calls to action as tasks.
/// </summary>
[Alias("fm.IMeetingGrain")]
public interface IMeetingGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<MeetingDto> GetAsync(long companyId);

    /// <summary>The transcript after message <paramref name="afterSeq"/>, in order.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<MeetingMessageDto>> ListMessagesAsync(long companyId, int afterSeq = 0);

    /// <summary>The minutes, with each CTA's live task status; null until they are written.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<MinutesDto?> GetMinutesAsync(long companyId);

    /// <summary>Transcript and minutes as one Markdown document.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<string> ExportMarkdownAsync(long companyId);

    /// <summary>Starts a draft meeting: the first participant is asked to speak.</summary>
    Task<MeetingDto> StartAsync(long companyId);

    /// <summary>The CEO speaks; with a participant named, as a question that participant answers next.</summary>
    Task<MeetingMessageDto> SpeakAsync(SpeakCommand command);

    /// <summary>Ends the conversation and writes the minutes (also retries a failed synthesis).</summary>
    Task<MeetingDto> EndAsync(long companyId);

    /// <summary>Deletes a draft or ended (completed or failed) meeting; its event log keeps a tombstone and its costs stay counted.</summary>
    Task DeleteAsync(long companyId);

    /// <summary>Changes the budget (USD, null: none) or the auto-dispatch setting.</summary>
    Task<MeetingDto> UpdateSettingsAsync(UpdateMeetingSettingsCommand command);

    /// <summary>Edits, reassigns or drops a proposed (or refused) call to action.</summary>
    Task<CtaDto> UpdateCtaAsync(UpdateCtaCommand command);

    /// <summary>Turns the chosen (default: every proposed or refused) calls to action into tasks.</summary>
    Task<IReadOnlyList<CtaDto>> DispatchAsync(DispatchCtasCommand command);

    /// <summary>Records the Markdown export, stored already, as an artifact of the meeting.</summary>
    Task<ArtifactDto> RecordExportAsync(long companyId, StoredObject stored, string name);
}
