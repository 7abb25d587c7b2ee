/**
 * The only place that reads the environment. Variables override lab.yaml so a deployment can
 * point at its own broker and database without editing files.
 */
export interface EnvOverrides {
  brokerUrl?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  databaseUrl?: string;
  port?: number;
  labFile?: string;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvOverrides {
  const port = env.LAB_PORT ? Number(env.LAB_PORT) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new Error(`LAB_PORT must be a port number, got '${env.LAB_PORT}'`);
  }
  return {
    brokerUrl: env.LAB_BROKER_URL || undefined,
    mqttUsername: env.LAB_MQTT_USERNAME || undefined,
    mqttPassword: env.LAB_MQTT_PASSWORD || undefined,
    databaseUrl: env.LAB_DATABASE_URL || undefined,
    port,
    labFile: env.LAB_FILE || undefined,
  };
}
