import { api, unwrap, type Schemas } from '../api/client';

export type Schedule = Schemas['ScheduleDto'];
export type ScheduleRun = Schemas['ScheduleRunDto'];
export type ScheduleTiming = Schemas['ScheduleTiming'];
export type TaskTemplate = Schemas['TaskTemplate'];

export const scheduleKeys = {
  all: ['schedules'] as const,
  list: () => ['schedules', 'list'] as const,
  runs: (id: number) => ['schedules', 'runs', id] as const,
};

export function fetchSchedules(signal?: AbortSignal): Promise<Schedule[]> {
  return unwrap(api.GET('/api/schedules', { signal }), signal);
}

export function fetchScheduleRuns(id: number, signal?: AbortSignal): Promise<ScheduleRun[]> {
  return unwrap(api.GET('/api/schedules/{id}/runs', { params: { path: { id } }, signal }), signal);
}

export function createSchedule(input: {
  name: string;
  agentId: number | null;
  template: TaskTemplate;
  timing: ScheduleTiming;
}): Promise<Schedule> {
  return unwrap(api.POST('/api/schedules', { body: { ...input, paused: false } }));
}

export function pauseSchedule(schedule: Schedule): Promise<Schedule> {
  return unwrap(
    api.POST('/api/schedules/{id}/pause', {
      params: { path: { id: schedule.id } },
      body: { expectedVersion: schedule.version },
    }),
  );
}

export function resumeSchedule(schedule: Schedule): Promise<Schedule> {
  return unwrap(
    api.POST('/api/schedules/{id}/resume', {
      params: { path: { id: schedule.id } },
      body: { expectedVersion: schedule.version },
    }),
  );
}

export async function deleteSchedule(schedule: Schedule): Promise<void> {
  await unwrap(
    api.DELETE('/api/schedules/{id}', {
      params: { path: { id: schedule.id } },
      headers: { 'If-Match': `"${schedule.version}"` },
    }),
  );
}

/** "Every 30 minutes", "Cron 0 9 * * 1-5 (Europe/Paris)". */
export function describeTiming(timing: ScheduleTiming): string {
  if (timing.intervalMinutes) {
    const m = timing.intervalMinutes;
    if (m % 1440 === 0) return m === 1440 ? 'Every day' : `Every ${m / 1440} days`;
    if (m % 60 === 0) return m === 60 ? 'Every hour' : `Every ${m / 60} hours`;
    return `Every ${m} minutes`;
  }
  if (timing.cron) return `Cron ${timing.cron}${timing.timeZone ? ` (${timing.timeZone})` : ''}`;
  return 'No timing';
}
