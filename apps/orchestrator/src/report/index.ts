export { calibrate, type CampaignCalibration, type ObjectiveCalibration } from './calibration';
export { resolveCampaignId } from './report-data';
export { writeReport, type WriteReportOptions } from './write-report';
