import { BadInputError } from '../core/errors.js';

/**
 * The job system's clocks. Real deployments keep the defaults; tests shorten them through the serve
 * config's `tasks` object or HULLSCAN_TASK_TIMING (JSON), so stop, timeout, lease and schedule
 * behaviour is exercised in real time, only faster.
 */
export interface TaskTiming {
  /** a running scan reports progress, renews its lease and learns of a stop this often */
  heartbeatMs: number;
  /** a claim not renewed for this long is taken back (its worker died) and the image queued again */
  leaseMs: number;
  /** housekeeping (expired leases, deadlines, unsent jobs, finished tasks) runs this often */
  reapMs: number;
  /** a job still unclaimed this long after it was sent is sent again (its queue lost it) */
  resendMs: number;
  /** claims of one image per task before it ends SCAN_ERR `worker lost` */
  maxAttempts: number;
  /** the length of a scan-setting day: ScanTime is a fraction of it, ScanPeriod counts them */
  dayMs: number;
  /** how often due scan settings are looked for */
  scheduleTickMs: number;
}

export const DEFAULT_TIMING: TaskTiming = {
  heartbeatMs: 500,
  leaseMs: 15_000,
  reapMs: 1_000,
  resendMs: 300_000,
  maxAttempts: 3,
  dayMs: 86_400_000,
  scheduleTickMs: 1_000,
};

/** Defaults overridden by `partial`, each value checked (a positive integer; maxAttempts at least 1). */
export function taskTiming(
  partial: Partial<Record<keyof TaskTiming, unknown>> = {},
  what = 'tasks',
): TaskTiming {
  const out: TaskTiming = { ...DEFAULT_TIMING };
  for (const [key, value] of Object.entries(partial)) {
    if (!(key in DEFAULT_TIMING)) throw new BadInputError(what, `unknown timing "${key}"`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      throw new BadInputError(what, `${key} must be a positive integer (milliseconds or a count)`);
    out[key as keyof TaskTiming] = value;
  }
  if (out.leaseMs <= out.heartbeatMs * 2)
    throw new BadInputError(what, 'leaseMs must be more than twice heartbeatMs');
  return out;
}

/** HULLSCAN_TASK_TIMING (a JSON object of TaskTiming fields) over the config's `tasks`, over the defaults. */
export function timingFrom(config: object | undefined, env: NodeJS.ProcessEnv = process.env): TaskTiming {
  let fromEnv: object = {};
  if (env.HULLSCAN_TASK_TIMING) {
    try {
      fromEnv = JSON.parse(env.HULLSCAN_TASK_TIMING) as object;
    } catch {
      throw new BadInputError('HULLSCAN_TASK_TIMING', 'is not a JSON object');
    }
    if (typeof fromEnv !== 'object' || fromEnv === null || Array.isArray(fromEnv))
      throw new BadInputError('HULLSCAN_TASK_TIMING', 'is not a JSON object');
  }
  return taskTiming({ ...(config ?? {}), ...fromEnv });
}
