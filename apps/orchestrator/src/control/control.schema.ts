import { z } from 'zod';
import type { Role } from '../auth/roles';

const id = z.string().min(1).max(100);
const reason = z.string().trim().min(3, 'give a reason (at least 3 characters)').max(2000);
const optionalReason = z.string().max(2000).optional();
const point = z.record(z.string(), z.union([z.number(), z.string()]));

/** Every override a person can send, over the websocket or REST. */
export const controlSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pause'), campaignId: id, reason: optionalReason }).strict(),
  z.object({ type: z.literal('pauseNow'), campaignId: id, reason: optionalReason }).strict(),
  z.object({ type: z.literal('resume'), campaignId: id, reason: optionalReason }).strict(),
  z.object({ type: z.literal('stop'), campaignId: id, reason: optionalReason }).strict(),
  z.object({ type: z.literal('abort'), campaignId: id, reason }).strict(),
  z.object({ type: z.literal('estop'), reason: optionalReason }).strict(),
  z.object({ type: z.literal('resetEstop'), reason }).strict(),
  z.object({ type: z.literal('approve'), campaignId: id, experimentId: id, params: point.optional(), reason: optionalReason }).strict(),
  z.object({ type: z.literal('reject'), campaignId: id, experimentId: id, reason }).strict(),
  z.object({ type: z.literal('inject'), campaignId: id, params: point, reason: optionalReason }).strict(),
  z.object({ type: z.literal('exclude'), campaignId: id, experimentId: id, reason }).strict(),
  z.object({ type: z.literal('resolveUnknown'), campaignId: id, experimentId: id, decision: z.enum(['retry', 'failed']), reason }).strict(),
  z.object({ type: z.literal('updateCampaign'), campaignId: id, yaml: z.string().min(1).max(200_000), reason }).strict(),
  z.object({ type: z.literal('startCampaign'), campaignId: id.optional(), file: z.string().optional(), yaml: z.string().max(200_000).optional(), seed: z.number().int().min(0).default(1) }).strict(),
  z.object({ type: z.literal('takeLease'), instrumentId: id, reason: optionalReason }).strict(),
  z.object({ type: z.literal('releaseLease'), instrumentId: id, force: z.boolean().optional(), reason: optionalReason }).strict(),
  z.object({ type: z.literal('manual'), instrumentId: id, action: z.string().min(1).max(64), params: z.record(z.string(), z.unknown()).default({}), reason: optionalReason }).strict(),
  z.object({ type: z.literal('clearProblem'), instrumentId: id, problem: z.string().min(1), reason }).strict(),
]);

export type ControlCommand = z.infer<typeof controlSchema>;
export type ControlType = ControlCommand['type'];

/** The least role each override needs. A technician operates; only a PI changes what a campaign is for. */
export const REQUIRED_ROLE: Record<ControlType, Role> = {
  pause: 'technician',
  pauseNow: 'technician',
  resume: 'technician',
  stop: 'technician',
  abort: 'technician',
  estop: 'technician',
  resetEstop: 'technician',
  approve: 'technician',
  reject: 'technician',
  inject: 'technician',
  exclude: 'technician',
  resolveUnknown: 'technician',
  updateCampaign: 'pi',
  startCampaign: 'technician',
  takeLease: 'technician',
  releaseLease: 'technician',
  manual: 'technician',
  clearProblem: 'technician',
};
