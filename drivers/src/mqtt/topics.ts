export const TOPIC_ROOT = 'lab/v1';

export type Channel = 'cmd' | 'ack' | 'progress' | 'result' | 'data' | 'status';
const CHANNELS: ReadonlySet<string> = new Set<Channel>(['cmd', 'ack', 'progress', 'result', 'data', 'status']);

export const topicOf = (instrumentId: string, channel: Channel): string => `${TOPIC_ROOT}/${instrumentId}/${channel}`;

export function parseTopic(topic: string): { instrumentId: string; channel: Channel } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT || !CHANNELS.has(parts[3])) return undefined;
  return { instrumentId: parts[2], channel: parts[3] as Channel };
}
