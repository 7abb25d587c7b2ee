/**
 * Digital twins of the lab's instruments: the device side of docs/protocol.md over MQTT and
 * serial, with seeded physics behind them.
 */
export { startSimulatedLab, type SimulatedLab, type SimulatedLabOptions, type TwinSpec } from './lab';
export { parseWorldParams, DEFAULT_WORLD, type WorldParams, type Recipe } from './world/params';
export type { Twin } from './twins/twin';
export type { FaultPatch, FaultSettings } from './twins/faults';
export type { LedgerEntry } from './twins/ledger';
export { World, type Sample, type Exposure } from './world/world';
export { type Material, synthesizeMaterial } from './world/material';
export { columnsIn, type AtomColumn } from './world/stem-lattice';
export { renderStemFrame, type StemFrameSpec, type StemTruth, type ImagedColumn } from './world/stem-render';
export { DEFAULT_READ_BIAS_V, renderSpmFrame, SPM_CHANNEL_UNITS, SPM_CHANNELS, type SpmChannel, type SpmFrame, type SpmFrameSpec } from './world/pfm-render';

// Test helpers for integration tests elsewhere (orchestrator, drivers).
export { startTestBroker, TestOrchestrator, waitFor, type Exchange } from './testing/mqtt-harness';
export { startPtyPair, type PtyPair } from './testing/pty-pair';
