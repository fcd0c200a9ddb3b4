using System.ComponentModel;

namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>A company's schedules (key = company id): creates them (it hands out their ids) and lists them.</summary>
[Alias("fm.ISchedulesGrain")]
public interface ISchedulesGrain : IGrainWithStringKey
{
    Task<ScheduleDto> CreateAsync(CreateScheduleCommand command);

    [ReadOnly(true)]

    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<ScheduleDto>> ListAsync(long companyId);
}

/// <summary>
/// One cyclic task (key = schedule id), driven by a durable reminder: each firing creates a task from the
/// template for the schedule's agent; a firing missed while every silo was down runs once on recovery.
/// </summary>
[Alias("fm.IScheduleGrain")]
public interface IScheduleGrain : IGrainWithStringKey
{
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<ScheduleDto> GetAsync(long companyId);

    Task<ScheduleDto> UpdateAsync(UpdateScheduleCommand command);

    Task<ScheduleDto> PauseAsync(long companyId, long? expectedVersion = null);

    Task<ScheduleDto> ResumeAsync(long companyId, long? expectedVersion = null);

    Task DeleteAsync(long companyId, long? expectedVersion = null);

    /// <summary>Past firings, newest first.</summary>
    [ReadOnly(true)]
    [ResponseTimeout(GrainCalls.ReadTimeout)]
    Task<IReadOnlyList<ScheduleRunDto>> ListRunsAsync(long companyId, int limit = 50);

    /// <summary>Grain-to-grain: starts the reminder of a schedule just created. Not for the Api.</summary>
    Task ActivateAsync(long companyId);
}
