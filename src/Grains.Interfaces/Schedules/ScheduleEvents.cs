using System.Globalization;

namespace FluidManager.Grains.Interfaces.Schedules;

/// <summary>The stream and event types of schedules.</summary>
public static class ScheduleEvents
{
    public const string Created = "schedule.created";
    public const string Updated = "schedule.updated";
    public const string Paused = "schedule.paused";
    public const string Resumed = "schedule.resumed";
    public const string Deleted = "schedule.deleted";
    public const string Fired = "schedule.fired";
    public const string Skipped = "schedule.skipped";
    public const string CheckingMailbox = "schedule.checking_mailbox";
    public const string MailboxChecked = "schedule.mailbox_checked";
    public const string MailboxCheckFailed = "schedule.mailbox_check_failed";

    public static string Stream(long scheduleId) => "schedule:" + scheduleId.ToString(CultureInfo.InvariantCulture);
}
