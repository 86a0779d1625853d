import { z } from 'zod';
import type { Action } from '../../action.js';
import {
  categoriesOf,
  chosenScope,
  imageIdList,
  noClusters,
  requireTasks,
  scanScope,
} from '../CreateAssetImageScanTask/selection.js';

const TIME = /^(?:(\d{4})-(\d{2})-(\d{2}) )?([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/**
 * The `HH:MM` of a ScanTime: `HH:MM`, `HH:MM:SS` or `YYYY-MM-DD HH:MM:SS` (a real calendar date; only
 * its time of day counts, as in TCSS); undefined when the text is none of these.
 */
export function timeOfDay(text: string): string | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute] = m;
  if (year !== undefined) {
    const y = Number(year);
    const d = new Date(Date.UTC(y, Number(month) - 1, Number(day)));
    if (d.getUTCFullYear() !== y || d.getUTCMonth() !== Number(month) - 1 || d.getUTCDate() !== Number(day))
      return undefined;
  }
  return `${hour}:${minute}`;
}

const TIME_FORMS = 'expected HH:MM, HH:MM:SS or YYYY-MM-DD HH:MM:SS (UTC)';
const time = z
  .string()
  .max(32)
  .refine((v) => timeOfDay(v) !== undefined, TIME_FORMS);

const request = z.strictObject({
  Enable: z.boolean(),
  ScanTime: time,
  ScanPeriod: z.number().int().min(1).max(365),
  ScanVirus: z.boolean(),
  ScanRisk: z.boolean(),
  ScanVul: z.boolean(),
  All: z.boolean().optional(),
  Images: imageIdList.optional(),
  ContainerRunning: z.boolean().optional(),
  ScanScope: scanScope.optional(),
  // '' (or absent): no end; the scheduled task then has the default timeout
  ScanEndTime: z
    .string()
    .max(32)
    .refine((v) => v === '' || timeOfDay(v) !== undefined, TIME_FORMS)
    .optional(),
  ExcludeImages: imageIdList.optional(),
  ClusterIDs: noClusters.optional(),
});
type Request = z.infer<typeof request>;

/**
 * CreateAssetImageScanSetting: saves the account's periodic scan — every ScanPeriod days at ScanTime
 * (UTC; a full date-time counts only by its time of day), the chosen categories over every image or
 * the listed Images, minus ExcludeImages. Times are kept as `HH:MM`. An enabled setting must scan at
 * least one category.
 */
export const createAssetImageScanSetting: Action<Request, Record<string, never>> = {
  name: 'CreateAssetImageScanSetting',
  request,
  async handle(req, ctx) {
    // a disabled setting may keep all three off; an enabled one must scan something
    const categories = req.Enable
      ? categoriesOf(req)
      : { vul: req.ScanVul, virus: req.ScanVirus, risk: req.ScanRisk };
    const scope = chosenScope(req);
    const tasks = requireTasks(ctx);
    await tasks.putSetting(ctx.account, {
      enable: req.Enable,
      scanTime: timeOfDay(req.ScanTime) as string,
      scanEndTime: req.ScanEndTime ? (timeOfDay(req.ScanEndTime) as string) : '',
      periodDays: req.ScanPeriod,
      categories,
      scope,
      images: scope === 1 ? (req.Images ?? []) : [],
      excludeImages: req.ExcludeImages ?? [],
      containerRunning: req.ContainerRunning === true,
    });
    return {};
  },
};
